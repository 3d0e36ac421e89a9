/**
 * The default Store adapter: one SQLite file per workspace (`.lifeline/lifeline.db`) through better-sqlite3.
 * better-sqlite3 is synchronous, which suits one daemon process: each method does its work in one go, and the
 * Promise interface exists so PostgreSQL can implement the same port.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckResult } from '../../checks/check-result.js';
import { compactionCutoffs, mergeToResolution, widenToResolution } from '../rollup-tiers.js';
import { MINUTE_MS, mergeAggregates, rollUpResults } from '../rollups.js';
import { StoreError, isStoreError, throwIfAborted } from '../store-error.js';
import {
  classFilter,
  decodeCursor,
  encodeCursor,
  pageLimit,
  compactionTime,
  resolveStoreOptions,
  rollupResolution,
  timeBound,
  validateCheckResults,
  type ResolvedStoreOptions,
} from '../store-input.js';
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
} from '../engine-records.js';
import type { ChangeRecord } from '../../changes/change.js';
import type { ChangePage, ChangeQuery, RecordChangeOutcome } from '../change-records.js';
import type {
  CheckResultPage,
  CheckResultQuery,
  CheckRollup,
  CheckRollupQuery,
  CompactRollupsOutcome,
  RecordCheckResultsOutcome,
  Store,
  StoreCallOptions,
  StoreOptions,
  StoredCheckResult,
} from '../store.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { isSqliteBusy, toStoreError } from './sqlite-errors.js';
import {
  COMPACTION_WORK_PER_TURN,
  compactInTurns,
  compactionSteps,
  compactionTurn,
  type CompactionTurn,
} from './sqlite-compaction.js';
import { SqliteChangeTables } from './sqlite-changes.js';
import { SqliteAuthTables } from './sqlite-auth.js';
import type {
  ApiToken,
  ApiTokenRecord,
  AuditEntry,
  AuditPage,
  AuditQuery,
  RevokeApiTokenOutcome,
} from '../../auth/auth-records.js';
import { SqliteEngineTables } from './sqlite-engine.js';
import { migrateSqlite } from './sqlite-migrator.js';
import {
  cachedStatement,
  listResultsSql,
  listShapeKey,
  prepareStatements,
  rowToAggregate,
  rowToResult,
  type ListRow,
  type ListShape,
  type RollupRow,
  type SqliteStatements,
  type Statement,
} from './sqlite-queries.js';
import {
  prepareTierStatements,
  rollupShapeKey,
  rollupsSql,
  tierBoundParams,
  upsertParams,
  type RollupShape,
  type TierStatements,
} from './sqlite-rollup-tiers.js';

/** Default wait for another process's lock before a statement fails with `store-busy`. */
export const BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions extends StoreOptions {
  /** Database file, `:memory:` for a private in-memory database. See `defaultStorePath`. */
  path: string;
  /** How long to wait for another process's lock before failing with `store-busy`. Default 5000 ms. */
  busyTimeoutMs?: number;
}

/** Settings of the open connection, for `lifeline doctor`-style reporting and tests. */
export interface SqliteStoreDiagnostics {
  path: string;
  journalMode: string;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: number;
  foreignKeys: boolean;
  busyTimeoutMs: number;
  schemaVersion: number;
}

export interface SqliteStore extends Store {
  readonly path: string;
  diagnostics(options?: StoreCallOptions): Promise<SqliteStoreDiagnostics>;
}

/** Where a workspace keeps its store unless told otherwise: `<workspaceDir>/.lifeline/lifeline.db`. */
export function defaultStorePath(workspaceDir: string): string {
  return join(workspaceDir, '.lifeline', 'lifeline.db');
}

function isInMemory(path: string): boolean {
  return path === ':memory:' || path === '';
}

