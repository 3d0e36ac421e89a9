/**
 * Playbook step sequencing, the decision part: steps run in order; a step runs only if its `if` holds (an earlier
 * step's outcome, checked here; a signal, evaluated by the shell on request); automated actions become `run-action`
 * effects whose results come back as `step-result` events; every attempt has its own timeout timer; failures retry
 * up to `retries` times and then abort the run (compensating what was done) or continue, per `onFailure`.
 * Manual steps and approvals wait for a human (see human-steps.ts); `rollback` steps compensate earlier steps.
 */
import type { Step } from '../workspace/model.js';
import { assertNever } from './assert-never.js';
import { compensateSteps } from './compensation.js';
import { membersOf } from './config.js';
import { cancelTimers, emit, fire, record, schedule, type Draft } from './draft.js';
import { ignored, ok } from './outcomes.js';
import { recordFirstAction } from './response-targets.js';
import { REMEDIATION_ACTIONS, isFinished, stepDefinition, stepRecord, stopRun, varsOf } from './run-state.js';
import { renderTemplate } from './templates.js';
import {
  ENGINE_ACTOR,
  type Actor,
  type Outcome,
  type StepRecord,
  type StepResultOutcome,
  type SystemEvent,
  type TimelineKind,
  type Timer,
} from './types.js';

type ManualOrApproval = Extract<Step, { action: 'manual' | 'approval' }>;
type StepResultEvent = Extract<SystemEvent, { kind: 'step-result' }>;
type ConditionEvent = Extract<SystemEvent, { kind: 'condition-evaluated' }>;

/** Starts run number `episode` of the incident's playbook and runs it as far as it goes without waiting. */
export function startRun(draft: Draft): void {
  const steps = draft.config.playbooks.get(draft.incident.playbookId)?.playbook.steps ?? [];
  draft.incident.run = {
    number: draft.incident.episode,
    status: 'running',
    cursor: 0,
    steps: steps.map((s) => ({ stepId: s.id, status: 'pending', attempt: 0 })),
    startedAt: draft.now,
  };
  advance(draft);
}

/** Moves the run forward from its cursor until a step is in flight or the run ends. */
export function advance(draft: Draft): void {
  const run = draft.incident.run;
  while (run.status === 'running') {
    const current = run.steps[run.cursor];
    if (!current) return stopRun(draft, 'completed', 'every step done');
    if (isFinished(current.status)) {
      run.cursor += 1;
      continue;
    }
    if (current.status !== 'pending') return;
    const step = stepDefinition(draft, current.stepId);
    if (!step) {
      skip(draft, current, 'the playbook no longer has this step');
      continue;
    }
    const condition = conditionOf(draft, step);
    if (condition === 'skip') skip(draft, current, 'its condition does not hold');
    else if (condition === 'ask') return askCondition(draft, step, current);
    else startStep(draft, step, current);
  }
}

function conditionOf(draft: Draft, step: Step): 'run' | 'skip' | 'ask' {
  const condition = step.if;
  if (!condition) return 'run';
  if (condition.step !== undefined) {
    const status = stepRecord(draft, condition.step)?.status;
    const outcome =
      status === 'succeeded' || status === 'failed' || status === 'skipped' ? status : undefined;
    if (outcome !== (condition.outcome ?? 'succeeded')) return 'skip';
  }
  return condition.holds ? 'ask' : 'run';
}

function skip(draft: Draft, current: StepRecord, why: string): void {
  current.status = 'skipped';
  current.finishedAt = draft.now;
  record(draft, 'step-skipped', `step ${current.stepId} skipped: ${why}`, { stepId: current.stepId });
}

/** A signal condition is evaluated by the shell, which answers with `condition-evaluated`. */
function askCondition(draft: Draft, step: Step, current: StepRecord): void {
  const signal = step.if?.holds;
  if (!signal) return;
  current.status = 'evaluating';
  const run = draft.incident.run.number;
  emit(draft, {
    id: `${draft.incident.id}:condition:${run}:${step.id}`,
    kind: 'evaluate-condition',
    incidentId: draft.incident.id,
    payload: { run, stepId: step.id, signal },
  });
}

