/**
 * What the HTTP API needs from a running daemon to record and list changes: a change sent as JSON, the signed
 * generic webhook, GitHub's `deployment_status` webhook, and pages of recorded changes. Outcomes are a tagged
 * union the routes map to statuses; the service knows nothing of HTTP beyond the headers' values.
 */
import type { ChangeRecord } from '../changes/change.js';
import type { ChangeInput } from '../changes/change-input.js';
import type { GithubTarget } from '../changes/github-deployment-status.js';
import type { ChangePage } from '../store/change-records.js';

export type ChangeOutcome =
  /** Recorded now (`created`), or already recorded under the same id (`created: false`, the stored one). */
  | { kind: 'recorded'; change: ChangeRecord; created: boolean }
  /** Understood and deliberately not recorded (a GitHub status other than success, another event). */
  | { kind: 'ignored'; reason: string }
  /** A field is wrong (`field` is '' when the whole body is); nothing recorded. */
  | { kind: 'invalid'; field: string; message: string }
  /** The signature is missing or wrong, or the timestamp outside the replay window; nothing recorded. */
  | { kind: 'unauthorized'; message: string }
  /** The webhook has no secret in the workspace, so it is off. */
  | { kind: 'not-configured'; message: string }
  /** The webhook's secret cannot be resolved right now (unset variable, unreadable file). */
  | { kind: 'unavailable'; message: string };

export interface ChangeListQuery {
  integration?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  limit?: number;
  cursor?: string;
}

/** A signed generic webhook: the raw body and the `X-Lifeline-*` headers. */
export interface SignedChangeRequest {
  body: string;
  timestamp?: string;
  signature?: string;
}

/** A GitHub webhook: the raw body, its content type, `X-GitHub-Event` and `X-Hub-Signature-256`. */
export interface GithubChangeRequest {
  body: string;
  contentType?: string;
  event?: string;
  signature?: string;
  target: GithubTarget;
}

export interface ChangeService {
  record(input: ChangeInput): Promise<ChangeOutcome>;
  list(query: ChangeListQuery): Promise<ChangePage>;
  receiveWebhook(request: SignedChangeRequest): Promise<ChangeOutcome>;
  receiveGithub(request: GithubChangeRequest): Promise<ChangeOutcome>;
}
