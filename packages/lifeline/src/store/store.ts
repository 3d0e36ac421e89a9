/**
 * The Store port: everything the daemon, CLI and reports persist goes through this interface, so SQLite (the
 * default) and PostgreSQL adapters are interchangeable. Promise-based even where SQLite is synchronous, so a
 * networked database can implement it; `conformance.ts` is the executable definition of its behaviour.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import type { LatencyHistogram } from './latency-histogram.js';

export { StoreError, isStoreError, type StoreErrorCode } from './store-error.js';

/** Options every store call accepts. An already-aborted signal rejects with `store-aborted`. */
export interface StoreCallOptions {
  signal?: AbortSignal;
}

/**
 * Tuning shared by every adapter. Growth is bounded by these two numbers alone.
 *
 * Worked bound for a year of 10,000 checks run every 30 s (2 results a minute each, ~10.5 billion results):
 * - raw results: the ring keeps `rawResultsPerCheck` = 1,000 per check (8 h 20 min of history at 30 s), so at
 *   most 10,000 × 1,000 = 10 million rows however long the daemon runs. Measured on SQLite at ~350 B a row
 *   including indexes (the full result is kept as JSON): a ~3.5 GB ceiling, reached after 8 h, flat after.
 * - rollups: one row per check per minute, deleted by `pruneRollups` after `rollupRetentionDays` = 400, so at
 *   most 10,000 × 1,440 × 400 = 5.76 billion rows. Measured on SQLite at ~42 B a row: a ~240 GB ceiling.
 *   Bounded, but large: at that scale set a shorter retention (30 days ≈ 432 million rows ≈ 18 GB) until
 *   minutes are compacted into an hourly tier.
 * - a check removed from the workspace keeps its last 1,000 raw rows; its rollups age out with the rest.
 */
export interface StoreOptions {
  /** Raw results kept per (integration, check); older ones are deleted as new ones arrive. Default 1000. */
  rawResultsPerCheck?: number;
  /** Minute rollups older than this many days are deleted by `pruneRollups`. Default 400. */
  rollupRetentionDays?: number;
  /** Clock for bookkeeping timestamps (e.g. when a migration was applied). Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_RAW_RESULTS_PER_CHECK = 1000;
export const DEFAULT_ROLLUP_RETENTION_DAYS = 400;
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

/** A check result as stored: the result plus the id the store gave it (unique, never reused). */
export interface StoredCheckResult extends CheckResult {
  id: string;
}

/**
 * Filters for `listCheckResults`. Times are epoch ms: `since` is inclusive, `until` exclusive, both on
 * `startedAt`. Results come newest first (by `startedAt`, then by insertion order).
 */
export interface CheckResultQuery {
  integration?: string;
  check?: string;
  /** One class or any of several (an empty list matches nothing). */
  class?: FailureClass | readonly FailureClass[];
  ok?: boolean;
  since?: number;
  until?: number;
  /** Page size: default 100, values above 1000 are treated as 1000. */
  limit?: number;
  /** `nextCursor` from the previous page. Filters may stay the same or change between pages. */
  cursor?: string;
}

/** One page of results; `nextCursor` is absent on the last page. */
export interface CheckResultPage {
  items: StoredCheckResult[];
  nextCursor?: string;
}

/** The outcome of recording a batch: all of it was written, in one transaction. */
export interface RecordCheckResultsOutcome {
  recorded: number;
}

/**
 * Which rollups to read. `since`/`until` are epoch ms; a minute is included when it overlaps
 * [since, until). Without them, every kept minute is returned.
 */
export interface CheckRollupQuery {
  integration: string;
  check?: string;
  since?: number;
  until?: number;
}

/** Everything known about one (integration, check) in one minute. */
export interface CheckRollup {
  integration: string;
  check: string;
  /** Epoch ms of the start of the minute. */
  minute: number;
  count: number;
  /** Results with `ok: false`. */
  failures: number;
  /** Results per failure class, `ok` included; classes with no results are absent. */
  byClass: Partial<Record<FailureClass, number>>;
  latencySumMs: number;
  latencyMinMs: number;
  latencyMaxMs: number;
  /** See `latency-histogram.ts`. */
  histogram: LatencyHistogram;
}

export interface PruneRollupsOutcome {
  /** Minute rows deleted. */
  deleted: number;
  /** Epoch ms: minutes starting before this were deleted. */
  cutoff: number;
}

/**
 * Persistence for Lifeline. Migrations run when an adapter opens the store (see `openSqliteStore`), so every
 * method can assume the current schema. Every method rejects with a `StoreError`.
 */
export interface Store {
  /** Releases the connection. Idempotent; afterwards every other method rejects with `store-closed`. */
  close(): Promise<void>;

  /** A small string setting (e.g. the workspace id); `undefined` when never set. */
  getMeta(key: string, options?: StoreCallOptions): Promise<string | undefined>;
  setMeta(key: string, value: string, options?: StoreCallOptions): Promise<void>;

  /**
   * Writes raw results and folds them into minute rollups, all in one transaction: either every result is
   * recorded or none is (invalid input is rejected with `store-invalid-input` before anything is written).
   * Raw rows beyond `rawResultsPerCheck` for each touched (integration, check) are deleted, oldest first.
   */
  recordCheckResults(
    results: readonly CheckResult[],
    options?: StoreCallOptions,
  ): Promise<RecordCheckResultsOutcome>;

  /**
   * Raw results, newest first, a page at a time. Paging follows a keyset cursor, so results recorded between
   * pages never cause duplicates or gaps in the older pages.
   *
   * @example
   * let page = await store.listCheckResults({ integration: 'stripe', ok: false, limit: 50 });
   * while (page.nextCursor) page = await store.listCheckResults({ integration: 'stripe', ok: false, cursor: page.nextCursor });
   */
  listCheckResults(query?: CheckResultQuery, options?: StoreCallOptions): Promise<CheckResultPage>;

  /** The newest raw result of every (integration, check), ordered by integration then check. */
  latestCheckResults(options?: StoreCallOptions): Promise<StoredCheckResult[]>;

  /** Minute rollups, oldest minute first (then by check); feed them to `summariseRollups` for a window. */
  checkRollups(query: CheckRollupQuery, options?: StoreCallOptions): Promise<CheckRollup[]>;

  /**
   * Deletes minute rollups older than `rollupRetentionDays` before `now` (epoch ms). Safe to repeat; an abort
   * part-way keeps what was already deleted and rejects with `store-aborted`.
   */
  pruneRollups(now: number, options?: StoreCallOptions): Promise<PruneRollupsOutcome>;
}
