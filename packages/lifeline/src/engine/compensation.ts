/**
 * Compensation: undoing what succeeded steps did, newest first (like unwinding a saga). It runs when the run aborts,
 * when a `rollback` step runs, when the playbook's rollback criteria hold, and when a step's guard signal holds
 * within its window after the step (the step made things worse: only that step is undone). Each step is
 * compensated at most once per run; the shell executes the `compensate` effects and may report their result.
 */
import { cancelTimers, emit, getTimer, record, timerId, type Draft } from './draft.js';
import { stepDefinition, stepRecord, stopRun, varsOf } from './run-state.js';
import { ignored, ok } from './outcomes.js';
import type { CompensationReason, Outcome, SystemEvent } from './types.js';

/**
 * Requests the compensation of the run's succeeded steps (all, or those listed) that declare one and were not
 * compensated yet, newest first. Returns the ids of the steps compensated.
 */
export function compensateSteps(
  draft: Draft,
  which: readonly string[] | 'all',
  reason: CompensationReason,
): string[] {
  const run = draft.incident.run;
  const done = run.steps
    .map((step, index) => ({ step, index }))
    .filter(({ step }) => step.status === 'succeeded' && step.compensation === undefined)
    .filter(({ step }) => which === 'all' || which.includes(step.stepId))
    .sort((a, b) => (b.step.finishedAt ?? 0) - (a.step.finishedAt ?? 0) || b.index - a.index);
  const compensated: string[] = [];
  for (const { step } of done) {
    const action = stepDefinition(draft, step.stepId)?.compensate;
    // A rollback cannot be undone by another rollback; steps without `compensate` have nothing to undo.
    if (!action || action.action === 'rollback') continue;
    step.compensation = { at: draft.now, reason };
    emit(draft, {
      id: `${draft.incident.id}:compensate:${run.number}:${step.stepId}`,
      kind: 'compensate',
      incidentId: draft.incident.id,
      payload: { run: run.number, stepId: step.stepId, action, reason, vars: varsOf(draft) },
    });
    cancelTimers(draft, (t) => t.kind === 'guard-window' && t.run === run.number && t.stepId === step.stepId);
    record(draft, 'compensation-requested', `undo ${step.stepId} (${action.action}): ${reason}`, {
      stepId: step.stepId,
    });
    compensated.push(step.stepId);
  }
  return compensated;
}

/** The guard signal of a step held while its window was open: undo that step. */
export function onGuardHeld(draft: Draft, stepId: string): Outcome {
  const run = draft.incident.run;
  const timer = getTimer(
    draft,
    timerId(draft.incident.id, { kind: 'guard-window', run: run.number, stepId }),
  );
  if (!timer || timer.status !== 'pending') return ignored(`no open guard window for step ${stepId}`);
  if (stepRecord(draft, stepId)?.compensation) return ignored(`step ${stepId} is already compensated`);
  record(draft, 'guard-tripped', `step ${stepId} made things worse: its guard signal held`, { stepId });
  compensateSteps(draft, [stepId], 'guard');
  return ok();
}

/** The playbook's rollback criteria hold: stop the run and undo every step done, newest first. */
export function onRollbackCriteriaHeld(draft: Draft): Outcome {
  const run = draft.incident.run;
  if (draft.incident.status === 'resolved') return ignored('incident is resolved');
  if (run.status !== 'running' && run.status !== 'completed') return ignored(`run is already ${run.status}`);
  record(draft, 'rollback-criteria-held', 'rollback criteria hold: undoing the playbook');
  if (run.status === 'running') stopRun(draft, 'rolled-back', 'rollback criteria hold');
  else run.status = 'rolled-back';
  compensateSteps(draft, 'all', 'rollback-criteria');
  return ok();
}

type CompensationResult = Extract<SystemEvent, { kind: 'compensation-result' }>;

/** The shell reports how a compensation went; it becomes a timeline entry. */
export function onCompensationResult(draft: Draft, event: CompensationResult): Outcome {
  const run = draft.incident.run;
  const step = stepRecord(draft, event.stepId);
  if (event.run !== run.number || !step?.compensation) return ignored('no such compensation');
  if (step.compensation.outcome !== undefined) return ignored('compensation result already recorded');
  step.compensation.outcome = event.outcome;
  const detail = event.detail ? `: ${event.detail}` : '';
  record(draft, 'compensation-result', `undo of ${event.stepId} ${event.outcome}${detail}`, {
    stepId: event.stepId,
  });
  return ok();
}
