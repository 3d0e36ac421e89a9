/**
 * Public entry point of the store: the port and its records, its errors, the SQLite adapter and the pure rollup
 * helpers.
 * The conformance suite (`./conformance.js`) is deliberately not re-exported: it imports vitest.
 */
export type {
  CheckResultPage,
  CheckResultQuery,
  CheckRollup,
  CheckRollupQuery,
  CompactRollupsOutcome,
  CompactionCutoffs,
  RecordCheckResultsOutcome,
  RollupBucketMs,
  Store,
  StoreCallOptions,
  StoreOptions,
  StoredCheckResult,
} from './store.js';
export {
  DEFAULT_HOUR_RETENTION_DAYS,
  DEFAULT_MINUTE_RETENTION_HOURS,
  DEFAULT_PAGE_LIMIT,
  DEFAULT_RAW_RESULTS_PER_CHECK,
  DEFAULT_ROLLUP_RETENTION_DAYS,
  MAX_PAGE_LIMIT,
} from './store.js';
export type {
  ApplyDecisionOutcome,
  ClaimOutboxOptions,
  DecisionChange,
  EngineSnapshot,
  EngineSnapshotQuery,
  EngineStateEntry,
  IncidentDetail,
  IncidentPage,
  IncidentQuery,
  IncidentRecord,
  IncidentRecordStatus,
  JsonDocument,
  OutboxFailure,
  OutboxPage,
  OutboxQuery,
  OutboxRecord,
  OutboxRow,
  OutboxStats,
  OutboxStatus,
  OutboxSummary,
  SettleOutboxOptions,
  SettleOutboxOutcome,
  SnapshotIncident,
  StoredEngineStateEntry,
  TimelineRecord,
  TimerRecord,
  TimerRecordStatus,
} from './engine-records.js';
export { INCIDENT_RECORD_STATUSES, OUTBOX_STATUSES, TIMER_RECORD_STATUSES } from './engine-records.js';
export { StoreError, isStoreError, type StoreErrorCode } from './store-error.js';
export type { ChangePage, ChangeQuery, RecordChangeOutcome } from './change-records.js';
export { summariseRollups, minuteStart, MINUTE_MS, HOUR_MS, DAY_MS, type RollupSummary } from './rollups.js';
export { ROLLUP_BUCKETS, bucketStart, compactionCutoffs, mergeToResolution } from './rollup-tiers.js';
export {
  BUCKET_COUNT,
  LATENCY_HISTOGRAM_LAYOUT,
  bucketBounds,
  bucketIndex,
  estimateQuantile,
  type LatencyHistogram,
} from './latency-histogram.js';
export type { Migration } from './migration-plan.js';
export {
  BUSY_TIMEOUT_MS,
  defaultStorePath,
  openSqliteStore,
  type SqliteStore,
  type SqliteStoreDiagnostics,
  type SqliteStoreOptions,
} from './sqlite/sqlite-store.js';
