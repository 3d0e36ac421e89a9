/**
 * The incident state machine after opening: `triggered → acknowledged → mitigated → resolved`, forward only (a
 * status may be skipped, never revisited within an episode; a reopen starts a new episode, see incident-open.ts).
 * Human commands answer `conflict` when they would not change anything (acknowledging twice, resolving a resolved
 * incident). Resolution is automatic when the success criteria held (`success-held`) or by hand with a note; it
 * ends the run, every timer of the incident, tells whoever was paged, and creates the playbook's follow-ups.
 */
import { cancelTimers, emit, record, type Draft } from './draft.js';
import { notifyAcknowledged, notifyResolved, onStatusChanged, reached } from './escalation.js';
import { conflict, ignored, notFound, ok } from './outcomes.js';
import { cancelOpenTargets, meetTarget, recordFirstAction } from './response-targets.js';
import { stopRun } from './run-state.js';
import { ENGINE_ACTOR, type CommandEvent, type Outcome, type Resolution } from './types.js';

type Command<K extends CommandEvent['kind']> = Extract<CommandEvent, { kind: K }>;

function says(text: string | undefined): string {
  return text ? `: ${text}` : '';
}

export function acknowledge(draft: Draft, event: Command<'acknowledge'>): Outcome {
  const { incident } = draft;
  if (incident.status !== 'triggered')
    return conflict(`incident ${incident.id} is already ${incident.status}`);
  incident.status = 'acknowledged';
  incident.acknowledgedAt = draft.now;
  incident.acknowledgedBy = event.actor;
  meetTarget(draft, 'acknowledge');
  record(draft, 'acknowledged', `acknowledged by ${event.actor}${says(event.text)}`, { actor: event.actor });
  onStatusChanged(draft);
  notifyAcknowledged(draft);
  return ok();
}

export function mitigate(draft: Draft, event: Command<'mitigate'>): Outcome {
  const { incident } = draft;
  if (reached(incident.status, 'mitigated'))
    return conflict(`incident ${incident.id} is already ${incident.status}`);
  incident.status = 'mitigated';
  incident.mitigatedAt = draft.now;
  // Whoever mitigates has responded: the acknowledge target is met even without an explicit acknowledgement.
  meetTarget(draft, 'acknowledge');
  record(draft, 'mitigated', `mitigated by ${event.actor}${says(event.text)}`, { actor: event.actor });
  onStatusChanged(draft);
  return ok();
}

export function resolveByHand(draft: Draft, event: Command<'resolve'>): Outcome {
  if (draft.incident.status === 'resolved')
    return conflict(`incident ${draft.incident.id} is already resolved`);
  meetTarget(draft, 'acknowledge');
  resolve(draft, { by: event.actor, automatic: false, ...(event.text ? { note: event.text } : {}) });
  return ok();
}

/** The playbook's success criteria held for their duration. */
export function resolveAutomatically(draft: Draft): Outcome {
  if (draft.incident.status === 'resolved')
    return ignored(`incident ${draft.incident.id} is already resolved`);
  resolve(draft, { by: ENGINE_ACTOR, automatic: true, note: 'success criteria held' });
  return ok();
}

function resolve(draft: Draft, resolution: Resolution): void {
  const { incident } = draft;
  incident.status = 'resolved';
  incident.resolvedAt = draft.now;
  incident.resolution = resolution;
  meetTarget(draft, 'resolve');
  cancelOpenTargets(draft);
  const how = resolution.automatic ? 'automatically' : `by ${resolution.by}`;
  record(draft, 'resolved', `resolved ${how}${says(resolution.note)}`, { actor: resolution.by });
  stopRun(draft, 'cancelled', 'incident resolved');
  // Nothing of a resolved incident is due any more: escalation, targets, timeouts and guard windows all end.
  cancelTimers(draft, () => true);
  onStatusChanged(draft);
  notifyResolved(draft);
  createFollowUps(draft);
}

/** Follow-ups are created once per incident, at its first resolution. */
function createFollowUps(draft: Draft): void {
  const { incident, config } = draft;
  if (incident.episode !== 1) return;
  const followUps = config.playbooks.get(incident.playbookId)?.playbook.followUps ?? [];
  followUps.forEach((followUp, index) => {
    emit(draft, {
      id: `${incident.id}:follow-up:${index}`,
      kind: 'follow-up',
      incidentId: incident.id,
      payload: {
        playbookId: incident.playbookId,
        title: followUp.title,
        owner: followUp.owner ?? incident.ownerTeam,
        ...(followUp.due !== undefined ? { dueAt: draft.now + followUp.due } : {}),
      },
    });
  });
}

export function addNote(draft: Draft, event: Command<'note'>): Outcome {
  record(draft, 'note', event.text, { actor: event.actor });
  return ok();
}

export function assign(draft: Draft, event: Command<'assign'>): Outcome {
  const { incident } = draft;
  if (!draft.config.people.has(event.assignee))
    return notFound(`no person ${event.assignee} in the workspace`);
  if (incident.assignee === event.assignee)
    return conflict(`incident ${incident.id} is already assigned to ${event.assignee}`);
  incident.assignee = event.assignee;
  record(draft, 'assigned', `assigned to ${event.assignee} by ${event.actor}${says(event.text)}`, {
    actor: event.actor,
  });
  return ok();
}

/** A human says they made a remediation attempt: the first one meets the first-action target. */
export function markAttempt(draft: Draft, event: Command<'mark-attempt'>): Outcome {
  const { incident } = draft;
  if (incident.status === 'resolved') return conflict(`incident ${incident.id} is resolved`);
  const what = event.text ?? 'remediation attempt';
  if (incident.firstActionAt === undefined) recordFirstAction(draft, event.actor, what);
  else record(draft, 'attempt', what, { actor: event.actor });
  return ok();
}

/** The trigger stopped holding. The incident stays open: only the success criteria (or a human) resolve it. */
export function clearSignal(draft: Draft): Outcome {
  if (draft.incident.status === 'resolved') return ignored(`incident ${draft.incident.id} is resolved`);
  if (!draft.incident.signalActive) return ignored('signal already cleared');
  draft.incident.signalActive = false;
  record(draft, 'signal-cleared', 'trigger signal cleared');
  return ok();
}
