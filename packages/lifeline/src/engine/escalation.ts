/**
 * Escalation: who is notified, when, until someone responds. Each level of the policy fires `after` its delay from
 * the start of its cycle (the incident's trigger time for cycle 0); a level is skipped once the incident reached
 * the status in its `unless`. The policy runs `repeat` more cycles while nobody has acknowledged: the next cycle
 * starts one "last gap" after the last level (the last level waits as long as the one before it did), so the
 * rhythm of the levels carries on. Every level is a durable timer; a breached response target fires the next
 * pending level at once.
 */
import type { EscalationPolicy } from '../workspace/model.js';
import { membersOf, type EngineConfig } from './config.js';
import { cancelTimers, emit, fire, pendingTimers, record, schedule, type Draft } from './draft.js';
import type { IncidentStatus, NotifyPayload, NotifyTarget, TargetKind, Timer } from './types.js';

/** Cycle length when every level fires at once (a 0-minute policy repeats this often). */
export const MIN_CYCLE_MS = 5 * 60_000;

const STATUS_RANK: Readonly<Record<IncidentStatus, number>> = {
  triggered: 0,
  acknowledged: 1,
  mitigated: 2,
  resolved: 3,
};

/** Whether `status` is `wanted` or later. */
export function reached(status: IncidentStatus, wanted: IncidentStatus): boolean {
  return STATUS_RANK[status] >= STATUS_RANK[wanted];
}

export function statusRank(status: IncidentStatus): number {
  return STATUS_RANK[status];
}

/**
 * Time from the start of one cycle to the start of the next.
 * @example levels after 0m and 15m → 30m: 0, 15, 30, 45, …
 */
export function cyclePeriod(policy: EscalationPolicy): number {
  const offsets = [...new Set(policy.levels.map((l) => l.after))].sort((a, b) => a - b);
  const last = offsets.at(-1) ?? 0;
  const gap = last - (offsets.at(-2) ?? 0);
  const period = last + gap;
  return period > 0 ? period : MIN_CYCLE_MS;
}

function policyOf(draft: Draft): EscalationPolicy | undefined {
  const id = draft.incident.policyId;
  return id === undefined ? undefined : draft.config.policies.get(id);
}

/** Starts cycle 0 of the current episode at the incident's trigger time. */
export function startEscalation(draft: Draft): void {
  startCycle(draft, 0, draft.incident.triggeredAt);
}

function startCycle(draft: Draft, cycle: number, startAt: number): void {
  const policy = policyOf(draft);
  if (!policy) return;
  const { episode } = draft.incident;
  draft.incident.escalation.cycle = cycle;
  const timers = policy.levels.map((level, index) =>
    schedule(draft, { kind: 'escalation-level', episode, cycle, level: index }, startAt + level.after),
  );
  if (cycle < (policy.repeat ?? 0)) {
    schedule(draft, { kind: 'escalation-cycle', episode, cycle: cycle + 1 }, startAt + cyclePeriod(policy));
  }
  // Levels due the moment the cycle starts (`after: 0m`) fire now rather than one timer round-trip later; levels
  // of a cycle started late are caught up in due order with the incident's other timers.
  for (const timer of timers) if (timer.dueAt <= startAt) fireLevel(draft, timer, 'escalation');
}

/** Handles a due escalation timer (level or cycle); the caller checked that it is pending. */
export function onEscalationTimer(draft: Draft, timer: Timer): void {
  if (timer.kind === 'escalation-level') {
    fireLevel(draft, timer, 'escalation');
  } else if (timer.kind === 'escalation-cycle') {
    fire(draft, timer.id);
    if (reached(draft.incident.status, 'acknowledged')) return;
    record(draft, 'escalated', `escalation repeats (cycle ${timer.cycle + 1})`);
    startCycle(draft, timer.cycle, timer.dueAt);
  }
}

