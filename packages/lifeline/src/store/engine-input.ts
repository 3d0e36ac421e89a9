/**
 * Input handling for the engine's tables that every adapter shares, so they accept and reject exactly the same
 * things: a decision's rows (validated and serialised before any transaction starts), claim and settle
 * arguments, list filters and the opaque keyset cursors of incident and outbox pages.
 */
import {
  INCIDENT_RECORD_STATUSES,
  OUTBOX_STATUSES,
  TIMER_RECORD_STATUSES,
  type DecisionChange,
  type EngineSnapshotQuery,
  type IncidentRecord,
  type IncidentRecordStatus,
  type OutboxFailure,
  type OutboxRecord,
  type OutboxStatus,
  type TimelineRecord,
  type TimerRecord,
} from './engine-records.js';
import { StoreError } from './store-error.js';
import { MAX_PAGE_LIMIT } from './store.js';
import { decodeTaggedCursor, encodeTaggedCursor } from './tagged-cursor.js';

/** A row ready to write: the record with its JSON document(s) serialised. */
export interface PreparedIncident extends IncidentRecord {
  documentJson: string;
}
export interface PreparedTimeline extends TimelineRecord {
  documentJson: string;
}
export interface PreparedTimer extends TimerRecord {
  payloadJson: string;
}
export interface PreparedOutbox extends OutboxRecord {
  payloadJson: string;
  nextAttemptAt: number;
}
export interface PreparedEngineState {
  key: string;
  documentJson: string;
}

/** A validated decision, in the order an adapter writes it. */
export interface PreparedChange {
  incidents: PreparedIncident[];
  timeline: PreparedTimeline[];
  timers: PreparedTimer[];
  outbox: PreparedOutbox[];
  engineState: PreparedEngineState[];
  /** Incident ids the other rows refer to that the change does not write: they must already be stored. */
  referencedIncidents: string[];
}

