/**
 * The Store port: everything the daemon, CLI and reports persist goes through this interface, so SQLite (the
 * default) and PostgreSQL adapters are interchangeable. Promise-based even where SQLite is synchronous, so a
 * networked database can implement it; `conformance.ts` is the executable definition of its behaviour.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import type {
  ApplyDecisionOutcome,
  ClaimOutboxOptions,
  DecisionChange,
  EngineSnapshot,
  EngineSnapshotQuery,
  IncidentDetail,
  IncidentPage,
  IncidentQuery,
  OutboxFailure,
  OutboxPage,
  OutboxQuery,
  OutboxRow,
  OutboxStats,
  SettleOutboxOptions,
  SettleOutboxOutcome,
  TimerRecord,
} from './engine-records.js';
import type { LatencyHistogram } from './latency-histogram.js';
import type { ChangeRecord } from '../changes/change.js';
import type { ChangePage, ChangeQuery, RecordChangeOutcome } from './change-records.js';
import type {
  ApiToken,
  ApiTokenRecord,
  AuditEntry,
  AuditPage,
  AuditQuery,
  RevokeApiTokenOutcome,
} from '../auth/auth-records.js';

export { StoreError, isStoreError, type StoreErrorCode } from './store-error.js';

/** Options every store call accepts. An already-aborted signal rejects with `store-aborted`. */
export interface StoreCallOptions {
  signal?: AbortSignal;
}

/**
 * Tuning shared by every adapter. Growth is bounded by these numbers alone, whatever the daemon's uptime, as
 * long as `compactRollups` runs regularly (the bound below assumes at least hourly; a store nobody compacts
 * keeps every minute row).
 *
 * Worked bound for 10,000 checks run every 30 s (2 results a minute each, ~10.5 billion results a year). Row
 * sizes were measured on SQLite with fractional latencies and a realistic spread, including keys, indexes and
 * page slack; hour and day rows grow with the number of histogram buckets a check's latencies touch
 * (`docs/decisions/004-check-result-retention.md`):
 * - raw results: a ring of `rawResultsPerCheck` = 200 per check (1 h 40 min at 30 s): 2 million rows at
 *   ~340 B (the full result as JSON) ≈ 0.7 GB, flat after the first 100 minutes.
 * - minute rows: kept `minuteRetentionHours` = 48 h and folded a whole hour at a time, so at most ~49 h =
 *   2,940 rows per check: 29.4 million rows at ~75 B ≈ 2.2 GB.
 * - hour rows: kept `hourRetentionDays` = 35 d and folded a whole UTC day at a time, so at most 36 d = 864 rows
 *   per check: 8.6 million rows at ~265 B ≈ 2.3 GB.
 * - day rows: kept `rollupRetentionDays` = 400 d, deleted a whole UTC day at a time, so at most 401 rows per
 *   check: 4 million rows at ~535 B ≈ 2.1 GB.
 * Ceiling ≈ 7.3 GB, reached after 400 days and flat after. With minute rows alone for 400 days it would be 5.76
 * billion rows ≈ 430 GB. A check removed from the workspace keeps its last raw rows; its rollups are folded and
 * age out with the rest.
 */
export interface StoreOptions {
  /**
   * Raw results kept per (integration, check); older ones are deleted as new ones arrive. Default 200: raw rows
   * are for drilling into recent results (the message, status, drift of one run); history lives in rollups.
   */
  rawResultsPerCheck?: number;
  /** Minute rollups are folded into hour rows once their whole hour is older than this. Default 48. */
  minuteRetentionHours?: number;
  /** Hour rollups are folded into day rows once their whole UTC day is older than this. Default 35. */
  hourRetentionDays?: number;
  /** Rollups of any resolution are deleted once their whole UTC day is older than this. Default 400. */
  rollupRetentionDays?: number;
  /**
   * Clock for bookkeeping timestamps (e.g. when a migration was applied) and for `compactRollups` called
   * without `now`. Default `Date.now`.
   */
  now?: () => number;
}

export const DEFAULT_RAW_RESULTS_PER_CHECK = 200;
export const DEFAULT_MINUTE_RETENTION_HOURS = 48;
export const DEFAULT_HOUR_RETENTION_DAYS = 35;
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

/** The width of a rollup row: a minute, an hour or a UTC day, in ms (see `MINUTE_MS`, `HOUR_MS`, `DAY_MS`). */
export type RollupBucketMs = 60_000 | 3_600_000 | 86_400_000;

/**
 * Which rollups to read. `since`/`until` are epoch ms; a row is included when its bucket
 * [start, start + bucketMs) overlaps [since, until). Without them, every kept row is returned.
 */
