/**
 * What the HTTP API needs from a running daemon to take inbound alerts: whether a caller may post them, and
 * receiving a body of one of the intake formats (Alertmanager's webhook, or the generic JSON alert). The daemon
 * implements it over its alert book and signal loop (`alert-service-impl.ts`); the server only translates HTTP.
 */
import type { AlertSource, PayloadIssue } from '../alerts/alert.js';

/** What became of a received body: its alerts recorded (and the playbooks using alerts evaluated), or refused. */
export type AlertReceipt =
  { kind: 'accepted'; accepted: number } | { kind: 'invalid'; issues: PayloadIssue[] };

/** Whether a caller may post alerts; `unavailable` when the configured token cannot be resolved. */
export type AlertAuthorization =
  { kind: 'ok' } | { kind: 'unauthorized'; reason: string } | { kind: 'unavailable'; reason: string };

export interface AlertService {
  /** Checks the `Authorization` header against the workspace's `alerts.token` (anyone may post without one). */
  authorize(authorization: string | undefined, signal: AbortSignal): Promise<AlertAuthorization>;
  /** Parses a JSON body of the `intake` format and records its alerts; nothing is recorded of an invalid body. */
  receive(intake: AlertSource, body: unknown, signal: AbortSignal): Promise<AlertReceipt>;
}
