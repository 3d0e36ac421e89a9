/**
 * The mapping between the engine's pure state and the store's records, both ways: what one decision changed
 * (its `StateChanges`: the incident it concerned, its new timeline entries, the timers it created or settled) as
 * store rows, built from the changes alone so writing a decision costs O(one incident), and the
 * engine state rebuilt from the snapshot a restarted daemon loads. Engine-state keys the daemon owns are
 * defined here too, so every writer and reader spells them the same.
 */
import {
  emptyState,
  type EngineState,
  type Incident,
  type StateChanges,
  type Timer,
} from '../engine/index.js';
import type {
  EngineSnapshot,
  EngineStateEntry,
  IncidentRecord,
  TimelineRecord,
  TimerRecord,
} from '../store/engine-records.js';

/** engine_state key of the engine's counters (`nextIncidentNumber`). */
export const COUNTERS_KEY = 'engine:counters';
/** engine_state key prefix of persisted criteria and signal states (see `criteria-watch.ts`). */
export const CRITERIA_KEY_PREFIX = 'criteria:';
/** engine_state key prefix of client modes set by playbooks, per integration. */
export const CLIENT_MODE_KEY_PREFIX = 'client-mode:';

interface Counters {
  nextIncidentNumber: number;
}

/** The incident as a store record; its timeline lives in timeline rows, not in the document. */
export function incidentRecord(incident: Incident, now: number): IncidentRecord {
  const { timeline: _timeline, ...document } = incident;
  return {
    id: incident.id,
    signature: incident.signature,
    playbook: incident.playbookId,
    integration: incident.integration,
    severity: incident.severity,
    status: incident.status,
    openedAt: incident.openedAt,
    updatedAt: now,
    ...(incident.resolvedAt !== undefined ? { resolvedAt: incident.resolvedAt } : {}),
    document,
  };
}

/** Timeline entries from position `from` on, numbered by their position. */
export function timelineRecords(incident: Incident, from: number): TimelineRecord[] {
  return incident.timeline.slice(from).map((entry, index) => ({
    incidentId: incident.id,
    seq: from + index,
    at: entry.at,
    actor: entry.actor,
    kind: entry.kind,
    document: entry,
  }));
}

export function timerRecord(timer: Timer): TimerRecord {
  return {
    id: timer.id,
    incidentId: timer.incidentId,
    kind: timer.kind,
    dueAt: timer.dueAt,
    status: timer.status,
    payload: timer,
  };
}

export function countersEntry(state: Pick<EngineState, 'nextIncidentNumber'>): EngineStateEntry {
  const document: Counters = { nextIncidentNumber: state.nextIncidentNumber };
  return { key: COUNTERS_KEY, document };
}

/**
 * The incident's own rows of a decision: the record, the timeline entries added since `previous` (the incident as
 * it was before the decision; undefined for a new one), and the timers the decision created or changed.
 */
export function incidentRows(
  previous: Incident | undefined,
  changes: StateChanges,
  now: number,
): { incidents: IncidentRecord[]; timeline: TimelineRecord[]; timers: TimerRecord[] } {
  const { incident } = changes;
  return {
    incidents: [incidentRecord(incident, now)],
    timeline: timelineRecords(incident, previous?.timeline.length ?? 0),
    timers: [...changes.timers.values()].map(timerRecord),
  };
}

/**
 * The engine state a daemon continues from: the loaded incidents with their timelines and pending timers, the
 * signature index pointing at each signature's latest incident, and the incident counter (never below what the
 * loaded ids imply, so a lost counter row cannot make ids repeat).
 */
export function stateFromSnapshot(snapshot: EngineSnapshot): EngineState {
  const state = emptyState();
  let next = 1;
  const latest = new Map<string, Incident>();
  for (const loaded of snapshot.incidents) {
    const incident = incidentFromRecord(loaded.incident, loaded.timeline);
    state.incidents[incident.id] = incident;
    for (const row of loaded.timers) state.timers[row.id] = row.payload as Timer;
    next = Math.max(next, incidentNumber(incident.id) + 1);
    const seen = latest.get(incident.signature);
    if (
      !seen ||
      seen.openedAt < incident.openedAt ||
      (seen.openedAt === incident.openedAt && seen.id < incident.id)
    )
      latest.set(incident.signature, incident);
  }
  for (const [signature, incident] of latest) state.signatures[signature] = incident.id;
  const counters = snapshot.engineState.find((e) => e.key === COUNTERS_KEY)?.document as Counters | undefined;
  state.nextIncidentNumber = Math.max(next, counters?.nextIncidentNumber ?? 1);
  return state;
}

/** The engine's incident from its record and timeline rows. */
export function incidentFromRecord(record: IncidentRecord, timeline: readonly TimelineRecord[]): Incident {
  const document = record.document as Omit<Incident, 'timeline'>;
  return {
    ...document,
    timeline: [...timeline]
      .sort((a, b) => a.seq - b.seq)
      .map((row) => row.document as Incident['timeline'][number]),
  };
}

function incidentNumber(id: string): number {
  const match = /^INC-(\d+)$/.exec(id);
  return match ? Number(match[1]) : 0;
}
