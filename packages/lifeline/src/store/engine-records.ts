/**
 * What the Store keeps for the incident engine, described in the store's own words rather than the engine's
 * TypeScript types: incidents, timeline entries, timers and outbox rows are JSON documents plus the few columns
 * the store must query on (status, times, ids). The engine's shapes can then evolve without a migration; only a
 * new *queried* field needs one. The shell maps engine state and effects to these records (see `Store`).
 */
import type { StoreCallOptions } from './store.js';

/**
 * Any value `JSON.stringify` can write (objects, arrays, strings, finite numbers, booleans, null). Documents
 * come back as `JSON.parse` returns them: whoever reads one checks or asserts its shape.
 */
export type JsonDocument = unknown;

/** The incident lifecycle of the architecture (§2); `resolved` is the only status the store treats specially. */
export type IncidentRecordStatus = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';
export const INCIDENT_RECORD_STATUSES: readonly IncidentRecordStatus[] = [
  'triggered',
  'acknowledged',
  'mitigated',
  'resolved',
];

/**
 * One incident: indexed columns plus the engine's incident as `document`. Upserted whole by `id`.
 * The shell should leave the timeline out of `document` (it lives in `TimelineRecord`s): otherwise every
 * decision rewrites the whole history.
 */
export interface IncidentRecord {
  id: string;
  /** The failure signature; open incidents are indexed by it. */
  signature: string;
  /** Playbook id. */
  playbook: string;
  integration: string;
  severity: string;
  status: IncidentRecordStatus;
  /** Epoch ms. */
  openedAt: number;
  /** Epoch ms of the decision that last wrote the record. */
  updatedAt: number;
  /** Epoch ms; required when `status` is `resolved` (the reopen window counts from it). */
  resolvedAt?: number;
  document: JsonDocument;
}

/** One timeline entry of an incident, numbered by the engine from 0: (incidentId, seq) identifies it. */
export interface TimelineRecord {
  incidentId: string;
  /** Position in the incident's timeline, a whole number ≥ 0; the shell keeps them contiguous. */
  seq: number;
  at: number;
  actor: string;
  kind: string;
  document: JsonDocument;
}

export type TimerRecordStatus = 'pending' | 'fired' | 'cancelled';
export const TIMER_RECORD_STATUSES: readonly TimerRecordStatus[] = ['pending', 'fired', 'cancelled'];

/** A durable timer. `fired` and `cancelled` are final: a later write of the same id changes nothing. */
export interface TimerRecord {
  id: string;
  incidentId: string;
  kind: string;
  /** Epoch ms. */
  dueAt: number;
  status: TimerRecordStatus;
  payload: JsonDocument;
}

/**
 * An effect to deliver, as the engine emitted it. `id` is the idempotency key: inserting an id that exists
 * leaves the stored row untouched, whatever the new row says.
 */
export interface OutboxRecord {
  id: string;
  incidentId: string;
  /** The effect kind (`notify`, `run-action`, …). */
  kind: string;
  /**
   * The delivery lane, usually the channel id. Rows of one incident in one lane are claimed one at a time in
   * creation order (a "resolved" never overtakes its "triggered"); different lanes do not wait for each other.
   * Rows without a channel form one lane per incident.
   */
  channel?: string;
  payload: JsonDocument;
  /** Epoch ms, the decision's `now`. */
  createdAt: number;
  /** Epoch ms before which the row is not claimed. Default `createdAt`. */
  nextAttemptAt?: number;
}

export type OutboxStatus = 'pending' | 'delivering' | 'delivered' | 'dead';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivering', 'delivered', 'dead'];

/** An outbox row as stored, without its payload: what the API shows (receipts, dead letters). */
export interface OutboxSummary {
  id: string;
  incidentId: string;
  kind: string;
  channel?: string;
  status: OutboxStatus;
  /** Claims so far: each claim is one delivery attempt, including one a crash cut short. */
  attempts: number;
  nextAttemptAt: number;
  /** Set while `delivering`: until then no other dispatcher may claim the row. */
  leaseUntil?: number;
  lastError?: string;
  receipt?: JsonDocument;
  createdAt: number;
  deliveredAt?: number;
}

/** A claimed row: the summary plus the payload the dispatcher delivers. */
export interface OutboxRow extends OutboxSummary {
  payload: JsonDocument;
}

/** One engine_state entry (signal hysteresis, sequence counters…): a JSON document under a key. */
export interface EngineStateEntry {
  key: string;
  document: JsonDocument;
}

export interface StoredEngineStateEntry extends EngineStateEntry {
  /** Epoch ms (store clock) of the last write. */
  updatedAt: number;
}

