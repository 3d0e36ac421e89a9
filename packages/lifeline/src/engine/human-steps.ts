/**
 * Steps a human answers: a manual step is done when someone marks it done (`step-done`); an approval passes when
 * someone allowed approves it (`approve`) and fails when they decline (`decline`). Allowed means a member of the
 * approvers' team, with the role when one is required; anyone else gets `forbidden` (HTTP 403) and nothing changes.
 */
import { assertNever } from './assert-never.js';
import { mayAct } from './config.js';
import { type Draft } from './draft.js';
import { conflict, forbidden, notFound, ok } from './outcomes.js';
import { stepDefinition, stepRecord } from './run-state.js';
import { advance, cancelStepTimeouts, failStep, succeedStep } from './steps.js';
import type { CommandEvent, Outcome } from './types.js';

type HumanAnswer = Extract<CommandEvent, { kind: 'approve' | 'decline' | 'step-done' }>;

export function onHumanAnswer(draft: Draft, event: HumanAnswer): Outcome {
  const step = stepDefinition(draft, event.stepId);
  const current = stepRecord(draft, event.stepId);
  if (!step || !current) return notFound(`incident ${draft.incident.id} has no step ${event.stepId}`);
  const expected = event.kind === 'step-done' ? 'manual' : 'approval';
  if (step.action !== expected) {
    return conflict(`step ${step.id} is a ${step.action} step; \`${event.kind}\` needs a ${expected} step`);
  }
  if (draft.incident.run.status !== 'running' || current.status !== 'waiting') {
    return conflict(`step ${step.id} is not waiting for an answer (it is ${current.status})`);
  }
  if (step.action === 'approval' && !mayAct(draft.config, event.actor, step.approvers)) {
    const { team, role } = step.approvers;
    return forbidden(
      `${event.actor} may not answer ${step.id}: needs a member of ${team}${role ? ` with role ${role}` : ''}`,
    );
  }
  cancelStepTimeouts(draft, step.id);
  current.by = event.actor;
  const finish = { actor: event.actor, ...(event.text ? { text: event.text } : {}) };
  switch (event.kind) {
    case 'approve':
      succeedStep(draft, step, current, { kind: 'approved', ...finish });
      advance(draft);
      break;
    case 'step-done':
      succeedStep(draft, step, current, { kind: 'step-succeeded', ...finish });
      advance(draft);
      break;
    case 'decline':
      current.lastResult = 'failed';
      failStep(draft, step, current, { kind: 'declined', ...finish });
      break;
    default:
      return assertNever(event, 'answer');
  }
  return ok();
}
