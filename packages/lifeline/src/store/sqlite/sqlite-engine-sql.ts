/**
 * The SQL of the engine's tables on SQLite (incidents, incident_timeline, timers, outbox, engine_state) and the
 * mapping of their rows to the port's records. Fixed statements are prepared once per connection; list queries
 * are built per filter shape and cached, like `listResultsSql`.
 */
import type Database from 'better-sqlite3';
import {
  INCIDENT_RECORD_STATUSES,
  type IncidentRecord,
  type IncidentRecordStatus,
  type OutboxRow,
  type OutboxStatus,
  type OutboxSummary,
  type StoredEngineStateEntry,
  type TimelineRecord,
  type TimerRecord,
  type TimerRecordStatus,
} from '../engine-records.js';
import type { Statement } from './sqlite-queries.js';

const INCIDENT_COLUMNS =
  'id, signature, playbook, integration, severity, status, opened_at, updated_at, resolved_at, document';
const TIMELINE_COLUMNS = 'incident_id, seq, at, actor, kind, document';
const TIMER_COLUMNS = 'id, incident_id, kind, due_at, status, payload';
const OUTBOX_SUMMARY_COLUMNS =
  'id, seq, incident_id, kind, channel, status, attempts, next_attempt_at, lease_until, last_error, receipt, ' +
  'created_at, delivered_at';

const UNRESOLVED = INCIDENT_RECORD_STATUSES.filter((status) => status !== 'resolved')
  .map((status) => `'${status}'`)
  .join(', ');

/** A row is deliverable now: due and pending, or claimed by someone whose lease ran out. */
const DELIVERABLE = `
  ((o.status = 'pending' AND o.next_attempt_at <= @now) OR (o.status = 'delivering' AND o.lease_until <= @now))`;

/**
 * No older row of the same incident and lane is still on its way: lanes deliver in creation order. The status
 * list matches the partial index `outbox_open_lanes` (migration 5) word for word, so SQLite can use it.
 */
const LANE_IS_FREE = `
  NOT EXISTS (
    SELECT 1 FROM outbox p
    WHERE p.incident_id = o.incident_id AND p.channel IS o.channel AND p.seq < o.seq
      AND p.status IN ('pending', 'delivering'))`;

export const ENGINE_SQL = {
  upsertIncident: `
    INSERT INTO incidents (${INCIDENT_COLUMNS})
    VALUES (@id, @signature, @playbook, @integration, @severity, @status, @openedAt, @updatedAt, @resolvedAt,
      @document)
    ON CONFLICT (id) DO UPDATE SET
      signature = excluded.signature, playbook = excluded.playbook, integration = excluded.integration,
      severity = excluded.severity, status = excluded.status, opened_at = excluded.opened_at,
      updated_at = excluded.updated_at, resolved_at = excluded.resolved_at, document = excluded.document`,
  incidentExists: 'SELECT 1 FROM incidents WHERE id = ?',
  insertTimeline: `
    INSERT INTO incident_timeline (${TIMELINE_COLUMNS})
    VALUES (@incidentId, @seq, @at, @actor, @kind, @document)
    ON CONFLICT (incident_id, seq) DO NOTHING`,
  // The WHERE makes fired and cancelled final: a stale or replayed write of the timer is a no-op.
  upsertTimer: `
    INSERT INTO timers (${TIMER_COLUMNS}) VALUES (@id, @incidentId, @kind, @dueAt, @status, @payload)
    ON CONFLICT (id) DO UPDATE SET
      incident_id = excluded.incident_id, kind = excluded.kind, due_at = excluded.due_at,
      status = excluded.status, payload = excluded.payload
    WHERE timers.status = 'pending'`,
  // Runs inside the write transaction, so MAX(seq) + 1 cannot be taken twice.
  insertOutbox: `
    INSERT INTO outbox (id, seq, incident_id, kind, channel, payload, status, attempts, next_attempt_at, created_at)
    VALUES (@id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), @incidentId, @kind, @channel, @payload, 'pending',
      0, @nextAttemptAt, @createdAt)
    ON CONFLICT (id) DO NOTHING`,
  upsertEngineState: `
    INSERT INTO engine_state (key, document, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,

  // The unresolved statuses are listed rather than `status <> 'resolved'`, with which SQLite walks every
  // incident ever opened (in opened_at order) instead of searching the status index.
  snapshotIncidents: `
    SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status IN (${UNRESOLVED})
    UNION ALL
    SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status = 'resolved' AND resolved_at >= ?
    ORDER BY opened_at, id`,
  timelineOf: `SELECT ${TIMELINE_COLUMNS} FROM incident_timeline WHERE incident_id = ? ORDER BY seq`,
  pendingTimersOf: `
    SELECT ${TIMER_COLUMNS} FROM timers WHERE incident_id = ? AND status = 'pending' ORDER BY due_at, id`,
  timersOf: `SELECT ${TIMER_COLUMNS} FROM timers WHERE incident_id = ? ORDER BY due_at, id`,
  allEngineState: 'SELECT key, document, updated_at FROM engine_state ORDER BY key',
  dueTimers: `
    SELECT ${TIMER_COLUMNS} FROM timers WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
  getIncident: `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`,
  outboxOf: `SELECT ${OUTBOX_SUMMARY_COLUMNS} FROM outbox WHERE incident_id = ? ORDER BY seq`,

  claimable: `
    SELECT o.id FROM outbox o
    WHERE ${DELIVERABLE} AND (@channel IS NULL OR o.channel = @channel) AND ${LANE_IS_FREE}
    ORDER BY o.seq LIMIT @limit`,
  // The same rows, at most the named number per lane (`channelLimits`, a JSON object); others up to @limit.
  claimableWithin: `
    SELECT d.id FROM (
      SELECT o.id, o.seq, o.channel, ROW_NUMBER() OVER (PARTITION BY o.channel ORDER BY o.seq) AS place
      FROM outbox o
      WHERE ${DELIVERABLE} AND (@channel IS NULL OR o.channel = @channel) AND ${LANE_IS_FREE}
    ) d
    WHERE d.place <= COALESCE((SELECT l.value FROM json_each(@channelLimits) l WHERE l.key = d.channel), @limit)
    ORDER BY d.seq LIMIT @limit`,
  claim: `
    UPDATE outbox SET status = 'delivering', lease_until = @leaseUntil, attempts = attempts + 1
    WHERE id = @id
    RETURNING ${OUTBOX_SUMMARY_COLUMNS}, payload`,
  complete: `
    UPDATE outbox SET status = 'delivered', receipt = @receipt, delivered_at = @at, lease_until = NULL
    WHERE id = @id AND status = 'delivering' AND (@attempt IS NULL OR attempts = @attempt)`,
  retry: `
    UPDATE outbox SET status = 'pending', next_attempt_at = @nextAttemptAt, last_error = @error, lease_until = NULL
    WHERE id = @id AND status = 'delivering' AND (@attempt IS NULL OR attempts = @attempt)`,
  bury: `
    UPDATE outbox SET status = 'dead', last_error = @error, lease_until = NULL
    WHERE id = @id AND status = 'delivering' AND (@attempt IS NULL OR attempts = @attempt)`,
  outboxState: 'SELECT status, attempts FROM outbox WHERE id = ?',
  outboxCounts: 'SELECT status, COUNT(*) AS count FROM outbox GROUP BY status',
  oldestUndelivered: `SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'delivering')`,
} as const;