export function onConditionEvaluated(draft: Draft, event: ConditionEvent): Outcome {
  const current = stepRecord(draft, event.stepId);
  const step = stepDefinition(draft, event.stepId);
  if (event.run !== draft.incident.run.number || current?.status !== 'evaluating' || !step) {
    return ignored(`step ${event.stepId} awaits no condition`);
  }
  current.status = 'pending';
  if (event.holds) startStep(draft, step, current);
  else skip(draft, current, 'its signal does not hold');
  advance(draft);
  return ok();
}

function startStep(draft: Draft, step: Step, current: StepRecord): void {
  current.attempt += 1;
  current.startedAt ??= draft.now;
  switch (step.action) {
    case 'manual':
    case 'approval':
      awaitHuman(draft, step, current);
      break;
    case 'rollback':
      record(draft, 'step-started', `step ${step.id} started: rollback`, { stepId: step.id });
      compensateSteps(draft, step.steps ?? 'all', 'rollback-step');
      succeedStep(draft, step, current, { kind: 'step-succeeded', actor: ENGINE_ACTOR });
      break;
    case 'run-check':
    case 'http':
    case 'command':
    case 'set-client-mode':
    case 'notify':
    case 'ticket':
    case 'wait':
      runAction(draft, step, current);
      break;
    default:
      assertNever(step, 'step action');
  }
  if (current.attempt === 1 && REMEDIATION_ACTIONS.has(step.action)) {
    recordFirstAction(draft, ENGINE_ACTOR, `step ${step.id} (${step.action}) started`);
  }
}

function deadlineOf(draft: Draft, step: Step, current: StepRecord): number | undefined {
  if (step.timeout === undefined) return undefined;
  const run = draft.incident.run.number;
  const dueAt = draft.now + step.timeout;
  schedule(draft, { kind: 'step-timeout', run, stepId: step.id, attempt: current.attempt }, dueAt);
  return dueAt;
}

function runAction(draft: Draft, step: Step, current: StepRecord): void {
  current.status = 'running';
  const { incident } = draft;
  const vars = varsOf(draft);
  const template =
    step.action === 'notify' ? step.message : step.action === 'ticket' ? step.title : undefined;
  const deadline = deadlineOf(draft, step, current);
  emit(draft, {
    id: `${incident.id}:step:${incident.run.number}:${step.id}:${current.attempt}`,
    kind: 'run-action',
    incidentId: incident.id,
    payload: {
      run: incident.run.number,
      stepId: step.id,
      attempt: current.attempt,
      step,
      ...(deadline !== undefined ? { deadline } : {}),
      vars,
      text: template === undefined ? incident.problem : renderTemplate(template, vars),
    },
  });
  const retry = current.attempt > 1;
  const after = retry
    ? ` after ${current.lastResult ?? 'failure'}${current.detail ? ` (${current.detail})` : ''}`
    : '';
  const text = `step ${step.id} ${retry ? `retried, attempt ${current.attempt}${after}` : 'started'}: ${step.action}`;
  record(draft, retry ? 'step-retried' : 'step-started', text, { stepId: step.id });
}

function awaitHuman(draft: Draft, step: ManualOrApproval, current: StepRecord): void {
  current.status = 'waiting';
  const { incident, config } = draft;
  const who = step.action === 'approval' ? step.approvers : step.assignee;
  const text =
    step.action === 'approval' ? (step.prompt ?? step.name ?? `Approve ${step.id}`) : step.instructions;
  const deadline = deadlineOf(draft, step, current);
  emit(draft, {
    id: `${incident.id}:human:${incident.run.number}:${step.id}`,
    kind: 'request-human',
    incidentId: incident.id,
    payload: {
      run: incident.run.number,
      stepId: step.id,
      kind: step.action,
      text,
      ...(who ? { who: { ...who } } : {}),
      people: who ? membersOf(config, who.team, who.role) : [],
      ...(deadline !== undefined ? { deadline } : {}),
    },
  });
  const waitsFor = step.action === 'approval' ? 'approval' : 'a human to mark it done';
  record(draft, 'step-waiting', `step ${step.id} waits for ${waitsFor}`, { stepId: step.id });
}

interface Finish {
  kind: TimelineKind;
  actor: Actor;
  text?: string;
}

