/**
 * Response targets of a severity: acknowledge within, first action within, resolve within — measured from the
 * start of the episode. Each target has two durable timers: "at risk" at 80 % of it and "breached" at 100 %. A
 * breach is a timeline event, escalates to the next level immediately and raises the severity to the severity's
 * `escalateTo` (each target raises it at most once per incident). Targets are fixed when the episode starts; a
 * raised severity does not move deadlines already running.
 */
import { cancelTimers, fire, record, schedule, type Draft } from './draft.js';
import { escalateNow } from './escalation.js';
import type { Actor, ResponseTarget, TargetKind, Timer } from './types.js';

export const TARGET_KINDS: readonly TargetKind[] = ['acknowledge', 'firstAction', 'resolve'];

const LABEL: Readonly<Record<TargetKind, string>> = {
  acknowledge: 'acknowledge',
  firstAction: 'first action',
  resolve: 'resolve',
};

/**
 * The at-risk and breach times of a target.
 * @example targetTimes(0, 15 * 60_000, 0.8) // { atRiskAt: 720_000, dueAt: 900_000 }
 */
export function targetTimes(
  startedAt: number,
  durationMs: number,
  atRiskFraction: number,
): { atRiskAt: number; dueAt: number } {
  return { atRiskAt: startedAt + Math.round(durationMs * atRiskFraction), dueAt: startedAt + durationMs };
}

/** Sets up the targets of the incident's severity for the current episode, with their timers. */
export function startTargets(draft: Draft): void {
  const { incident, config } = draft;
  const respond = config.severities.get(incident.severity)?.respond ?? {};
  incident.targets = [];
  for (const kind of TARGET_KINDS) {
    const durationMs = respond[kind];
    if (durationMs === undefined) continue;
    const startedAt = incident.triggeredAt;
    const times = targetTimes(startedAt, durationMs, config.atRiskFraction);
    incident.targets.push({ kind, durationMs, startedAt, ...times, status: 'pending' });
    schedule(draft, { kind: 'target-at-risk', episode: incident.episode, target: kind }, times.atRiskAt);
    schedule(draft, { kind: 'target-breach', episode: incident.episode, target: kind }, times.dueAt);
  }
}

function targetOf(draft: Draft, kind: TargetKind): ResponseTarget | undefined {
  return draft.incident.targets.find((t) => t.kind === kind);
}

function cancelTargetTimers(draft: Draft, kind: TargetKind): void {
  const { episode } = draft.incident;
  cancelTimers(
    draft,
    (t) =>
      (t.kind === 'target-at-risk' || t.kind === 'target-breach') &&
      t.episode === episode &&
      t.target === kind,
  );
}

/** The target is met now. A target met after its breach keeps its breach and records when it was met. */
export function meetTarget(draft: Draft, kind: TargetKind): void {
  const target = targetOf(draft, kind);
  if (!target || target.metAt !== undefined || target.status === 'cancelled') return;
  target.metAt = draft.now;
  if (target.status === 'pending' || target.status === 'at-risk') target.status = 'met';
  cancelTargetTimers(draft, kind);
}

/** Records the first remediation attempt of the episode (a remediation step started, or a human marked one). */
export function recordFirstAction(draft: Draft, by: Actor, what: string): void {
  if (draft.incident.firstActionAt !== undefined) return;
  draft.incident.firstActionAt = draft.now;
  meetTarget(draft, 'firstAction');
  record(draft, 'attempt', `first action: ${what}`, { actor: by, target: 'firstAction' });
}

/** Targets that can no longer be met (the incident resolved before them) are cancelled. */
export function cancelOpenTargets(draft: Draft): void {
  for (const target of draft.incident.targets) {
    if (target.status !== 'pending' && target.status !== 'at-risk') continue;
    target.status = 'cancelled';
    cancelTargetTimers(draft, target.kind);
  }
}

/** Handles a due at-risk or breach timer; the caller checked that it is pending. */
export function onTargetTimer(draft: Draft, timer: Timer): void {
  if (timer.kind !== 'target-at-risk' && timer.kind !== 'target-breach') return;
  fire(draft, timer.id);
  const target = targetOf(draft, timer.target);
  if (!target || timer.episode !== draft.incident.episode) return;
  const label = LABEL[target.kind];
  if (timer.kind === 'target-at-risk') {
    if (target.status !== 'pending') return;
    target.status = 'at-risk';
    const left = Math.round((target.dueAt - draft.now) / 60_000);
    record(draft, 'target-at-risk', `${label} target at risk: ${left} min left`, { target: target.kind });
    return;
  }
  if (target.status !== 'pending' && target.status !== 'at-risk') return;
  target.status = 'breached';
  target.breachedAt = target.dueAt;
  const minutes = Math.round(target.durationMs / 60_000);
  record(draft, 'target-breached', `${label} target of ${minutes} min breached`, { target: target.kind });
  if (draft.incident.policyId !== undefined && !escalateNow(draft, target.kind)) {
    record(draft, 'escalation-skipped', 'no escalation level left to notify in this cycle', {
      target: target.kind,
    });
  }
  raiseSeverity(draft, target.kind);
}

function raiseSeverity(draft: Draft, kind: TargetKind): void {
  const incident = draft.incident;
  if (incident.severityRaisedBy.includes(kind)) return;
  const to = draft.config.severities.get(incident.severity)?.escalateTo;
  if (to === undefined || to === incident.severity) return;
  const from = incident.severity;
  incident.severity = to;
  incident.severityRaisedBy.push(kind);
  record(draft, 'severity-changed', `severity raised from ${from} to ${to}: ${LABEL[kind]} target breached`, {
    target: kind,
  });
}