export interface IncidentRow {
  id: string;
  signature: string;
  playbook: string;
  integration: string;
  severity: string;
  status: string;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
  document: string;
}

export interface TimelineRow {
  incident_id: string;
  seq: number;
  at: number;
  actor: string;
  kind: string;
  document: string;
}

export interface TimerRow {
  id: string;
  incident_id: string;
  kind: string;
  due_at: number;
  status: string;
  payload: string;
}

export interface OutboxSummaryRow {
  id: string;
  seq: number;
  incident_id: string;
  kind: string;
  channel: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  receipt: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface OutboxFullRow extends OutboxSummaryRow {
  payload: string;
}

export interface EngineStateRow {
  key: string;
  document: string;
  updated_at: number;
}

/** Named parameters of the writes; null stands for an absent optional column. */
export type WriteParams = Record<string, string | number | null>;

/** Every fixed statement of the engine's tables. */
export interface EngineStatements {
  upsertIncident: Statement<WriteParams>;
  incidentExists: Statement<[string], number>;
  insertTimeline: Statement<WriteParams>;
  upsertTimer: Statement<WriteParams>;
  insertOutbox: Statement<WriteParams>;
  upsertEngineState: Statement<[string, string, number]>;
  snapshotIncidents: Statement<[number], IncidentRow>;
  timelineOf: Statement<[string], TimelineRow>;
  pendingTimersOf: Statement<[string], TimerRow>;
  timersOf: Statement<[string], TimerRow>;
  allEngineState: Statement<[], EngineStateRow>;
  dueTimers: Statement<[number, number], TimerRow>;
  getIncident: Statement<[string], IncidentRow>;
  outboxOf: Statement<[string], OutboxSummaryRow>;
  claimable: Statement<WriteParams, string>;
  claimableWithin: Statement<WriteParams, string>;
  claim: Statement<WriteParams, OutboxFullRow>;
  complete: Statement<WriteParams>;
  retry: Statement<WriteParams>;
  bury: Statement<WriteParams>;
  outboxState: Statement<[string], { status: string; attempts: number }>;
  outboxCounts: Statement<[], { status: string; count: number }>;
  oldestUndelivered: Statement<[], number | null>;
}

export function prepareEngineStatements(db: Database.Database): EngineStatements {
  const s = ENGINE_SQL;
  return {
    upsertIncident: db.prepare<WriteParams>(s.upsertIncident),
    incidentExists: db.prepare<[string], number>(s.incidentExists).pluck(),
    insertTimeline: db.prepare<WriteParams>(s.insertTimeline),
    upsertTimer: db.prepare<WriteParams>(s.upsertTimer),
    insertOutbox: db.prepare<WriteParams>(s.insertOutbox),
    upsertEngineState: db.prepare<[string, string, number]>(s.upsertEngineState),
    snapshotIncidents: db.prepare<[number], IncidentRow>(s.snapshotIncidents),
    timelineOf: db.prepare<[string], TimelineRow>(s.timelineOf),
    pendingTimersOf: db.prepare<[string], TimerRow>(s.pendingTimersOf),
    timersOf: db.prepare<[string], TimerRow>(s.timersOf),
    allEngineState: db.prepare<[], EngineStateRow>(s.allEngineState),
    dueTimers: db.prepare<[number, number], TimerRow>(s.dueTimers),
    getIncident: db.prepare<[string], IncidentRow>(s.getIncident),
    outboxOf: db.prepare<[string], OutboxSummaryRow>(s.outboxOf),
    claimable: db.prepare<WriteParams, string>(s.claimable).pluck(),
    claimableWithin: db.prepare<WriteParams, string>(s.claimableWithin).pluck(),
    claim: db.prepare<WriteParams, OutboxFullRow>(s.claim),
    complete: db.prepare<WriteParams>(s.complete),
    retry: db.prepare<WriteParams>(s.retry),
    bury: db.prepare<WriteParams>(s.bury),
    outboxState: db.prepare<[string], { status: string; attempts: number }>(s.outboxState),
    outboxCounts: db.prepare<[], { status: string; count: number }>(s.outboxCounts),
    oldestUndelivered: db.prepare<[], number | null>(s.oldestUndelivered).pluck(),
  };
}

/** Which filters a `listIncidents` call uses; each shape is one cached statement. */
export interface IncidentListShape {
  statuses: boolean;
  severity: boolean;
  integration: boolean;
  since: boolean;
  until: boolean;
  cursor: boolean;
}

/** Which filters a `listOutbox` call uses. */
export interface OutboxListShape {
  statuses: boolean;
  incident: boolean;
  channel: boolean;
  cursor: boolean;
}

export function shapeKey(shape: object): string {
  return Object.values(shape).join(',');
}

/** Named parameters: @statuses (JSON array), @severity, @integration, @since, @until, @cursorAt, @cursorId, @limit. */
export function listIncidentsSql(shape: IncidentListShape): string {
  const where: string[] = [];
  if (shape.statuses) where.push('status IN (SELECT value FROM json_each(@statuses))');
  if (shape.severity) where.push('severity = @severity');
  if (shape.integration) where.push('integration = @integration');
  if (shape.since) where.push('opened_at >= @since');
  if (shape.until) where.push('opened_at < @until');
  if (shape.cursor) where.push('(opened_at, id) < (@cursorAt, @cursorId)');
  return `
    SELECT ${INCIDENT_COLUMNS} FROM incidents
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY opened_at DESC, id DESC
    LIMIT @limit`;
}

/** Named parameters: @statuses (JSON array), @incident, @channel, @cursor (a seq), @limit. */
export function listOutboxSql(shape: OutboxListShape): string {
  const where: string[] = [];
  if (shape.statuses) where.push('status IN (SELECT value FROM json_each(@statuses))');
  if (shape.incident) where.push('incident_id = @incident');
  if (shape.channel) where.push('channel = @channel');
  if (shape.cursor) where.push('seq < @cursor');
  return `
    SELECT ${OUTBOX_SUMMARY_COLUMNS} FROM outbox
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY seq DESC
    LIMIT @limit`;
}

export function rowToIncident(row: IncidentRow): IncidentRecord {
  const record: IncidentRecord = {
    id: row.id,
    signature: row.signature,
    playbook: row.playbook,
    integration: row.integration,
    severity: row.severity,
    status: row.status as IncidentRecordStatus,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    document: JSON.parse(row.document) as unknown,
  };
  if (row.resolved_at !== null) record.resolvedAt = row.resolved_at;
  return record;
}

export function rowToTimeline(row: TimelineRow): TimelineRecord {
  return {
    incidentId: row.incident_id,
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    document: JSON.parse(row.document) as unknown,
  };
}

export function rowToTimer(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    incidentId: row.incident_id,
    kind: row.kind,
    dueAt: row.due_at,
    status: row.status as TimerRecordStatus,
    payload: JSON.parse(row.payload) as unknown,
  };
}

export function rowToOutboxSummary(row: OutboxSummaryRow): OutboxSummary {
  const summary: OutboxSummary = {
    id: row.id,
    incidentId: row.incident_id,
    kind: row.kind,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
  };
  if (row.channel !== null) summary.channel = row.channel;
  if (row.lease_until !== null) summary.leaseUntil = row.lease_until;
  if (row.last_error !== null) summary.lastError = row.last_error;
  if (row.receipt !== null) summary.receipt = JSON.parse(row.receipt) as unknown;
  if (row.delivered_at !== null) summary.deliveredAt = row.delivered_at;
  return summary;
}

export function rowToOutbox(row: OutboxFullRow): OutboxRow {
  return { ...rowToOutboxSummary(row), payload: JSON.parse(row.payload) as unknown };
}

export function rowToEngineState(row: EngineStateRow): StoredEngineStateEntry {
  return { key: row.key, document: JSON.parse(row.document) as unknown, updatedAt: row.updated_at };
}
