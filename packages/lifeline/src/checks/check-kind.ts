/**
 * The port every check kind implements (`http`, `tls`, `credential`, `schema`): given a check and its context,
 * make one attempt and say what was found. The runner around it owns timing, timeouts, retries, the failure
 * signature and the final `CheckResult`, so a kind only classifies.
 */
import type { Check, Integration, Workspace } from '../workspace/model.js';
import type { SecretReference } from '../workspace/values.js';
import type { DriftEntry, FailureClass, TlsSummary } from './check-result.js';

/** What one attempt of a check found. */
export interface CheckOutcome {
  class: FailureClass;
  /** One line a responder can act on; never contains a secret or a personal value. */
  message: string;
  status?: number;
  /** Low-level code, e.g. `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `invalid_client`. */
  errorCode?: string;
  retryAfterMs?: number;
  tls?: TlsSummary;
  drift?: DriftEntry[];
  /** Set when the kind measured latency itself (e.g. response time without the body download). */
  latencyMs?: number;
}

/** Everything a kind may use; passed explicitly, never taken from globals. */
export interface CheckRunContext {
  workspace: Workspace;
  integration: Integration;
  /** Aborted when the check's timeout elapses or the process shuts down. */
  signal: AbortSignal;
  timeoutMs: number;
  now: () => number;
  /** Resolves a secret reference at the moment of use, relative to the file that declares the integration. */
  resolveSecret: (ref: SecretReference) => Promise<string>;
  /** Absolute path of a path written in the integration's file (schema files, CA bundles). */
  resolvePath: (relative: string) => string;
}

export interface CheckKindRunner<K extends Check['kind'] = Check['kind']> {
  readonly kind: K;
  run(check: Extract<Check, { kind: K }>, context: CheckRunContext): Promise<CheckOutcome>;
}