/**
 * Opens (creating if needed) and migrates a SQLite store.
 *
 * @example
 * const store = await openSqliteStore({ path: defaultStorePath(workspaceDir) });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const resolved = resolveStoreOptions(options);
  const path = options.path;
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreError('store-invalid-input', 'busyTimeoutMs must be a whole number ≥ 0', {
      cause: { busyTimeoutMs },
    });
  }
  let db: Database.Database | undefined;
  try {
    if (!isInMemory(path)) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // WAL lets the dashboard and CLI read while the daemon writes; NORMAL is durable across crashes in WAL
    // mode (only a power loss can drop the last commits) and avoids an fsync per check batch.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrateSqlite(db, SQLITE_MIGRATIONS, resolved.now, path);
    return new SqliteStoreImpl(db, path, resolved);
  } catch (error) {
    db?.close();
    if (isStoreError(error)) throw error;
    if (isSqliteBusy(error)) throw toStoreError(error, `opening the store at ${path}`);
    throw new StoreError(
      'store-open-failed',
      `could not open the store at ${path}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

class SqliteStoreImpl implements SqliteStore {
  readonly path: string;
  private closed = false;
  private readonly seriesIds = new Map<string, number>();
  private readonly listStatements = new Map<string, Statement<Record<string, unknown>, ListRow>>();
  private readonly rollupStatements = new Map<string, Statement<Record<string, unknown>, RollupRow>>();
  private readonly statements: SqliteStatements;
  private readonly tiers: readonly [TierStatements, TierStatements, TierStatements];
  private readonly engine: SqliteEngineTables;
  private readonly changes: SqliteChangeTables;
  private readonly auth: SqliteAuthTables;
  private readonly recordTransaction: Database.Transaction<
    (results: readonly CheckResult[]) => Map<string, number>
  >;
  private readonly compactTransaction: Database.Transaction<(turn: () => CompactionTurn) => CompactionTurn>;

  constructor(
    private readonly db: Database.Database,
    path: string,
    private readonly options: ResolvedStoreOptions,
  ) {
    this.path = path;
    this.statements = prepareStatements(db);
    this.tiers = prepareTierStatements(db);
    this.engine = new SqliteEngineTables(db, options.now);
    this.changes = new SqliteChangeTables(db, options.now);
    this.auth = new SqliteAuthTables(db);
    this.recordTransaction = db.transaction((results: readonly CheckResult[]) => this.writeResults(results));
    this.compactTransaction = db.transaction((turn: () => CompactionTurn) => turn());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Lets SQLite refresh query-planner statistics; best effort, a busy database must not block closing.
      this.db.pragma('optimize');
    } catch {
      // ignored: see above
    }
    try {
      this.db.close();
    } catch (error) {
      throw toStoreError(error, 'close');
    }
  }

  async getMeta(key: string, options?: StoreCallOptions): Promise<string | undefined> {
    return this.run('getMeta', options, () => this.statements.getMeta.get(key));
  }

  async setMeta(key: string, value: string, options?: StoreCallOptions): Promise<void> {
    return this.run('setMeta', options, () => {
      if (typeof key !== 'string' || typeof value !== 'string') {
        throw new StoreError('store-invalid-input', 'meta keys and values are strings', {
          cause: { key: typeof key, value: typeof value },
        });
      }
      this.statements.setMeta.run(key, value);
    });
  }

  async recordCheckResults(
    results: readonly CheckResult[],
    options?: StoreCallOptions,
  ): Promise<RecordCheckResultsOutcome> {
    return this.run('recordCheckResults', options, () => {
      validateCheckResults(results);
      if (results.length === 0) return { recorded: 0 };
      // IMMEDIATE takes the write lock up front: a read-then-write transaction could otherwise fail with
      // SQLITE_BUSY_SNAPSHOT when another process writes in between, without waiting for the busy timeout.
      const newSeries = this.recordTransaction.immediate(results);
      // Only now that the rows are committed may their ids be cached.
      for (const [key, id] of newSeries) this.seriesIds.set(key, id);
      return { recorded: results.length };
    });
  }

  async listCheckResults(query: CheckResultQuery = {}, options?: StoreCallOptions): Promise<CheckResultPage> {
    return this.run('listCheckResults', options, () => {
      const limit = pageLimit(query.limit);
      const classes = classFilter(query.class);
      const since = timeBound('since', query.since);
      const until = timeBound('until', query.until);
      const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const shape: ListShape = {
        integration: query.integration !== undefined,
        check: query.check !== undefined,
        classes: classes !== undefined,
        ok: query.ok,
        since: since !== undefined,
        until: until !== undefined,
        cursor: cursor !== undefined,
      };
      const params: Record<string, unknown> = { limit: limit + 1 };
      if (shape.integration) params.integration = query.integration;
      if (shape.check) params.check = query.check;
      if (classes) params.classes = JSON.stringify(classes);
      if (shape.since) params.since = since;
      if (shape.until) params.until = until;
      if (cursor) Object.assign(params, { cursorAt: cursor.startedAt, cursorId: cursor.id });
      // One row more than asked tells whether another page exists without a COUNT.
      const rows = this.listStatement(shape).all(params);
      const onPage = rows.slice(0, limit);
      const items = onPage.map(rowToResult);
      const last = onPage[onPage.length - 1];
      if (rows.length <= limit || !last) return { items };
      return { items, nextCursor: encodeCursor({ startedAt: last.started_at, id: last.id }) };
    });
  }

  async latestCheckResults(options?: StoreCallOptions): Promise<StoredCheckResult[]> {
    return this.run('latestCheckResults', options, () =>
      this.statements.latestResults.all().map(rowToResult),
    );
  }

  async checkRollups(query: CheckRollupQuery, options?: StoreCallOptions): Promise<CheckRollup[]> {
    return this.run('checkRollups', options, () => {
      if (typeof query?.integration !== 'string') {
        throw new StoreError('store-invalid-input', 'checkRollups needs an integration', {
          cause: { query },
        });
      }
      const resolution = rollupResolution(query.resolution);
      const asked = { since: timeBound('since', query.since), until: timeBound('until', query.until) };
      const { since, until } = resolution ? widenToResolution(asked.since, asked.until, resolution) : asked;
      const shape = {
        check: query.check !== undefined,
        since: since !== undefined,
        until: until !== undefined,
      };
      const params: Record<string, unknown> = {
        integration: query.integration,
        ...tierBoundParams(since, until),
      };
      if (shape.check) params.check = query.check;
      const rows = this.rollupStatement(shape)
        .all(params)
        .map((row): CheckRollup => ({
          integration: row.integration,
          check: row.check_name,
          start: row.start,
          bucketMs: row.bucket_ms as CheckRollup['bucketMs'],
          ...rowToAggregate(row),
        }));
      return resolution ? mergeToResolution(rows, resolution) : rows;
    });
  }

  async compactRollups(now?: number, options?: StoreCallOptions): Promise<CompactRollupsOutcome> {
    const operation = 'compactRollups';
    const cutoffs = await this.run(operation, options, () =>
      compactionCutoffs(compactionTime(now, this.options.now), this.options),
    );
    // Series created after this snapshot only hold recent rows; the next run sees them.
    const seriesIds = await this.run(operation, options, () => this.statements.allSeriesIds.all());
    const steps = compactionSteps(this.tiers, cutoffs);
    // Each turn is its own IMMEDIATE transaction (it reads, then writes; see recordCheckResults), and `run`
    // checks the signal and that the store is open before every one of them.
    const tally = await compactInTurns(seriesIds.length, (position) =>
      this.run(operation, options, () =>
        this.compactTransaction.immediate(() =>
          compactionTurn(steps, seriesIds, position, COMPACTION_WORK_PER_TURN),
        ),
      ),
    );
    return { ...tally, cutoffs };
  }

  async applyDecision(change: DecisionChange, options?: StoreCallOptions): Promise<ApplyDecisionOutcome> {
    return this.run('applyDecision', options, () => this.engine.applyDecision(change));
  }

  async loadEngineSnapshot(query: EngineSnapshotQuery, options?: StoreCallOptions): Promise<EngineSnapshot> {
    return this.run('loadEngineSnapshot', options, () => this.engine.loadEngineSnapshot(query));
  }

  async dueTimers(now: number, limit: number, options?: StoreCallOptions): Promise<TimerRecord[]> {
    return this.run('dueTimers', options, () => this.engine.dueTimers(now, limit));
  }

  async claimOutbox(now: number, options: ClaimOutboxOptions): Promise<OutboxRow[]> {
    return this.run('claimOutbox', options, () => this.engine.claimOutbox(now, options));
  }

  async completeOutbox(
    id: string,
    receipt: unknown,
    options?: SettleOutboxOptions,
  ): Promise<SettleOutboxOutcome> {
    return this.run('completeOutbox', options, () => this.engine.completeOutbox(id, receipt, options));
  }

  async failOutbox(
    id: string,
    failure: OutboxFailure,
    options?: SettleOutboxOptions,
  ): Promise<SettleOutboxOutcome> {
    return this.run('failOutbox', options, () => this.engine.failOutbox(id, failure, options));
  }

  async outboxStats(options?: StoreCallOptions): Promise<OutboxStats> {
    return this.run('outboxStats', options, () => this.engine.outboxStats());
  }

  async listIncidents(query?: IncidentQuery, options?: StoreCallOptions): Promise<IncidentPage> {
    return this.run('listIncidents', options, () => this.engine.listIncidents(query));
  }

  async getIncident(id: string, options?: StoreCallOptions): Promise<IncidentDetail | undefined> {
    return this.run('getIncident', options, () => this.engine.getIncident(id));
  }

  async listOutbox(query?: OutboxQuery, options?: StoreCallOptions): Promise<OutboxPage> {
    return this.run('listOutbox', options, () => this.engine.listOutbox(query));
  }

  async recordChange(change: ChangeRecord, options?: StoreCallOptions): Promise<RecordChangeOutcome> {
    return this.run('recordChange', options, () => this.changes.recordChange(change));
  }

  async listChanges(query?: ChangeQuery, options?: StoreCallOptions): Promise<ChangePage> {
    return this.run('listChanges', options, () => this.changes.listChanges(query));
  }

  async createApiToken(token: ApiTokenRecord, options?: StoreCallOptions): Promise<void> {
    return this.run('createApiToken', options, () => this.auth.createApiToken(token));
  }

  async listApiTokens(options?: StoreCallOptions): Promise<ApiToken[]> {
    return this.run('listApiTokens', options, () => this.auth.listApiTokens());
  }

  async activeApiTokens(options?: StoreCallOptions): Promise<ApiTokenRecord[]> {
    return this.run('activeApiTokens', options, () => this.auth.activeApiTokens());
  }

  async touchApiToken(id: string, at: number, options?: StoreCallOptions): Promise<void> {
    return this.run('touchApiToken', options, () => this.auth.touchApiToken(id, at));
  }

  async revokeApiToken(id: string, at: number, options?: StoreCallOptions): Promise<RevokeApiTokenOutcome> {
    return this.run('revokeApiToken', options, () => this.auth.revokeApiToken(id, at));
  }

  async recordAudit(entry: AuditEntry, options?: StoreCallOptions): Promise<void> {
    return this.run('recordAudit', options, () => this.auth.recordAudit(entry));
  }

  async listAudit(query?: AuditQuery, options?: StoreCallOptions): Promise<AuditPage> {
    return this.run('listAudit', options, () => this.auth.listAudit(query));
  }

  async diagnostics(options?: StoreCallOptions): Promise<SqliteStoreDiagnostics> {
    return this.run('diagnostics', options, () => ({
      path: this.path,
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      foreignKeys: Number(this.db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      schemaVersion: this.statements.schemaVersion.get() ?? 0,
    }));
  }

  /** Runs one operation with the checks every method shares; every failure leaves as a StoreError. */
  private async run<T>(operation: string, options: StoreCallOptions | undefined, work: () => T): Promise<T> {
    if (this.closed) {
      throw new StoreError('store-closed', `${operation}: the store is closed`, { cause: { operation } });
    }
    throwIfAborted(options?.signal, operation);
    try {
      return work();
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  /** Runs inside the IMMEDIATE transaction; returns series created by it, for caching after commit. */
  private writeResults(results: readonly CheckResult[]): Map<string, number> {
    const created = new Map<string, number>();
    const seriesOf = (row: { integration: string; check: string }): number =>
      this.seriesId(row.integration, row.check, created);
    const inserted = new Map<number, number>();
    for (const result of results) {
      const seriesId = seriesOf(result);
      inserted.set(seriesId, (inserted.get(seriesId) ?? 0) + 1);
      this.statements.insertResult.run(
        seriesId,
        result.startedAt,
        result.ok ? 1 : 0,
        result.class,
        result.latencyMs,
        JSON.stringify(result),
      );
    }
    for (const [seriesId, count] of inserted) this.trimRing(seriesId, count);
    // Only the minute tier is written: a result older than the minute retention lands in a minute row too,
    // and the next compaction folds it into the hour (or day) row already there.
    const [minuteTier] = this.tiers;
    for (const rollup of rollUpResults(results)) {
      const seriesId = seriesOf(rollup);
      const minute = rollup.start / MINUTE_MS;
      const existing = minuteTier.selectRow.get(seriesId, minute);
      const merged = existing ? mergeAggregates(rowToAggregate(existing), rollup) : rollup;
      minuteTier.upsertRow.run(upsertParams(seriesId, minute, merged));
    }
    return created;
  }

  /** Deletes the oldest raw rows of a series beyond the ring size, keeping its row count in step. */
  private trimRing(seriesId: number, inserted: number): void {
    const total = this.statements.countRawResults.get(inserted, seriesId) ?? 0;
    const overflow = total - this.options.rawResultsPerCheck;
    if (overflow <= 0) return;
    const end = this.statements.ringOverflowEnd.get(seriesId, overflow - 1);
    if (!end) return;
    const { changes } = this.statements.trimResults.run(seriesId, end.started_at, end.id);
    this.statements.countRawResults.run(-changes, seriesId);
  }

  private seriesId(integration: string, check: string, created: Map<string, number>): number {
    const key = `${integration}\u0000${check}`;
    const known = this.seriesIds.get(key) ?? created.get(key);
    if (known !== undefined) return known;
    this.statements.insertSeries.run(integration, check);
    const id = this.statements.selectSeries.get(integration, check);
    if (id === undefined) throw new Error(`check series ${integration}/${check} vanished after insert`);
    created.set(key, id);
    return id;
  }

  private listStatement(shape: ListShape): Statement<Record<string, unknown>, ListRow> {
    return cachedStatement(this.db, this.listStatements, listShapeKey(shape), () => listResultsSql(shape));
  }

  private rollupStatement(shape: RollupShape): Statement<Record<string, unknown>, RollupRow> {
    return cachedStatement(this.db, this.rollupStatements, rollupShapeKey(shape), () => rollupsSql(shape));
  }
}