/** Everything one engine decision changed, written by `applyDecision` in one transaction. */
export interface DecisionChange {
  /** Upserted by id (the last one wins when an id repeats). */
  incidents?: readonly IncidentRecord[];
  /** Inserted; an existing (incidentId, seq) is left as it is. */
  timeline?: readonly TimelineRecord[];
  /** Upserted by id, except that a stored `fired` or `cancelled` timer is never changed. */
  timers?: readonly TimerRecord[];
  /** Inserted; an existing id is left as it is (the idempotency). */
  outbox?: readonly OutboxRecord[];
  /** Upserted by key. */
  engineState?: readonly EngineStateEntry[];
}

/** What `applyDecision` did; `…Ignored` count rows that already existed (or timers already final). */
export interface ApplyDecisionOutcome {
  incidents: number;
  timelineInserted: number;
  timelineIgnored: number;
  timersWritten: number;
  timersIgnored: number;
  outboxInserted: number;
  outboxIgnored: number;
  engineState: number;
}

export interface EngineSnapshotQuery {
  /** Epoch ms. */
  now: number;
  /** Resolved incidents with `resolvedAt ≥ now − reopenWindowMs` are loaded too, so they can reopen. */
  reopenWindowMs: number;
}

/** One loaded incident with what the engine needs of it. */
export interface SnapshotIncident {
  incident: IncidentRecord;
  /** In seq order. */
  timeline: TimelineRecord[];
  /** Its pending timers, by (dueAt, id). */
  timers: TimerRecord[];
}

/** What the daemon rebuilds the engine's pure state from on start; read in one consistent snapshot. */
export interface EngineSnapshot {
  /** Open incidents and those resolved within the reopen window, oldest first (by openedAt, id). */
  incidents: SnapshotIncident[];
  /** Every engine_state entry, by key. */
  engineState: StoredEngineStateEntry[];
}

export interface ClaimOutboxOptions extends StoreCallOptions {
  /** Most rows to claim. */
  limit: number;
  /** How long the claim lasts: after `now + leaseMs` another dispatcher may claim the row again. */
  leaseMs: number;
  /** Only rows of this channel. */
  channel?: string;
  /**
   * At most this many rows of each named lane (channel) in this claim, 0 for none: how a dispatcher keeps to a
   * channel's concurrency and rate limits without claiming rows it would have to hold. Lanes not named are
   * limited by `limit` alone. Whole numbers ≥ 0.
   */
  channelLimits?: Readonly<Record<string, number>>;
}

export interface SettleOutboxOptions extends StoreCallOptions {
  /**
   * The `attempts` of the claimed row. When given, the call applies only if nobody claimed the row since
   * (a dispatcher whose lease expired cannot overwrite the newer claimer's result).
   */
  attempt?: number;
}

/** How a failed attempt ends: retry at `nextAttemptAt`, or give up (`dead`, a dead letter). */
export type OutboxFailure =
  | { error: string; nextAttemptAt: number; dead?: never }
  | { error: string; dead: true; nextAttemptAt?: never };

/** What became of `completeOutbox` / `failOutbox`. `stale`: the row was not in the claim the caller held. */
export type SettleOutboxOutcome =
  | { kind: 'settled'; status: OutboxStatus }
  | { kind: 'not-found' }
  | { kind: 'stale'; status: OutboxStatus; attempts: number };

export interface OutboxStats {
  counts: Record<OutboxStatus, number>;
  /**
   * Age (ms, by the store clock) of the oldest row not yet delivered or dead — `pending` or `delivering` —
   * or `undefined` when there is none. A growing value means delivery is stuck.
   */
  oldestPendingAgeMs?: number;
}

/** Filters for `listIncidents`: newest first by (openedAt, id); `since` inclusive, `until` exclusive on openedAt. */
export interface IncidentQuery {
  /** One status or any of several (an empty list matches nothing). */
  status?: IncidentRecordStatus | readonly IncidentRecordStatus[];
  severity?: string;
  integration?: string;
  since?: number;
  until?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  cursor?: string;
}

export interface IncidentPage {
  items: IncidentRecord[];
  nextCursor?: string;
}

/** One incident with everything attached to it, for the API. */
export interface IncidentDetail {
  incident: IncidentRecord;
  /** In seq order. */
  timeline: TimelineRecord[];
  /** Every timer, final ones included, by (dueAt, id). */
  timers: TimerRecord[];
  /** In creation order, without payloads. */
  outbox: OutboxSummary[];
}

/** Filters for `listOutbox`: newest first (creation order reversed). */
export interface OutboxQuery {
  status?: OutboxStatus | readonly OutboxStatus[];
  incident?: string;
  /** Rows of this lane only, usually a channel id (with `incident`: one incident's messages to one channel). */
  channel?: string;
  limit?: number;
  cursor?: string;
}

export interface OutboxPage {
  items: OutboxSummary[];
  nextCursor?: string;
}
