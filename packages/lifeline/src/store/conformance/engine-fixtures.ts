/**
 * Test data for the conformance cases of the engine's tables: incident, timeline, timer and outbox records built
 * from a few overrides, at fixed times after `T0`. Documents are nested and include non-ASCII text, so a case
 * that round-trips one also proves the JSON mapping.
 */
import type {
  IncidentRecord,
  OutboxRecord,
  OutboxRow,
  TimelineRecord,
  TimerRecord,
} from '../engine-records.js';
import type { Store } from '../store.js';
import { MINUTE, SECOND, T0 } from './fixtures.js';

/** A triggered `stripe` incident opened at T0. */
export function makeIncident(id: string, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    id,
    signature: `stripe:charges:server-error:${id}`,
    playbook: 'payments-down',
    integration: 'stripe',
    severity: 'sev2',
    status: 'triggered',
    openedAt: T0,
    updatedAt: T0,
    document: {
      id,
      problem: 'Zahlungen schlagen fehl — HTTP 503',
      values: { p95: 812.5 },
      checks: ['charges'],
    },
    ...overrides,
  };
}

/** Timeline entry `seq` of an incident, one second apart. */
export function makeEntry(
  incidentId: string,
  seq: number,
  overrides: Partial<TimelineRecord> = {},
): TimelineRecord {
  return {
    incidentId,
    seq,
    at: T0 + seq * SECOND,
    actor: 'engine',
    kind: seq === 0 ? 'opened' : 'note',
    document: { text: `entry ${seq}`, episode: 1 },
    ...overrides,
  };
}

/** A pending escalation timer due a minute after T0. */
export function makeTimer(id: string, incidentId: string, overrides: Partial<TimerRecord> = {}): TimerRecord {
  return {
    id,
    incidentId,
    kind: 'escalation-level',
    dueAt: T0 + MINUTE,
    status: 'pending',
    payload: { episode: 1, cycle: 0, level: 1 },
    ...overrides,
  };
}

/** A notify effect to `slack-ops`, created at T0 (deliverable at once). */
export function makeEffect(
  id: string,
  incidentId: string,
  overrides: Partial<OutboxRecord> = {},
): OutboxRecord {
  return {
    id,
    incidentId,
    kind: 'notify',
    channel: 'slack-ops',
    payload: { reason: 'escalation', text: `effect ${id}` },
    createdAt: T0,
    ...overrides,
  };
}

/** Stores incidents `ids`, each with one timeline entry: the minimum other rows can refer to. */
export async function seedIncidents(store: Store, ...ids: string[]): Promise<void> {
  await store.applyDecision({
    incidents: ids.map((id) => makeIncident(id)),
    timeline: ids.map((id) => makeEntry(id, 0)),
  });
}

/** The ids of claimed rows, in the order they came. */
export function idsOf(rows: readonly OutboxRow[]): string[] {
  return rows.map((row) => row.id);
}
