/**
 * Invariants of the engine state, as functions that list the violations they find. The property tests run them
 * after every decision; the shell can run `stateViolations` on a state it loads, so a corrupted row is reported
 * plainly instead of paging the wrong people.
 */
import { timerId } from './draft.js';
import { statusRank } from './escalation.js';
import type { EngineState, Incident, IncidentStatus } from './types.js';

const ORDER: readonly (keyof Incident & `${string}At`)[] = [
  'triggeredAt',
  'acknowledgedAt',
  'mitigatedAt',
  'resolvedAt',
];

/** Violations within one state (empty when it is consistent). */
export function stateViolations(state: EngineState): string[] {
  const problems: string[] = [];
  for (const incident of Object.values(state.incidents))
    problems.push(...incidentViolations(state, incident));
  for (const [signature, id] of Object.entries(state.signatures)) {
    if (state.incidents[id]?.signature !== signature)
      problems.push(`signature ${signature} indexes ${id} wrongly`);
  }
  for (const timer of Object.values(state.timers)) {
    if (timer.id !== timerId(timer.incidentId, timer)) problems.push(`timer ${timer.id} has a foreign id`);
    if (!Object.hasOwn(state.incidents, timer.incidentId)) problems.push(`timer ${timer.id} has no incident`);
  }
  return problems;
}

function statusStampsViolations(incident: Incident): string[] {
  const problems: string[] = [];
  const at = (what: string) => `${incident.id}: ${what}`;
  const stamp: Record<IncidentStatus, number | undefined> = {
    triggered: incident.triggeredAt,
    acknowledged: incident.acknowledgedAt,
    mitigated: incident.mitigatedAt,
    resolved: incident.resolvedAt,
  };
  if (stamp[incident.status] === undefined) problems.push(at(`${incident.status} without its time`));
  if (incident.status === 'resolved' && !incident.resolution)
    problems.push(at('resolved without resolution'));
  for (const status of ['acknowledged', 'mitigated', 'resolved'] as const) {
    if (stamp[status] !== undefined && statusRank(incident.status) < statusRank(status)) {
      problems.push(at(`has ${status} time but is ${incident.status}`));
    }
  }
  const times = ORDER.map((key) => incident[key]).filter((t): t is number => typeof t === 'number');
  if (times.some((t, i) => i > 0 && t < times[i - 1]!))
    problems.push(at(`status times out of order: ${times}`));
  if (incident.triggeredAt < incident.openedAt) problems.push(at('triggered before it opened'));
  return problems;
}

function incidentViolations(state: EngineState, incident: Incident): string[] {
  const problems = statusStampsViolations(incident);
  const at = (what: string) => `${incident.id}: ${what}`;
  if (incident.episode < 1 || incident.run.number !== incident.episode)
    problems.push(at('run is not of the episode'));
  if (incident.status !== 'resolved' && state.signatures[incident.signature] !== incident.id) {
    problems.push(at('open but not indexed by its signature'));
  }
  const pending = Object.values(state.timers).filter(
    (t) => t.incidentId === incident.id && t.status === 'pending',
  );
  if (incident.status === 'resolved' && pending.length > 0) problems.push(at('resolved with pending timers'));
  if (incident.status === 'resolved' && incident.run.status === 'running')
    problems.push(at('resolved, run running'));
  const inFlight = incident.run.steps.filter((s) => ['running', 'waiting', 'evaluating'].includes(s.status));
  if (inFlight.length > (incident.run.status === 'running' ? 1 : 0))
    problems.push(at('steps in flight wrongly'));
  if (new Set(incident.severityRaisedBy).size !== incident.severityRaisedBy.length) {
    problems.push(at('severity raised twice by one target'));
  }
  for (const target of incident.targets) {
    const name = `${target.kind} target`;
    if (target.startedAt !== incident.triggeredAt) problems.push(at(`${name} not started at the trigger`));
    if (target.dueAt !== target.startedAt + target.durationMs)
      problems.push(at(`${name} due at the wrong time`));
    if (target.atRiskAt < target.startedAt || target.atRiskAt > target.dueAt)
      problems.push(at(`${name} at risk`));
    if (target.status === 'breached' && target.breachedAt !== target.dueAt)
      problems.push(at(`${name} breach time`));
    if (target.status === 'met' && (target.metAt === undefined || target.metAt > target.dueAt)) {
      problems.push(at(`${name} met after its due time`));
    }
  }
  const stamps = incident.timeline.map((e) => e.at);
  if (stamps.some((t, i) => i > 0 && t < stamps[i - 1]!)) problems.push(at('timeline out of order'));
  return problems;
}

/**
 * Violations of one decision, comparing the state before and after it: incidents and timers never disappear,
 * fired or cancelled timers stay so, timelines only grow, status only moves forward except by a reopen.
 */
export function transitionViolations(before: EngineState, after: EngineState): string[] {
  const problems: string[] = [];
  for (const [id, timer] of Object.entries(before.timers)) {
    const now = after.timers[id];
    if (!now) problems.push(`timer ${id} disappeared`);
    else if (timer.status !== 'pending' && now.status !== timer.status)
      problems.push(`timer ${id} was revived`);
  }
  for (const [id, old] of Object.entries(before.incidents)) {
    const next = after.incidents[id];
    if (!next) {
      problems.push(`${id} disappeared`);
      continue;
    }
    if (next.openedAt !== old.openedAt || next.signature !== old.signature)
      problems.push(`${id} changed identity`);
    if (next.timeline.length < old.timeline.length) problems.push(`${id} timeline shrank`);
    if (next.occurrences < old.occurrences) problems.push(`${id} occurrences went down`);
    if (next.episode === old.episode && statusRank(next.status) < statusRank(old.status)) {
      problems.push(`${id} moved back from ${old.status} to ${next.status}`);
    }
    if (next.episode !== old.episode && (next.episode !== old.episode + 1 || old.status !== 'resolved')) {
      problems.push(`${id} reopened from ${old.status}`);
    }
  }
  if (after.nextIncidentNumber < before.nextIncidentNumber) problems.push('incident numbers went back');
  return problems;
}