export interface CheckRollupQuery {
  integration: string;
  check?: string;
  since?: number;
  until?: number;
  /**
   * The smallest bucket wanted. Rows finer than this are merged, per check, into buckets of this size (and with
   * a stored row of exactly this size for the same bucket); coarser rows come back unchanged. The range is
   * widened to whole buckets of this size, so no merged bucket is cut short by `since` or `until`.
   *
   * @example
   * // A 30-day chart at hour resolution: the last 48 h of minute rows come back merged into hours.
   * await store.checkRollups({ integration: 'stripe', since: now - 30 * DAY_MS, until: now, resolution: HOUR_MS });
   */
  resolution?: RollupBucketMs;
}

/** Everything known about one (integration, check) in one bucket: a minute, an hour or a UTC day. */
export interface CheckRollup {
  integration: string;
  check: string;
  /** Epoch ms of the start of the bucket, a multiple of `bucketMs`. */
  start: number;
  /** The bucket's width: 60,000 (minute), 3,600,000 (hour) or 86,400,000 (day). */
  bucketMs: RollupBucketMs;
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

/** Where one compaction drew its lines (epoch ms), derived from `now` and the retention options. */
export interface CompactionCutoffs {
  /** Minute rows starting before this (a whole hour) were folded into hour rows. */
  minute: number;
  /** Hour rows starting before this (a whole UTC day) were folded into day rows. */
  hour: number;
  /** Rows of any resolution ending at or before this (a whole UTC day) were deleted. */
  retention: number;
}

export interface CompactRollupsOutcome {
  /** Minute rows folded into hour rows, then deleted. */
  minutesFolded: number;
  /** Hour rows folded into day rows, then deleted (hour rows this run created included). */
  hoursFolded: number;
  /** Rows of any resolution deleted because they ended at or before `cutoffs.retention`. */
  expired: number;
  cutoffs: CompactionCutoffs;
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
   * Writes raw results and adds them to minute rollups (only minute rows: the coarser tiers come from
   * `compactRollups`), all in one transaction: either every result is recorded or none is (invalid input is
   * rejected with `store-invalid-input` before anything is written).
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

  /**
   * Rollup rows of every resolution overlapping the query's range, oldest first (by `start`, then check name
   * in code-point order, then finer rows first); feed them to `summariseRollups` for a window.
   */
  checkRollups(query: CheckRollupQuery, options?: StoreCallOptions): Promise<CheckRollup[]>;

  /**
   * Applies the rollup tiers as of `now` (epoch ms; default: the store's clock): deletes rows of any resolution
   * in the UTC days wholly older than `rollupRetentionDays`, folds the minute rows of every hour wholly older
   * than `minuteRetentionHours` into hour rows, then the hour rows of every UTC day wholly older than
   * `hourRetentionDays` into day rows. Folding is exact (counts, classes, latency sum/min/max and histograms
   * add), so a summary over the same range is the same before and after.
   *
   * Works in chunks, each one transaction in which a fold and the delete of its source rows commit together:
   * a crash or an abort part-way keeps the chunks already done (rejecting with `store-aborted`) and never loses
   * or double-counts a result. Running it again with the same `now` changes nothing.
   *
   * @example
   * const { minutesFolded } = await store.compactRollups(undefined, { signal });
   */
  compactRollups(now?: number, options?: StoreCallOptions): Promise<CompactRollupsOutcome>;

  // ─── the engine's durable half (records: `engine-records.ts`) ────────────────────────────────────────────

  /**
   * Persists one engine decision in one transaction: all of it or nothing. Rows are validated first
   * (`store-invalid-input`, nothing written); a timeline row, timer or outbox row whose incident is neither
   * stored nor in the same change is rejected the same way. Writing the same change twice changes nothing
   * the second time, which is what makes "commit, crash, replay the last decision" safe.
   *
   * @example
   * await store.applyDecision({
   *   incidents: [incidentRecord],
   *   timeline: newEntries,
   *   timers: changedTimers,
   *   outbox: effects.map(toOutboxRecord),
   *   engineState: [{ key: 'counters', document: { nextIncidentNumber } }],
   * });
   */
  applyDecision(change: DecisionChange, options?: StoreCallOptions): Promise<ApplyDecisionOutcome>;

  /** What the daemon needs on start to rebuild the engine's pure state; read as one consistent snapshot. */
  loadEngineSnapshot(query: EngineSnapshotQuery, options?: StoreCallOptions): Promise<EngineSnapshot>;

  /** Pending timers with `dueAt ≤ now`, oldest first (by dueAt, then id), at most `limit` (≤ 1000). */
  dueTimers(now: number, limit: number, options?: StoreCallOptions): Promise<TimerRecord[]>;

