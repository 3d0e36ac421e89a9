/**
 * The SQL the SQLite store runs and the mapping of its rows, kept apart from the store's control flow (the
 * rollup tiers' SQL is in `sqlite-rollup-tiers.ts`). Fixed statements are prepared once per connection;
 * queries whose WHERE clause depends on which filters are set are built per filter shape, and each shape is
 * prepared once and cached.
 */
import type Database from 'better-sqlite3';
import type { CheckResult } from '../../checks/check-result.js';
import type { LatencyHistogram } from '../latency-histogram.js';
import type { RollupAggregate } from '../rollups.js';
import type { StoredCheckResult } from '../store.js';

export type Statement<Params extends unknown[] | object = unknown[], Row = unknown> = Database.Statement<
  Params,
  Row
>;

/** Fixed statements, prepared once when the store opens. */
export const SQL = {
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta:
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  insertSeries: 'INSERT INTO check_series (integration, check_name) VALUES (?, ?) ON CONFLICT DO NOTHING',
  selectSeries: 'SELECT id FROM check_series WHERE integration = ? AND check_name = ?',
  allSeriesIds: 'SELECT id FROM check_series ORDER BY id',
  insertResult:
    'INSERT INTO check_results (series_id, started_at, ok, class, latency_ms, data) VALUES (?, ?, ?, ?, ?, ?)',
  countRawResults: 'UPDATE check_series SET raw_results = raw_results + ? WHERE id = ? RETURNING raw_results',
  // The newest of the rows that overflow the ring: the OFFSET is the overflow (normally 0), not the ring size.
  ringOverflowEnd: `
    SELECT started_at, id FROM check_results WHERE series_id = ?
    ORDER BY started_at, id LIMIT 1 OFFSET ?`,
  trimResults: 'DELETE FROM check_results WHERE series_id = ? AND (started_at, id) <= (?, ?)',
  // MATERIALIZED keeps SQLite from turning the per-series lookup into a scan of every raw row.
  latestResults: `
    WITH latest AS MATERIALIZED (
      SELECT s.integration, s.check_name,
        (SELECT id FROM check_results WHERE series_id = s.id ORDER BY started_at DESC, id DESC LIMIT 1) AS id
      FROM check_series s)
    SELECT r.id, r.data FROM latest CROSS JOIN check_results r ON r.id = latest.id
    ORDER BY latest.integration, latest.check_name`,
  schemaVersion: 'SELECT COALESCE(MAX(version), 0) FROM schema_migrations',
} as const;

export interface ResultRow {
  id: number;
  data: string;
}

export interface ListRow extends ResultRow {
  started_at: number;
}

export interface RollupAggregateRow {
  count: number;
  failures: number;
  by_class: string;
  latency_sum: number;
  latency_min: number;
  latency_max: number;
  histogram: string;
}

export interface RollupRow extends RollupAggregateRow {
  integration: string;
  check_name: string;
  start: number;
  bucket_ms: number;
}

/** Which filters a `listCheckResults` call uses; each distinct shape is one prepared statement. */
export interface ListShape {
  integration: boolean;
  check: boolean;
  classes: boolean;
  /** Inlined as a literal, not bound, so SQLite can pick the partial index on failures. */
  ok: boolean | undefined;
  since: boolean;
  until: boolean;
  cursor: boolean;
}

export function listShapeKey(shape: ListShape): string {
  return [
    shape.integration,
    shape.check,
    shape.classes,
    shape.ok === undefined ? 'any' : shape.ok,
    shape.since,
    shape.until,
    shape.cursor,
  ].join(',');
}

/** Named parameters: @integration, @check, @classes (JSON array), @since, @until, @cursorAt, @cursorId, @limit. */
export function listResultsSql(shape: ListShape): string {
  const where: string[] = [];
  const series: string[] = [];
  if (shape.integration) series.push('integration = @integration');
  if (shape.check) series.push('check_name = @check');
  // Integration and check name one series: `=` lets SQLite walk that series' index in order.
  const oneSeries = shape.integration && shape.check;
  if (series.length > 0) {
    where.push(
      `series_id ${oneSeries ? '=' : 'IN'} (SELECT id FROM check_series WHERE ${series.join(' AND ')})`,
    );
  }
  if (shape.classes) where.push('class IN (SELECT value FROM json_each(@classes))');
  if (shape.ok !== undefined) where.push(`ok = ${shape.ok ? 1 : 0}`);
  if (shape.since) where.push('started_at >= @since');
  if (shape.until) where.push('started_at < @until');
  if (shape.cursor) where.push('(started_at, id) < (@cursorAt, @cursorId)');
  return `
    SELECT id, started_at, data FROM check_results
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY started_at DESC, id DESC
    LIMIT @limit`;
}

export function rowToResult(row: ResultRow): StoredCheckResult {
  return { ...(JSON.parse(row.data) as CheckResult), id: String(row.id) };
}

export function rowToAggregate(row: RollupAggregateRow): RollupAggregate {
  return {
    count: row.count,
    failures: row.failures,
    byClass: JSON.parse(row.by_class) as RollupAggregate['byClass'],
    latencySumMs: row.latency_sum,
    latencyMinMs: row.latency_min,
    latencyMaxMs: row.latency_max,
    histogram: JSON.parse(row.histogram) as LatencyHistogram,
  };
}

/** Every fixed statement of the store. */
export interface SqliteStatements {
  getMeta: Statement<[string], string>;
  setMeta: Statement<[string, string]>;
  insertSeries: Statement<[string, string]>;
  selectSeries: Statement<[string, string], number>;
  allSeriesIds: Statement<[], number>;
  insertResult: Statement<[number, number, number, string, number, string]>;
  countRawResults: Statement<[number, number], number>;
  ringOverflowEnd: Statement<[number, number], { started_at: number; id: number }>;
  trimResults: Statement<[number, number, number]>;
  latestResults: Statement<[], ResultRow>;
  schemaVersion: Statement<[], number>;
}

/** Prepares every fixed statement, once per connection. */
export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
    getMeta: db.prepare<[string], string>(SQL.getMeta).pluck(),
    setMeta: db.prepare<[string, string]>(SQL.setMeta),
    insertSeries: db.prepare<[string, string]>(SQL.insertSeries),
    selectSeries: db.prepare<[string, string], number>(SQL.selectSeries).pluck(),
    allSeriesIds: db.prepare<[], number>(SQL.allSeriesIds).pluck(),
    insertResult: db.prepare<[number, number, number, string, number, string]>(SQL.insertResult),
    countRawResults: db.prepare<[number, number], number>(SQL.countRawResults).pluck(),
    ringOverflowEnd: db.prepare<[number, number], { started_at: number; id: number }>(SQL.ringOverflowEnd),
    trimResults: db.prepare<[number, number, number]>(SQL.trimResults),
    latestResults: db.prepare<[], ResultRow>(SQL.latestResults),
    schemaVersion: db.prepare<[], number>(SQL.schemaVersion).pluck(),
  };
}

/** The statement for one filter shape, prepared the first time that shape is used. */
export function cachedStatement<Row>(
  db: Database.Database,
  cache: Map<string, Statement<Record<string, unknown>, Row>>,
  key: string,
  sql: () => string,
): Statement<Record<string, unknown>, Row> {
  let statement = cache.get(key);
  if (!statement) {
    statement = db.prepare<Record<string, unknown>, Row>(sql());
    cache.set(key, statement);
  }
  return statement;
}
