/**
 * The engine's durable half on SQLite: one decision per IMMEDIATE transaction, consistent snapshots for the
 * daemon's start, timers due, outbox claims under leases, and the API's reads. Synchronous like the rest of the
 * SQLite adapter; `SqliteStoreImpl` wraps each method with the checks every port method shares.
 *
 * Two processes on one file never claim the same outbox row: a claim selects and marks its rows inside one
 * IMMEDIATE transaction, which holds the database's single write lock from its first read.
 */
import type Database from 'better-sqlite3';
import {
  attemptFence,
  batchLimit,
  channelLimitsJson,
  decodeIncidentCursor,
  decodeOutboxCursor,
  encodeIncidentCursor,
  encodeOutboxCursor,
  incidentStatusFilter,
  missingIncidentsError,
  outboxStatusFilter,
  prepareDecisionChange,
  receiptJson,
  requireId,
  requireLeaseMs,
  requireTime,
  textFilter,
  validateFailure,
  validateSnapshotQuery,
  type FailureTarget,
  type PreparedChange,
} from '../engine-input.js';
import {
  OUTBOX_STATUSES,
  type ApplyDecisionOutcome,
  type ClaimOutboxOptions,
  type DecisionChange,
  type EngineSnapshot,
  type EngineSnapshotQuery,
  type IncidentDetail,
  type IncidentPage,
  type IncidentQuery,
  type OutboxFailure,
  type OutboxPage,
  type OutboxQuery,
  type OutboxRow,
  type OutboxStats,
  type OutboxStatus,
  type SettleOutboxOptions,
  type SettleOutboxOutcome,
  type TimerRecord,
} from '../engine-records.js';
import { pageLimit, timeBound } from '../store-input.js';
import {
  listIncidentsSql,
  listOutboxSql,
  prepareEngineStatements,
  rowToEngineState,
  rowToIncident,
  rowToOutbox,
  rowToOutboxSummary,
  rowToTimeline,
  rowToTimer,
  shapeKey,
  type EngineStatements,
  type IncidentListShape,
  type IncidentRow,
  type OutboxListShape,
  type OutboxSummaryRow,
  type WriteParams,
} from './sqlite-engine-sql.js';
import { cachedStatement, type Statement } from './sqlite-queries.js';

export class SqliteEngineTables {
  private readonly statements: EngineStatements;
  private readonly incidentLists = new Map<string, Statement<Record<string, unknown>, IncidentRow>>();
  private readonly outboxLists = new Map<string, Statement<Record<string, unknown>, OutboxSummaryRow>>();
  private readonly applyTransaction: Database.Transaction<(change: PreparedChange) => ApplyDecisionOutcome>;
  private readonly claimTransaction: Database.Transaction<(params: WriteParams) => OutboxRow[]>;
  private readonly settleTransaction: Database.Transaction<
    (statement: Statement<WriteParams>, params: WriteParams) => SettleOutboxOutcome
  >;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {
    this.statements = prepareEngineStatements(db);
    this.applyTransaction = db.transaction((change: PreparedChange) => this.write(change));
    this.claimTransaction = db.transaction((params: WriteParams) => this.claim(params));
    this.settleTransaction = db.transaction((statement: Statement<WriteParams>, params: WriteParams) =>
      this.settle(statement, params),
    );
  }

  applyDecision(change: DecisionChange): ApplyDecisionOutcome {
    const prepared = prepareDecisionChange(change);
    // IMMEDIATE: the transaction reads (incident existence, MAX(seq)) before writing; see recordCheckResults.
    return this.applyTransaction.immediate(prepared);
  }

  loadEngineSnapshot(query: EngineSnapshotQuery): EngineSnapshot {
    const { now, reopenWindowMs } = validateSnapshotQuery(query);
    const s = this.statements;
    // One read transaction: in WAL mode every statement in it sees the same commit, so a decision committed
    // half-way through loading cannot give an incident without its newest timeline rows.
    return this.db.transaction(() => ({
      incidents: s.snapshotIncidents.all(now - reopenWindowMs).map((row) => ({
        incident: rowToIncident(row),
        timeline: s.timelineOf.all(row.id).map(rowToTimeline),
        timers: s.pendingTimersOf.all(row.id).map(rowToTimer),
      })),
      engineState: s.allEngineState.all().map(rowToEngineState),
    }))();
  }