type Problems = string[];

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `JSON.stringify`, or a problem when the value is not a JSON document (undefined, a function, a cycle…). */
function serialise(value: unknown, what: string, problems: Problems): string {
  try {
    const text: unknown = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch {
    // reported below
  }
  problems.push(`${what} is not a JSON document`);
  return 'null';
}

function label(kind: string, id: unknown): string {
  return `${kind} ${typeof id === 'string' ? JSON.stringify(id) : '(without id)'}`;
}

function asList<T>(value: readonly T[] | undefined, name: string, problems: Problems): readonly T[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  problems.push(`${name} is not an array`);
  return [];
}

function prepareIncident(row: IncidentRecord, problems: Problems): PreparedIncident {
  const what = label('incident', row?.id);
  if (typeof row !== 'object' || row === null) {
    problems.push('an incident is not an object');
    return row;
  }
  if (!isText(row.id)) problems.push(`${what} has no id`);
  for (const field of ['signature', 'playbook', 'integration', 'severity'] as const) {
    if (!isText(row[field])) problems.push(`${what} has no ${field}`);
  }
  if (!INCIDENT_RECORD_STATUSES.includes(row.status)) {
    problems.push(`${what} has unknown status ${JSON.stringify(row.status)}`);
  }
  if (!isTime(row.openedAt)) problems.push(`${what} has no finite openedAt`);
  if (!isTime(row.updatedAt)) problems.push(`${what} has no finite updatedAt`);
  if (row.resolvedAt !== undefined && !isTime(row.resolvedAt)) problems.push(`${what} has a bad resolvedAt`);
  if (row.status === 'resolved' && row.resolvedAt === undefined) {
    problems.push(`${what} is resolved without resolvedAt`);
  }
  return { ...row, documentJson: serialise(row.document, `the document of ${what}`, problems) };
}

function prepareTimeline(row: TimelineRecord, problems: Problems): PreparedTimeline {
  if (typeof row !== 'object' || row === null) {
    problems.push('a timeline entry is not an object');
    return row;
  }
  const what = `timeline entry ${JSON.stringify(row.seq)} of ${label('incident', row.incidentId)}`;
  if (!isText(row.incidentId)) problems.push(`${what} has no incidentId`);
  if (!Number.isSafeInteger(row.seq) || row.seq < 0) problems.push(`${what} has no whole seq ≥ 0`);
  if (!isTime(row.at)) problems.push(`${what} has no finite at`);
  if (!isText(row.actor)) problems.push(`${what} has no actor`);
  if (!isText(row.kind)) problems.push(`${what} has no kind`);
  return { ...row, documentJson: serialise(row.document, `the document of ${what}`, problems) };
}

function prepareTimer(row: TimerRecord, problems: Problems): PreparedTimer {
  const what = label('timer', row?.id);
  if (typeof row !== 'object' || row === null) {
    problems.push('a timer is not an object');
    return row;
  }
  if (!isText(row.id)) problems.push(`${what} has no id`);
  if (!isText(row.incidentId)) problems.push(`${what} has no incidentId`);
  if (!isText(row.kind)) problems.push(`${what} has no kind`);
  if (!isTime(row.dueAt)) problems.push(`${what} has no finite dueAt`);
  if (!TIMER_RECORD_STATUSES.includes(row.status)) {
    problems.push(`${what} has unknown status ${JSON.stringify(row.status)}`);
  }
  return { ...row, payloadJson: serialise(row.payload, `the payload of ${what}`, problems) };
}

function prepareOutbox(row: OutboxRecord, problems: Problems): PreparedOutbox {
  const what = label('outbox row', row?.id);
  if (typeof row !== 'object' || row === null) {
    problems.push('an outbox row is not an object');
    return row;
  }
  if (!isText(row.id)) problems.push(`${what} has no id`);
  if (!isText(row.incidentId)) problems.push(`${what} has no incidentId`);
  if (!isText(row.kind)) problems.push(`${what} has no kind`);
  if (row.channel !== undefined && !isText(row.channel)) problems.push(`${what} has a bad channel`);
  if (!isTime(row.createdAt)) problems.push(`${what} has no finite createdAt`);
  if (row.nextAttemptAt !== undefined && !isTime(row.nextAttemptAt)) {
    problems.push(`${what} has a bad nextAttemptAt`);
  }
  return {
    ...row,
    nextAttemptAt: row.nextAttemptAt ?? row.createdAt,
    payloadJson: serialise(row.payload, `the payload of ${what}`, problems),
  };
}

/**
 * Validates and serialises a decision. Rejects the whole change with `store-invalid-input`, listing every
 * problem, when any row could not be stored.
 */
export function prepareDecisionChange(change: DecisionChange): PreparedChange {
  const problems: Problems = [];
  if (typeof change !== 'object' || change === null) {
    throw new StoreError('store-invalid-input', 'applyDecision expects an object of rows', {
      cause: { received: change === null ? 'null' : typeof change },
    });
  }
  const incidents = asList(change.incidents, 'incidents', problems).map((r) => prepareIncident(r, problems));
  const timeline = asList(change.timeline, 'timeline', problems).map((r) => prepareTimeline(r, problems));
  const timers = asList(change.timers, 'timers', problems).map((r) => prepareTimer(r, problems));
  const outbox = asList(change.outbox, 'outbox', problems).map((r) => prepareOutbox(r, problems));
  const engineState = asList(change.engineState, 'engineState', problems).map((entry) => {
    if (!isText(entry?.key)) problems.push('an engineState entry has no key');
    return {
      key: entry?.key,
      documentJson: serialise(entry?.document, `engineState ${JSON.stringify(entry?.key)}`, problems),
    };
  });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new StoreError('store-invalid-input', `${problems[0]}${more}; nothing was written`, {
      cause: { problems },
    });
  }
  const written = new Set(incidents.map((row) => row.id));
  const referenced = new Set<string>();
  for (const row of [...timeline, ...timers, ...outbox]) {
    if (!written.has(row.incidentId)) referenced.add(row.incidentId);
  }
  return { incidents, timeline, timers, outbox, engineState, referencedIncidents: [...referenced] };
}

/** The error for rows that refer to incidents nobody stored. */
export function missingIncidentsError(missing: readonly string[]): StoreError {
  return new StoreError(
    'store-invalid-input',
    `rows refer to incident ${missing.map((id) => JSON.stringify(id)).join(', ')}, which is neither stored ` +
      'nor in this change; nothing was written',
    { cause: { missingIncidents: missing } },
  );
}

export function validateSnapshotQuery(query: EngineSnapshotQuery): EngineSnapshotQuery {
  if (!isTime(query?.now) || !isTime(query.reopenWindowMs) || query.reopenWindowMs < 0) {
    throw new StoreError(
      'store-invalid-input',
      'loadEngineSnapshot needs `now` (epoch ms) and `reopenWindowMs` ≥ 0',
      { cause: { query } },
    );
  }
  return query;
}

/** A time argument that must be epoch ms. */
export function requireTime(name: string, value: unknown): number {
  if (!isTime(value)) {
    throw new StoreError('store-invalid-input', `${name} must be epoch milliseconds`, {
      cause: { [name]: value },
    });
  }
  return value;
}