/** Marks a step succeeded and opens its guard window; the caller advances the run. */
export function succeedStep(draft: Draft, step: Step, current: StepRecord, finish: Finish): void {
  current.status = 'succeeded';
  current.lastResult = 'succeeded';
  current.finishedAt = draft.now;
  const note = finish.text ? `: ${finish.text}` : '';
  record(
    draft,
    finish.kind,
    `step ${step.id} ${finish.kind === 'approved' ? 'approved' : 'succeeded'}${note}`,
    {
      stepId: step.id,
      actor: finish.actor,
    },
  );
  if (!step.guard) return;
  const run = draft.incident.run.number;
  const until = draft.now + step.guard.within;
  schedule(draft, { kind: 'guard-window', run, stepId: step.id }, until);
  emit(draft, {
    id: `${draft.incident.id}:guard:${run}:${step.id}`,
    kind: 'watch-guard',
    incidentId: draft.incident.id,
    payload: { run, stepId: step.id, signal: step.guard.when, until },
  });
}

/** Marks a step failed for good, then aborts the run or continues per `onFailure` (approvals continue). */
export function failStep(draft: Draft, step: Step, current: StepRecord, finish: Finish): void {
  current.status = 'failed';
  current.finishedAt = draft.now;
  const note = finish.text ? `: ${finish.text}` : '';
  const verb = finish.kind === 'declined' ? 'declined' : 'failed';
  record(draft, finish.kind, `step ${step.id} ${verb}${note}`, { stepId: step.id, actor: finish.actor });
  // A declined or unanswered approval is a decision, not a breakage: later steps test it with `if`.
  const onFailure = step.onFailure ?? (step.action === 'approval' ? 'continue' : 'abort');
  if (onFailure === 'continue') return advance(draft);
  stopRun(draft, 'aborted', `step ${step.id} failed`);
  compensateSteps(draft, 'all', 'abort');
}

function settleAttempt(
  draft: Draft,
  step: Step,
  current: StepRecord,
  outcome: StepResultOutcome,
  detail?: string,
): void {
  current.lastResult = outcome;
  if (detail !== undefined) current.detail = detail;
  else delete current.detail;
  if (outcome === 'succeeded') {
    succeedStep(draft, step, current, {
      kind: 'step-succeeded',
      actor: ENGINE_ACTOR,
      ...(detail ? { text: detail } : {}),
    });
    return advance(draft);
  }
  const retryable = step.action !== 'manual' && step.action !== 'approval' && step.action !== 'rollback';
  if (retryable && current.attempt <= (step.retries ?? 0)) return startStep(draft, step, current);
  failStep(draft, step, current, { kind: 'step-failed', actor: ENGINE_ACTOR, text: detail ?? outcome });
}

/** The shell reports the result of an attempt; results of attempts no longer awaited are ignored. */
export function onStepResult(draft: Draft, event: StepResultEvent): Outcome {
  const current = stepRecord(draft, event.stepId);
  const step = stepDefinition(draft, event.stepId);
  const awaited = current?.status === 'running' && current.attempt === event.attempt;
  if (event.run !== draft.incident.run.number || !awaited || !step || !current) {
    return ignored(`no attempt ${event.attempt} of step ${event.stepId} awaits a result`);
  }
  cancelStepTimeouts(draft, step.id);
  settleAttempt(draft, step, current, event.outcome, event.detail);
  return ok();
}

/** A step attempt ran out of time: it counts as a failed attempt. */
export function onStepTimeout(draft: Draft, timer: Timer): void {
  fire(draft, timer.id);
  if (timer.kind !== 'step-timeout' || timer.run !== draft.incident.run.number) return;
  const current = stepRecord(draft, timer.stepId);
  const step = stepDefinition(draft, timer.stepId);
  const inFlight = current?.status === 'running' || current?.status === 'waiting';
  if (!step || !current || !inFlight || current.attempt !== timer.attempt) return;
  settleAttempt(
    draft,
    step,
    current,
    'timed-out',
    `no result within ${Math.round((step.timeout ?? 0) / 1000)} s`,
  );
}

export function cancelStepTimeouts(draft: Draft, stepId: string): void {
  const run = draft.incident.run.number;
  cancelTimers(draft, (t) => t.kind === 'step-timeout' && t.run === run && t.stepId === stepId);
}
