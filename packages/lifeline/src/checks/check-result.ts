/**
 * The outcome of one check run: what every check kind produces, what the store keeps, what signals and
 * incidents are computed from. Plain data, JSON-serialisable.
 */

/** The kinds of check a workspace can declare. */
export type CheckKind = 'http' | 'tls' | 'credential' | 'schema';

/**
 * Why a check failed, precisely enough to pick the right playbook. `ok` is the one passing class.
 * - `unreachable`: DNS failure, connection refused or reset.
 * - `credential`: 401/403 or a token endpoint refusing the client; never an outage.
 * - `rate-limited`: 429, with `retryAfterMs` when the vendor said how long to wait.
 * - `slow`: the response came, but later than the check's degraded threshold.
 */
export type FailureClass =
  | 'ok'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'credential'
  | 'rate-limited'
  | 'server-error'
  | 'client-error'
  | 'schema-drift'
  | 'slow'
  | 'assertion';

export const FAILURE_CLASSES: readonly FailureClass[] = [
  'ok',
  'unreachable',
  'timeout',
  'tls',
  'credential',
  'rate-limited',
  'server-error',
  'client-error',
  'schema-drift',
  'slow',
  'assertion',
];

/** How a response differs from its declared schema at one place. */
export type DriftKind =
  'type-changed' | 'removed' | 'required-missing' | 'added' | 'became-null' | 'enum-value' | 'format';

/** One difference between a response and its schema, located by JSON pointer (e.g. `/data/0/amount`). */
export interface DriftEntry {
  pointer: string;
  kind: DriftKind;
  /** What the schema declares, e.g. `integer`, `one of: usd, eur`. */
  expected: string;
  /** What came back: a JSON type name unless the field is declared safe to show. */
  actual: string;
}

/** What a TLS inspection found about a certificate. */
export interface TlsSummary {
  daysLeft: number;
  /** ISO 8601 timestamp. */
  validTo: string;
  validFrom: string;
  issuer: string;
  subject: string;
  selfSigned: boolean;
  trusted: boolean;
  hostnameMatches: boolean;
  protocol?: string;
}

/** The result of one run of one check. */
export interface CheckResult {
  integration: string;
  check: string;
  kind: CheckKind;
  ok: boolean;
  class: FailureClass;
  /** HTTP status, when a response arrived. */
  status?: number;
  latencyMs: number;
  /** Stable fingerprint of the failure (or of `ok`); the same failure always gets the same signature. */
  signature: string;
  /** One line a responder can act on. Never contains secrets. */
  message: string;
  /** Epoch milliseconds when the run started. */
  startedAt: number;
  /** Epoch milliseconds when the scheduler meant it to start; `startedAt - scheduledAt` is the lag. */
  scheduledAt?: number;
  /** Low-level error code (e.g. `ECONNREFUSED`, `CERT_HAS_EXPIRED`) when there is one. */
  errorCode?: string;
  retryAfterMs?: number;
  attempts: number;
  tls?: TlsSummary;
  drift?: DriftEntry[];
}
