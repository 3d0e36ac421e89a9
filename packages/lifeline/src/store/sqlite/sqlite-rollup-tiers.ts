/**
 * The SQL of the SQLite rollup tiers. Each tier is one table with the same columns, keyed by (series_id,
 * bucket) where the bucket is counted in the tier's own unit (epoch minutes, hours or days); the statements
 * here are generated per tier from that one description, so the three tiers cannot drift apart.
 */
import type Database from 'better-sqlite3';
import { DAY_MS, HOUR_MS, MINUTE_MS, type RollupAggregate } from '../rollups.js';
import type { RollupBucketMs } from '../store.js';
import type { RollupAggregateRow, Statement } from './sqlite-queries.js';

/** Where one tier lives. `column` is the bucket column, in units of `bucketMs`. */
export interface SqliteTier {
  bucketMs: RollupBucketMs;
  table: string;
  column: string;
}

/** Finest first. `check_rollups` is the minute table of the first migration, kept as released. */
export const SQLITE_TIERS: readonly [SqliteTier, SqliteTier, SqliteTier] = [
  { bucketMs: MINUTE_MS, table: 'check_rollups', column: 'minute' },
  { bucketMs: HOUR_MS, table: 'check_rollups_hourly', column: 'hour' },
  { bucketMs: DAY_MS, table: 'check_rollups_daily', column: 'day' },
];

const AGGREGATE_COLUMNS = 'count, failures, by_class, latency_sum, latency_min, latency_max, histogram';

export interface BucketRow extends RollupAggregateRow {
  bucket: number;
}

/** The statements of one tier, prepared once per connection. Buckets are in the tier's unit. */
export interface TierStatements {
  tier: SqliteTier;
  /** [seriesId, bucket] → the row, if any. */
  selectRow: Statement<[number, number], RollupAggregateRow>;
  /** Named parameters: see `upsertParams`. Replaces the aggregate of an existing row. */
  upsertRow: Statement<Record<string, number | string>>;
  /** [seriesId, before, limit] → the series' oldest rows with bucket < before, oldest first. */
  oldestRows: Statement<[number, number, number], BucketRow>;
  /** [seriesId, before, offset] → the bucket of the (offset+1)-th oldest row with bucket < before. */
  nthBucketBefore: Statement<[number, number, number], number>;
  /** [seriesId, through]: deletes the series' rows with bucket ≤ through. */
  deleteThrough: Statement<[number, number]>;
  /** [seriesId, before]: deletes the series' rows with bucket < before. */
  deleteBefore: Statement<[number, number]>;
}

function tierSql(tier: SqliteTier): Record<Exclude<keyof TierStatements, 'tier'>, string> {
  const { table, column } = tier;
  return {
    selectRow: `SELECT ${AGGREGATE_COLUMNS} FROM ${table} WHERE series_id = ? AND ${column} = ?`,
    upsertRow: `
      INSERT INTO ${table} (series_id, ${column}, ${AGGREGATE_COLUMNS})
      VALUES (@seriesId, @bucket, @count, @failures, @byClass, @latencySum, @latencyMin, @latencyMax, @histogram)
      ON CONFLICT (series_id, ${column}) DO UPDATE SET
        count = excluded.count, failures = excluded.failures, by_class = excluded.by_class,
        latency_sum = excluded.latency_sum, latency_min = excluded.latency_min,
        latency_max = excluded.latency_max, histogram = excluded.histogram`,
    oldestRows: `
      SELECT ${column} AS bucket, ${AGGREGATE_COLUMNS} FROM ${table}
      WHERE series_id = ? AND ${column} < ? ORDER BY ${column} LIMIT ?`,
    nthBucketBefore: `
      SELECT ${column} FROM ${table} WHERE series_id = ? AND ${column} < ?
      ORDER BY ${column} LIMIT 1 OFFSET ?`,
    deleteThrough: `DELETE FROM ${table} WHERE series_id = ? AND ${column} <= ?`,
    deleteBefore: `DELETE FROM ${table} WHERE series_id = ? AND ${column} < ?`,
  };
}

