/**
 * Test-only: the decisions the crash-safety test writes, as a pure function of the decision number, so that the
 * process writing them (killed with SIGKILL at random moments) and the test checking the file afterwards agree
 * on exactly which rows decision k consists of. Each decision also tries the two things a replayed or stale
 * decision does: re-inserting an older outbox id with another payload and bringing a fired timer back.
 */
import type {
  DecisionChange,
  IncidentRecord,
  OutboxRecord,
  TimelineRecord,
  TimerRecord,
} from '../engine-records.js';

/** 2025-01-01T00:00:00Z, like the conformance suite. */
export const CRASH_T0 = Date.UTC(2025, 0, 1);
/** Decisions per incident: open, acknowledge, note, resolve. */
export const DECISIONS_PER_INCIDENT = 4;
/** Timeline entries each decision appends (enough rows that a kill often lands inside a transaction). */
export const ENTRIES_PER_DECISION = 8;
/** The engine_state key holding the last decision written; `marker:<k>` marks each decision. */
export const WRITER_KEY = 'writer';

const PADDING = 'x'.repeat(1500);

export function incidentOf(k: number): string {
  return `INC-${Math.floor((k - 1) / DECISIONS_PER_INCIDENT) + 1}`;
}

/** Position of decision k within its incident: 0 opens it, the last one resolves it. */
export function stepOf(k: number): number {
  return (k - 1) % DECISIONS_PER_INCIDENT;
}

export function atOf(k: number): number {
  return CRASH_T0 + k * 1000;
}

export function outboxIdsOf(k: number): [string, string] {
  return [`O-${k}-a`, `O-${k}-b`];
}

export function timerIdOf(k: number): string {
  return `T-${k}`;
}

/** Outbox ids of every decision of k's incident up to and including k: what the incident document lists. */
export function incidentEffectsUpTo(k: number): string[] {
  const first = k - stepOf(k);
  const ids: string[] = [];
  for (let j = first; j <= k; j++) ids.push(...outboxIdsOf(j));
  return ids;
}

function incidentRecord(k: number): IncidentRecord {
  const id = incidentOf(k);
  const step = stepOf(k);
  const openedAt = atOf(k - step);
  const at = atOf(k);
  const resolved = step === DECISIONS_PER_INCIDENT - 1;
  return {
    id,
    signature: `crash:${id}`,
    playbook: 'crash-test',
    integration: 'sandbox',
    severity: 'sev2',
    status: resolved ? 'resolved' : step === 0 ? 'triggered' : 'acknowledged',
    openedAt,
    updatedAt: at,
    ...(resolved ? { resolvedAt: at } : {}),
    document: { decision: k, effects: incidentEffectsUpTo(k), padding: PADDING },
  };
}

function timerOf(k: number, status: TimerRecord['status']): TimerRecord {
  return {
    id: timerIdOf(k),
    incidentId: incidentOf(k),
    kind: 'step-timeout',
    dueAt: atOf(k) + 60_000,
    status,
    payload: { decision: k },
  };
}

/** Decision k (k ≥ 1). Applying it a second time inserts nothing and brings no timer back. */
export function decisionOf(k: number): DecisionChange {
  const incidentId = incidentOf(k);
  const at = atOf(k);
  const [a, b] = outboxIdsOf(k);
  const timeline: TimelineRecord[] = Array.from({ length: ENTRIES_PER_DECISION }, (_, j) => ({
    incidentId,
    seq: stepOf(k) * ENTRIES_PER_DECISION + j,
    at,
    actor: 'crash-writer',
    kind: 'note',
    document: { decision: k, j, padding: PADDING },
  }));
  const timers: TimerRecord[] = [timerOf(k, 'pending')];
  const outbox: OutboxRecord[] = [
    { id: a, incidentId, kind: 'notify', channel: 'slack', payload: { decision: k }, createdAt: at },
    { id: b, incidentId, kind: 'notify', channel: 'email', payload: { decision: k }, createdAt: at },
  ];
  if (k > 1) {
    timers.push(timerOf(k - 1, 'fired'));
    // The idempotency key of an earlier effect with another payload: must leave the stored row alone.
    const [earlier] = outboxIdsOf(k - 1);
    const incident = incidentOf(k - 1);
    outbox.push({
      id: earlier,
      incidentId: incident,
      kind: 'notify',
      channel: 'slack',
      payload: { decision: -1 },
      createdAt: at,
    });
  }
  // A stale write trying to resurrect the timer fired by the decision before.
  if (k > 2) timers.push(timerOf(k - 2, 'pending'));
  return {
    incidents: [incidentRecord(k)],
    timeline,
    timers,
    outbox,
    engineState: [
      { key: WRITER_KEY, document: { last: k } },
      { key: `marker:${k}`, document: { decision: k } },
    ],
  };
}