function fireLevel(draft: Draft, timer: Timer, reason: 'escalation' | 'breach', target?: TargetKind): void {
  if (timer.kind !== 'escalation-level' || !fire(draft, timer.id)) return;
  const level = policyOf(draft)?.levels[timer.level];
  if (!level) return;
  const name = `level ${timer.level + 1}${timer.cycle > 0 ? ` (repeat ${timer.cycle})` : ''}`;
  if (level.unless && reached(draft.incident.status, level.unless)) {
    record(draft, 'escalation-skipped', `${name} skipped: incident is ${draft.incident.status}`);
    return;
  }
  const incident = draft.incident;
  const payload = notifyPayload(draft, reason, level.notify);
  emit(draft, {
    id: `${incident.id}:notify:${incident.episode}:${timer.cycle}:${timer.level}`,
    kind: 'notify',
    incidentId: incident.id,
    payload: { ...payload, cycle: timer.cycle, level: timer.level, ...(target ? { target } : {}) },
  });
  incident.escalation.notified.push({
    episode: incident.episode,
    cycle: timer.cycle,
    level: timer.level,
    at: draft.now,
  });
  const who = [...payload.people, ...payload.channels.map((c) => `#${c}`)].join(', ') || 'nobody';
  const why = reason === 'breach' ? ` early: ${target ?? 'response'} target breached` : '';
  record(draft, 'escalated', `${name} notified${why}: ${who}`, target ? { target } : {});
}

/**
 * A breached target escalates to the next pending level of the current cycle immediately. Returns false when
 * every level of the cycle has already been notified (nobody higher to call).
 */
export function escalateNow(draft: Draft, target: TargetKind): boolean {
  const { episode, escalation } = draft.incident;
  const next = pendingTimers(
    draft,
    (t) => t.kind === 'escalation-level' && t.episode === episode && t.cycle === escalation.cycle,
  )[0];
  if (!next) return false;
  fireLevel(draft, next, 'breach', target);
  return true;
}

/** After a status change: drops levels whose `unless` is now reached, and repeats once acknowledged. */
export function onStatusChanged(draft: Draft): void {
  const { status, episode } = draft.incident;
  const levels = policyOf(draft)?.levels ?? [];
  cancelTimers(draft, (t) => {
    if (t.kind === 'escalation-cycle') return t.episode === episode && reached(status, 'acknowledged');
    if (t.kind !== 'escalation-level' || t.episode !== episode) return false;
    const unless = levels[t.level]?.unless;
    return status === 'resolved' || (unless !== undefined && reached(status, unless));
  });
}

/** Tells everyone notified in this episode that the incident is resolved. */
export function notifyResolved(draft: Draft): void {
  notifyPaged(draft, 'resolved');
}

/**
 * Tells everyone notified in this episode that someone acknowledged the incident: chat channels see who took
 * it, and paging services (PagerDuty) acknowledge their own incident so they stop paging.
 */
export function notifyAcknowledged(draft: Draft): void {
  notifyPaged(draft, 'acknowledged');
}

/** One message, once per episode and reason, to the targets of every level notified in this episode. */
function notifyPaged(draft: Draft, reason: 'acknowledged' | 'resolved'): void {
  const incident = draft.incident;
  const levels = policyOf(draft)?.levels ?? [];
  const notified = incident.escalation.notified.filter((n) => n.episode === incident.episode);
  const targets = notified.flatMap((n) => levels[n.level]?.notify ?? []);
  const unique = [...new Map(targets.map((t) => [JSON.stringify(t), t] as const)).values()];
  if (unique.length === 0) return;
  emit(draft, {
    id: `${incident.id}:notify:${incident.episode}:${reason}`,
    kind: 'notify',
    incidentId: incident.id,
    payload: notifyPayload(draft, reason, unique),
  });
}

function notifyPayload(
  draft: Draft,
  reason: NotifyPayload['reason'],
  targets: readonly NotifyTarget[],
): NotifyPayload {
  const { incident, config } = draft;
  const fallbackChannel = policyOf(draft)?.fallbackChannel;
  return {
    reason,
    episode: incident.episode,
    severity: incident.severity,
    status: incident.status,
    problem: incident.problem,
    targets: targets.map((t) => ({ ...t })),
    ...audienceOf(config, targets),
    ...(fallbackChannel ? { fallbackChannel } : {}),
  };
}

/**
 * People and channels behind targets: a team means its members (those with `role` when given) and, without a
 * role, also the team's own channels.
 */
export function audienceOf(
  config: EngineConfig,
  targets: readonly NotifyTarget[],
): { people: string[]; channels: string[] } {
  const people = new Set<string>();
  const channels = new Set<string>();
  for (const target of targets) {
    if (target.channel !== undefined) channels.add(target.channel);
    if (target.person !== undefined) people.add(target.person);
    if (target.team !== undefined) {
      for (const person of membersOf(config, target.team, target.role)) people.add(person);
      if (target.role === undefined) {
        for (const channel of config.teams.get(target.team)?.channels ?? []) channels.add(channel);
      }
    }
  }
  return { people: [...people], channels: [...channels] };
}