/** A whole number ≥ 1, capped at 1000 (a batch size: timers due, rows claimed). */
export function batchLimit(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StoreError('store-invalid-input', `${name} must be a whole number ≥ 1`, {
      cause: { [name]: value },
    });
  }
  return Math.min(value, MAX_PAGE_LIMIT);
}

export function requireLeaseMs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new StoreError('store-invalid-input', 'leaseMs must be a number of milliseconds > 0', {
      cause: { leaseMs: value },
    });
  }
  return value;
}

export function requireId(operation: string, id: unknown): string {
  if (!isText(id)) {
    throw new StoreError('store-invalid-input', `${operation} needs an id`, { cause: { id } });
  }
  return id;
}

/** The `attempt` fence of a settle call, when given. */
export function attemptFence(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StoreError('store-invalid-input', 'attempt must be the whole number ≥ 1 of a claimed row', {
      cause: { attempt: value },
    });
  }
  return value;
}

/** Serialises a receipt, which must be a JSON document. */
export function receiptJson(receipt: unknown): string {
  const problems: Problems = [];
  const text = serialise(receipt, 'the receipt', problems);
  if (problems.length > 0) {
    throw new StoreError('store-invalid-input', 'the receipt is not a JSON document', {
      cause: { problems },
    });
  }
  return text;
}

/** Where a failed attempt goes next: `pending` at a time, or `dead`. */
export type FailureTarget =
  { error: string; dead: true } | { error: string; dead: false; nextAttemptAt: number };

export function validateFailure(failure: OutboxFailure): FailureTarget {
  const error = failure?.error;
  if (typeof error !== 'string') {
    throw new StoreError('store-invalid-input', 'failOutbox needs an error message', { cause: { failure } });
  }
  if (failure.dead === true) return { error, dead: true };
  return { error, dead: false, nextAttemptAt: requireTime('nextAttemptAt', failure.nextAttemptAt) };
}

function statusList<S extends string>(
  value: S | readonly S[] | undefined,
  known: readonly S[],
  name: string,
): S[] | undefined {
  if (value === undefined) return undefined;
  const list: S[] = typeof value === 'string' ? [value] : [...value];
  const unknown = list.filter((status) => !known.includes(status));
  if (unknown.length > 0) {
    throw new StoreError('store-invalid-input', `unknown ${name} ${unknown.join(', ')}`, {
      cause: { unknown },
    });
  }
  return list;
}

export function incidentStatusFilter(
  value: IncidentRecordStatus | readonly IncidentRecordStatus[] | undefined,
): IncidentRecordStatus[] | undefined {
  return statusList(value, INCIDENT_RECORD_STATUSES, 'incident status');
}

export function outboxStatusFilter(
  value: OutboxStatus | readonly OutboxStatus[] | undefined,
): OutboxStatus[] | undefined {
  return statusList(value, OUTBOX_STATUSES, 'outbox status');
}

/** A string filter that must be a string when present. */
export function textFilter(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new StoreError('store-invalid-input', `${name} must be a string`, { cause: { [name]: value } });
  }
  return value;
}

/** `channelLimits` of a claim as a JSON object for the query; `{}` when absent. */
export function channelLimitsJson(value: unknown): string {
  if (value === undefined) return '{}';
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0);
  if (!valid) {
    throw new StoreError('store-invalid-input', 'channelLimits must map channel ids to whole numbers ≥ 0', {
      cause: { channelLimits: value },
    });
  }
  return JSON.stringify(value);
}

/** Where an incident page ended. */
export interface IncidentCursor {
  openedAt: number;
  id: string;
}

const INCIDENT_CURSOR = 'i1';
const OUTBOX_CURSOR = 'o1';

// Each list has its own tag, so an outbox cursor handed to listIncidents is refused rather than misread.
export function encodeIncidentCursor(position: IncidentCursor): string {
  return encodeTaggedCursor(INCIDENT_CURSOR, [position.openedAt, position.id]);
}

export function decodeIncidentCursor(cursor: string): IncidentCursor {
  const [openedAt, id] = decodeTaggedCursor(
    cursor,
    INCIDENT_CURSOR,
    ([at, id, ...rest]) => isTime(at) && typeof id === 'string' && rest.length === 0,
  );
  return { openedAt: openedAt as number, id: id as string };
}

/** Outbox pages follow the store's creation sequence number. */
export function encodeOutboxCursor(seq: number): string {
  return encodeTaggedCursor(OUTBOX_CURSOR, [seq]);
}

export function decodeOutboxCursor(cursor: string): number {
  const [seq] = decodeTaggedCursor(
    cursor,
    OUTBOX_CURSOR,
    ([seq, ...rest]) => Number.isSafeInteger(seq) && rest.length === 0,
  );
  return seq as number;
}