  /**
   * Claims up to `limit` deliverable rows for `leaseMs`: `pending` with `nextAttemptAt ≤ now`, or `delivering`
   * with an expired lease; each becomes `delivering` with `leaseUntil = now + leaseMs` and one more attempt.
   * A row waits while an older row of its incident and lane (`channel`) is pending or delivering (neither
   * delivered nor dead), so each incident's messages reach a channel in order. `channelLimits` caps the rows of
   * named lanes in one claim (a channel's free concurrency or rate). Claims are atomic: two dispatchers
   * (processes, daemons) never hold the same row at once. Rows come in creation order.
   *
   * @example
   * for (const row of await store.claimOutbox(now, { limit: 10, leaseMs: 30_000 })) {
   *   try { await store.completeOutbox(row.id, await deliver(row), { attempt: row.attempts }); }
   *   catch (error) { await store.failOutbox(row.id, { error: String(error), nextAttemptAt: now + backoff(row.attempts) }); }
   * }
   */
  claimOutbox(now: number, options: ClaimOutboxOptions): Promise<OutboxRow[]>;

  /** Marks a `delivering` row `delivered` with its receipt (a JSON document) and the store clock's time. */
  completeOutbox(id: string, receipt: unknown, options?: SettleOutboxOptions): Promise<SettleOutboxOutcome>;

  /** Ends a `delivering` row's attempt: back to `pending` at `nextAttemptAt`, or `dead` (a dead letter). */
  failOutbox(id: string, failure: OutboxFailure, options?: SettleOutboxOptions): Promise<SettleOutboxOutcome>;

  /** Rows per status and how long the oldest undelivered one has waited. */
  outboxStats(options?: StoreCallOptions): Promise<OutboxStats>;

  /** Incidents newest first (by openedAt, then id), a page at a time, with a keyset cursor. */
  listIncidents(query?: IncidentQuery, options?: StoreCallOptions): Promise<IncidentPage>;

  /** One incident with its timeline, timers and outbox rows (without payloads); `undefined` if unknown. */
  getIncident(id: string, options?: StoreCallOptions): Promise<IncidentDetail | undefined>;

  /**
   * Outbox rows without payloads, newest first, a page at a time: receipts (with the attempts and the last
   * failed attempt's error) and dead letters for the API; by incident and channel, what a channel already got.
   */
  listOutbox(query?: OutboxQuery, options?: StoreCallOptions): Promise<OutboxPage>;

  // ─── changes (records: `change-records.ts`) ──────────────────────────────────────────────────────────────

  /**
   * Records a change unless one with its id exists: the same id twice is one record (`created: false`, and
   * `change` is the one stored first). Invalid input is rejected with `store-invalid-input`, nothing written.
   */
  recordChange(change: ChangeRecord, options?: StoreCallOptions): Promise<RecordChangeOutcome>;

  /**
   * Changes newest first (by `at`, then id), a page at a time, with a keyset cursor.
   *
   * @example
   * const { items } = await store.listChanges({ since: triggeredAt - 24 * HOUR_MS, until: now + 1 });
   */
  listChanges(query?: ChangeQuery, options?: StoreCallOptions): Promise<ChangePage>;

  // ─── API tokens and the audit trail (records: `auth/auth-records.ts`) ────────────────────────────────────

  /**
   * Stores a new token (its hash, never its secret). Rejected with `store-invalid-input`, nothing written, when
   * the input is invalid, the id exists, or a token of that name is not revoked.
   */
  createApiToken(token: ApiTokenRecord, options?: StoreCallOptions): Promise<void>;

  /** Every token, revoked ones included, oldest first; without hashes. */
  listApiTokens(options?: StoreCallOptions): Promise<ApiToken[]>;

  /** The tokens not revoked, with their hashes, oldest first: what the API checks a bearer token against. */
  activeApiTokens(options?: StoreCallOptions): Promise<ApiTokenRecord[]>;

  /** Sets `lastUsedAt` (never backwards); an unknown id changes nothing. */
  touchApiToken(id: string, at: number, options?: StoreCallOptions): Promise<void>;

  /** Revokes a token for good: from then on it is not among `activeApiTokens`. Revoking twice changes nothing. */
  revokeApiToken(id: string, at: number, options?: StoreCallOptions): Promise<RevokeApiTokenOutcome>;

  /** Appends one row to the audit trail. */
  recordAudit(entry: AuditEntry, options?: StoreCallOptions): Promise<void>;

  /** The audit trail newest first (in the order rows were written), a page at a time, with a keyset cursor. */
  listAudit(query?: AuditQuery, options?: StoreCallOptions): Promise<AuditPage>;
}
