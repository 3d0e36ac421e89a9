/**
 * How a daemon is started and what a running one offers: the options (every tuning knob has a production
 * default; tests shrink intervals and inject a clock), the handle `startDaemon` returns, and the error an
 * invalid workspace at start raises (the CLI turns it into exit code 2 with the diagnostics).
 */
import type { Clock } from '../checks/scheduler/index.js';
import type { EngineOptions } from '../engine/index.js';
import type { EventHub } from '../events/event-hub.js';
import type { LifelineMetrics } from '../metrics/lifeline-metrics.js';
import type { Store } from '../store/index.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { Diagnostic } from '../workspace/diagnostics.js';
import type { Workspace } from '../workspace/model.js';
import type { AlertService } from './alert-service.js';
import type { BackoffOptions } from './backoff.js';
import type { ChangeService } from './change-service.js';
import type { IncidentService } from './incident-service.js';
import type { DaemonLogger } from './logger.js';
import type { ReadService } from './read-service.js';

export interface DaemonOptions {
  /** Workspace directory or root file. */
  workspace: string;
  /** SQLite file; default `<workspace>/.lifeline/lifeline.db`. Ignored when `store` is given. */
  storePath?: string;
  /** A store to use instead of opening one (the daemon does not close a store it did not open). */
  store?: Store;
  /** Default the system clock. */
  clock?: Clock;
  logger?: DaemonLogger;
  /** Environment for `${env:…}` secrets; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reload when workspace files change (default true). */
  watch?: boolean;
  reloadDebounceMs?: number;
  engine?: EngineOptions;
  /** Width of a rolling-window slice (default 10 s); the granularity of signal windows. */
  windowSliceMs?: number;
  /** How often every criteria is re-evaluated without new results, so `for` durations complete (default 5 s). */
  evaluateEveryMs?: number;
  /** How often `wait` steps and guards re-evaluate their signal (default 1 s). */
  conditionPollMs?: number;
  /** How often check results are written to the store (default 250 ms). */
  resultFlushMs?: number;
  /** Check runs in flight per host (default 8). */
  maxPerHost?: number;
  /** Where the daemon reports its metrics (`GET /metrics`); without it nothing is measured. */
  metrics?: LifelineMetrics;
  /**
   * Where checks, playbook steps and deliveries are traced (`createTracing` in `telemetry/tracing.ts`); the
   * daemon shuts it down (flushing) at stop. Without it nothing is traced.
   */
  tracing?: Tracing;
  outbox?: {
    pollMs?: number;
    leaseMs?: number;
    maxAttempts?: number;
    backoff?: BackoffOptions;
    random?: () => number;
  };
}

export type ReloadResult =
  { ok: true; workspace: Workspace; diagnostics: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

export interface RunningDaemon {
  service: IncidentService;
  /** Change records: recording (API, webhooks) and listing. */
  changes: ChangeService;
  /** Inbound alerts (Alertmanager webhook, generic JSON alerts) that `alert` signals read. */
  alerts: AlertService;
  /** Live events (incidents, check and integration statuses) for `GET /api/v1/events`; closed at stop. */
  events: EventHub;
  /** Integrations' health, check results, playbooks and deliveries for the read API (`GET /api/v1/integrations`…). */
  read: ReadService;
  /** The workspace in use (the last good one). */
  workspace(): Workspace;
  storePath: string;
  /** Loads the workspace again; an invalid one is refused and the daemon keeps the last good one. */
  reload(): Promise<ReloadResult>;
  /** Stops the scheduler, finishes queued decisions and deliveries in flight, writes buffered results, closes the store. */
  stop(): Promise<void>;
}

/** The workspace does not load at start; nothing was started. Recognised by `name` / `code`. */
export class WorkspaceInvalidError extends Error {
  override readonly name = 'WorkspaceInvalidError';
  readonly code = 'workspace-invalid';
  constructor(
    readonly diagnostics: Diagnostic[],
    options?: { cause?: unknown },
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors
      .slice(0, 3)
      .map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`)
      .join('; ');
    const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
    super(`the workspace is invalid: ${first}${more}`, options);
  }
}