/** Prepares the statements of every tier, finest first. */
export function prepareTierStatements(
  db: Database.Database,
): readonly [TierStatements, TierStatements, TierStatements] {
  const prepare = (tier: SqliteTier): TierStatements => {
    const sql = tierSql(tier);
    return {
      tier,
      selectRow: db.prepare<[number, number], RollupAggregateRow>(sql.selectRow),
      upsertRow: db.prepare<Record<string, number | string>>(sql.upsertRow),
      oldestRows: db.prepare<[number, number, number], BucketRow>(sql.oldestRows),
      nthBucketBefore: db.prepare<[number, number, number], number>(sql.nthBucketBefore).pluck(),
      deleteThrough: db.prepare<[number, number]>(sql.deleteThrough),
      deleteBefore: db.prepare<[number, number]>(sql.deleteBefore),
    };
  };
  const [minute, hour, day] = SQLITE_TIERS;
  return [prepare(minute), prepare(hour), prepare(day)];
}

/** The named parameters of `upsertRow`. */
export function upsertParams(
  seriesId: number,
  bucket: number,
  aggregate: RollupAggregate,
): Record<string, number | string> {
  return {
    seriesId,
    bucket,
    count: aggregate.count,
    failures: aggregate.failures,
    byClass: JSON.stringify(aggregate.byClass),
    latencySum: aggregate.latencySumMs,
    latencyMin: aggregate.latencyMinMs,
    latencyMax: aggregate.latencyMaxMs,
    histogram: JSON.stringify(aggregate.histogram),
  };
}

/** Which filters a `checkRollups` call uses; each distinct shape is one prepared statement. */
export interface RollupShape {
  check: boolean;
  since: boolean;
  until: boolean;
}

export function rollupShapeKey(shape: RollupShape): string {
  return [shape.check, shape.since, shape.until].join(',');
}

/** The named parameters bounding one tier's buckets, e.g. `sinceHour`, `untilHour`. */
export function tierBoundParams(
  since: number | undefined,
  until: number | undefined,
): Record<string, number> {
  const params: Record<string, number> = {};
  for (const tier of SQLITE_TIERS) {
    // A bucket [b·w, (b+1)·w) overlaps [since, until) when b ≥ floor(since / w) and b < ceil(until / w).
    if (since !== undefined) params[`since_${tier.column}`] = Math.floor(since / tier.bucketMs);
    if (until !== undefined) params[`until_${tier.column}`] = Math.ceil(until / tier.bucketMs);
  }
  return params;
}

/**
 * Named parameters: @integration, @check, and per tier @since_<column> / @until_<column> from `tierBoundParams`.
 * One branch per tier, each a walk of the integration's few series then each one's primary-key range (CROSS
 * JOIN fixes that loop order); only the final ORDER BY sorts across them.
 */
export function rollupsSql(shape: RollupShape): string {
  const branches = SQLITE_TIERS.map(({ table, column, bucketMs }) => {
    const where = ['s.integration = @integration'];
    if (shape.check) where.push('s.check_name = @check');
    if (shape.since) where.push(`r.${column} >= @since_${column}`);
    if (shape.until) where.push(`r.${column} < @until_${column}`);
    return `
      SELECT s.integration, s.check_name, r.${column} * ${bucketMs} AS start, ${bucketMs} AS bucket_ms,
        r.count, r.failures, r.by_class, r.latency_sum, r.latency_min, r.latency_max, r.histogram
      FROM check_series s CROSS JOIN ${table} r ON r.series_id = s.id
      WHERE ${where.join(' AND ')}`;
  });
  return `${branches.join('\n      UNION ALL')}
    ORDER BY start, check_name, bucket_ms`;
}