  dueTimers(now: number, limit: number): TimerRecord[] {
    const at = requireTime('now', now);
    return this.statements.dueTimers.all(at, batchLimit('limit', limit)).map(rowToTimer);
  }

  claimOutbox(now: number, options: ClaimOutboxOptions): OutboxRow[] {
    const at = requireTime('now', now);
    const params: WriteParams = {
      now: at,
      leaseUntil: at + requireLeaseMs(options?.leaseMs),
      limit: batchLimit('limit', options?.limit),
      channel: textFilter('channel', options?.channel) ?? null,
      channelLimits: channelLimitsJson(options?.channelLimits),
    };
    return this.claimTransaction.immediate(params);
  }

  completeOutbox(id: string, receipt: unknown, options?: SettleOutboxOptions): SettleOutboxOutcome {
    const params: WriteParams = {
      id: requireId('completeOutbox', id),
      receipt: receiptJson(receipt),
      at: this.clock(),
      attempt: attemptFence(options?.attempt) ?? null,
    };
    return this.settleTransaction.immediate(this.statements.complete, params);
  }

  failOutbox(id: string, failure: OutboxFailure, options?: SettleOutboxOptions): SettleOutboxOutcome {
    const target: FailureTarget = validateFailure(failure);
    const params: WriteParams = {
      id: requireId('failOutbox', id),
      error: target.error,
      attempt: attemptFence(options?.attempt) ?? null,
    };
    if (target.dead) return this.settleTransaction.immediate(this.statements.bury, params);
    return this.settleTransaction.immediate(this.statements.retry, {
      ...params,
      nextAttemptAt: target.nextAttemptAt,
    });
  }

  outboxStats(): OutboxStats {
    const s = this.statements;
    return this.db.transaction((): OutboxStats => {
      const counts = Object.fromEntries(OUTBOX_STATUSES.map((status) => [status, 0])) as Record<
        OutboxStatus,
        number
      >;
      for (const row of s.outboxCounts.all()) counts[row.status as OutboxStatus] = row.count;
      const oldest = s.oldestUndelivered.get() ?? null;
      return oldest === null
        ? { counts }
        : { counts, oldestPendingAgeMs: Math.max(0, this.clock() - oldest) };
    })();
  }

  listIncidents(query: IncidentQuery = {}): IncidentPage {
    const limit = pageLimit(query.limit);
    const statuses = incidentStatusFilter(query.status);
    const severity = textFilter('severity', query.severity);
    const integration = textFilter('integration', query.integration);
    const since = timeBound('since', query.since);
    const until = timeBound('until', query.until);
    const cursor = query.cursor === undefined ? undefined : decodeIncidentCursor(query.cursor);
    const shape: IncidentListShape = {
      statuses: statuses !== undefined,
      severity: severity !== undefined,
      integration: integration !== undefined,
      since: since !== undefined,
      until: until !== undefined,
      cursor: cursor !== undefined,
    };
    const params: Record<string, unknown> = { limit: limit + 1 };
    if (statuses) params.statuses = JSON.stringify(statuses);
    if (severity !== undefined) params.severity = severity;
    if (integration !== undefined) params.integration = integration;
    if (since !== undefined) params.since = since;
    if (until !== undefined) params.until = until;
    if (cursor) Object.assign(params, { cursorAt: cursor.openedAt, cursorId: cursor.id });
    const statement = cachedStatement(this.db, this.incidentLists, shapeKey(shape), () =>
      listIncidentsSql(shape),
    );
    // One row more than asked tells whether another page exists without a COUNT.
    const rows = statement.all(params);
    const items = rows.slice(0, limit).map(rowToIncident);
    const last = items[items.length - 1];
    if (rows.length <= limit || !last) return { items };
    return { items, nextCursor: encodeIncidentCursor({ openedAt: last.openedAt, id: last.id }) };
  }

  getIncident(id: string): IncidentDetail | undefined {
    const incidentId = requireId('getIncident', id);
    const s = this.statements;
    return this.db.transaction((): IncidentDetail | undefined => {
      const row = s.getIncident.get(incidentId);
      if (!row) return undefined;
      return {
        incident: rowToIncident(row),
        timeline: s.timelineOf.all(incidentId).map(rowToTimeline),
        timers: s.timersOf.all(incidentId).map(rowToTimer),
        outbox: s.outboxOf.all(incidentId).map(rowToOutboxSummary),
      };
    })();
  }

  listOutbox(query: OutboxQuery = {}): OutboxPage {
    const limit = pageLimit(query.limit);
    const statuses = outboxStatusFilter(query.status);
    const incident = textFilter('incident', query.incident);
    const channel = textFilter('channel', query.channel);
    const cursor = query.cursor === undefined ? undefined : decodeOutboxCursor(query.cursor);
    const shape: OutboxListShape = {
      statuses: statuses !== undefined,
      incident: incident !== undefined,
      channel: channel !== undefined,
      cursor: cursor !== undefined,
    };
    const params: Record<string, unknown> = { limit: limit + 1 };
    if (statuses) params.statuses = JSON.stringify(statuses);
    if (incident !== undefined) params.incident = incident;
    if (channel !== undefined) params.channel = channel;
    if (cursor !== undefined) params.cursor = cursor;
    const statement = cachedStatement(this.db, this.outboxLists, shapeKey(shape), () => listOutboxSql(shape));
    const rows = statement.all(params);
    const onPage = rows.slice(0, limit);
    const items = onPage.map(rowToOutboxSummary);
    const last = onPage[onPage.length - 1];
    if (rows.length <= limit || !last) return { items };
    return { items, nextCursor: encodeOutboxCursor(last.seq) };
  }

  /** Runs inside the IMMEDIATE transaction of `applyDecision`: any throw rolls every row back. */
  private write(change: PreparedChange): ApplyDecisionOutcome {
    const s = this.statements;
    const missing = change.referencedIncidents.filter((id) => s.incidentExists.get(id) === undefined);
    if (missing.length > 0) throw missingIncidentsError(missing);
    const count = (rows: readonly WriteParams[], statement: Statement<WriteParams>): number =>
      rows.reduce((sum, params) => sum + statement.run(params).changes, 0);

    const incidents = count(
      change.incidents.map((row) => ({
        id: row.id,
        signature: row.signature,
        playbook: row.playbook,
        integration: row.integration,
        severity: row.severity,
        status: row.status,
        openedAt: row.openedAt,
        updatedAt: row.updatedAt,
        resolvedAt: row.resolvedAt ?? null,
        document: row.documentJson,
      })),
      s.upsertIncident,
    );
    const timelineInserted = count(
      change.timeline.map((row) => ({
        incidentId: row.incidentId,
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        kind: row.kind,
        document: row.documentJson,
      })),
      s.insertTimeline,
    );
    const timersWritten = count(
      change.timers.map((row) => ({
        id: row.id,
        incidentId: row.incidentId,
        kind: row.kind,
        dueAt: row.dueAt,
        status: row.status,
        payload: row.payloadJson,
      })),
      s.upsertTimer,
    );
    const outboxInserted = count(
      change.outbox.map((row) => ({
        id: row.id,
        incidentId: row.incidentId,
        kind: row.kind,
        channel: row.channel ?? null,
        payload: row.payloadJson,
        nextAttemptAt: row.nextAttemptAt,
        createdAt: row.createdAt,
      })),
      s.insertOutbox,
    );
    const updatedAt = this.clock();
    for (const entry of change.engineState) s.upsertEngineState.run(entry.key, entry.documentJson, updatedAt);
    return {
      incidents,
      timelineInserted,
      timelineIgnored: change.timeline.length - timelineInserted,
      timersWritten,
      timersIgnored: change.timers.length - timersWritten,
      outboxInserted,
      outboxIgnored: change.outbox.length - outboxInserted,
      engineState: change.engineState.length,
    };
  }

  private claim(params: WriteParams): OutboxRow[] {
    // Without limits the plain query, which need not number every deliverable row of each lane.
    const ids =
      params.channelLimits === '{}'
        ? this.statements.claimable.all(params)
        : this.statements.claimableWithin.all(params);
    const claimed: OutboxRow[] = [];
    for (const id of ids) {
      const row = this.statements.claim.get({ id, leaseUntil: params.leaseUntil ?? null });
      if (row) claimed.push(rowToOutbox(row));
    }
    return claimed;
  }

  private settle(statement: Statement<WriteParams>, params: WriteParams): SettleOutboxOutcome {
    const before = this.statements.outboxState.get(String(params.id));
    if (!before) return { kind: 'not-found' };
    if (statement.run(params).changes === 1) {
      const after = this.statements.outboxState.get(String(params.id));
      return { kind: 'settled', status: (after?.status ?? before.status) as OutboxStatus };
    }
    return { kind: 'stale', status: before.status as OutboxStatus, attempts: before.attempts };
  }
}
