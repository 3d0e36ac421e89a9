/**
 * Carries out the outbox rows that are not messages, and feeds what happened back to the engine through
 * `applyEvent`: a `run-action` attempt → `step-result`, a `compensate` → `compensation-result`, an
 * `evaluate-condition` → `condition-evaluated`, a `watch-guard` → `guard-held` if the guard signal holds before
 * its window closes. A row whose step no longer waits for it (the attempt timed out, the run ended while the
 * daemon was down) is settled without running anything.
 */
import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import type { CheckResult } from '../checks/check-result.js';
import type { Clock } from '../checks/scheduler/index.js';
import type {
  CompensatePayload,
  EngineEvent,
  EngineState,
  EvaluateConditionPayload,
  RunActionPayload,
  WatchGuardPayload,
} from '../engine/index.js';
// The guard window's timer id, as the engine names it: the watch ends when that timer is no longer pending.
import { timerId } from '../engine/draft.js';
import { NonRetriableError } from '../errors.js';
import type { OutboxRow } from '../store/engine-records.js';
import type { Playbook, Signal, Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import { traceStep, type TracedStep } from '../telemetry/spans.js';
import type { Tracing } from '../telemetry/tracing.js';
import {
  executeAction,
  type ActionContext,
  type ActionOutcome,
  type ClientModeDocument,
} from './actions/index.js';
import { pollUntil } from './actions/wait-action.js';
import type { StepSignalUse } from '../engine/signals/index.js';

export interface EffectExecutorDeps {
  clock: Clock;
  workspace: () => Workspace;
  state: () => EngineState;
  applyEvent: (event: EngineEvent) => Promise<unknown>;
  runCheck: (checkId: string, signal: AbortSignal) => Promise<CheckResult | undefined>;
  setClientMode: (document: ClientModeDocument, signal: AbortSignal) => Promise<void>;
  signalHolds: (
    incidentId: string,
    playbook: Playbook,
    stepId: string,
    use: StepSignalUse,
    signal: Signal,
  ) => boolean;
  pollMs: number;
  env?: Readonly<Record<string, string | undefined>>;
  http?: Dispatcher;
  /** Each step attempt and compensation carried out in a `step <playbook>/<step>` span. */
  tracing?: Tracing;
}

type Receipt = Record<string, unknown>;

export function createEffectExecutor(
  deps: EffectExecutorDeps,
): (row: OutboxRow, signal: AbortSignal) => Promise<Receipt> {
  const skipped = (why: string): Receipt => ({ skipped: why });

  function playbookOf(incidentId: string): Playbook | undefined {
    const incident = deps.state().incidents[incidentId];
    return incident && deps.workspace().playbooks.find((p) => p.id === incident.playbookId);
  }

  function context(
    row: OutboxRow,
    playbook: Playbook,
    stepId: string,
    signal: AbortSignal,
    deadline?: number,
  ): ActionContext {
    const workspace = deps.workspace();
    const declaration = workspace.declarations.get(`playbook:${playbook.id}`);
    const baseDir = declaration ? dirname(declaration.absoluteFile) : workspace.dir;
    return {
      workspace,
      playbook,
      incidentId: row.incidentId,
      stepId,
      clock: deps.clock,
      signal,
      ...(deadline !== undefined ? { deadline } : {}),
      ...(deps.env ? { env: deps.env } : {}),
      resolveSecret: (ref) => resolveSecret(ref, { baseDir, ...(deps.env ? { env: deps.env } : {}) }),
      runCheck: deps.runCheck,
      setClientMode: deps.setClientMode,
      signalHolds: (watched) => deps.signalHolds(row.incidentId, playbook, stepId, 'until', watched),
      pollMs: deps.pollMs,
      ...(deps.http ? { http: deps.http } : {}),
    };
  }

  function traced(
    step: Omit<TracedStep, 'incidentId'>,
    row: OutboxRow,
    run: () => Promise<ActionOutcome>,
  ): Promise<ActionOutcome> {
    return deps.tracing ? traceStep(deps.tracing, { ...step, incidentId: row.incidentId }, run) : run();
  }

  async function runAction(row: OutboxRow, signal: AbortSignal): Promise<Receipt> {
    const payload = row.payload as RunActionPayload;
    const awaited = () => {
      const run = deps.state().incidents[row.incidentId]?.run;
      const record =
        run?.number === payload.run ? run.steps.find((s) => s.stepId === payload.stepId) : undefined;
      return record?.status === 'running' && record.attempt === payload.attempt;
    };
    const playbook = playbookOf(row.incidentId);
    if (!awaited() || !playbook) return skipped('the step no longer awaits this attempt');
    const result = await traced(
      {
        playbookId: playbook.id,
        stepId: payload.stepId,
        action: payload.step.action,
        attempt: payload.attempt,
      },
      row,
      () => executeAction(payload.step, context(row, playbook, payload.stepId, signal, payload.deadline)),
    );
    const { run, stepId, attempt } = payload;
    await deps.applyEvent({
      kind: 'step-result',
      incidentId: row.incidentId,
      run,
      stepId,
      attempt,
      ...result,
    });
    return { ...result };
  }

  async function compensate(row: OutboxRow, signal: AbortSignal): Promise<Receipt> {
    const payload = row.payload as CompensatePayload;
    const incident = deps.state().incidents[row.incidentId];
    const record =
      incident?.run.number === payload.run
        ? incident.run.steps.find((s) => s.stepId === payload.stepId)
        : undefined;
    const playbook = playbookOf(row.incidentId);
    if (!record?.compensation || record.compensation.outcome !== undefined || !playbook) {
      return skipped('the compensation was already reported');
    }
    const result = await traced(
      { playbookId: playbook.id, stepId: payload.stepId, action: payload.action.action, compensation: true },
      row,
      () => executeAction(payload.action, context(row, playbook, payload.stepId, signal)),
    );
    const outcome = result.outcome === 'succeeded' ? 'succeeded' : 'failed';
    const { run, stepId } = payload;
    await deps.applyEvent({
      kind: 'compensation-result',
      incidentId: row.incidentId,
      run,
      stepId,
      outcome,
      ...(result.detail !== undefined ? { detail: result.detail } : {}),
    });
    return { outcome, ...(result.detail !== undefined ? { detail: result.detail } : {}) };
  }

  async function evaluateCondition(row: OutboxRow): Promise<Receipt> {
    const payload = row.payload as EvaluateConditionPayload;
    const playbook = playbookOf(row.incidentId);
    const record = deps.state().incidents[row.incidentId]?.run.steps.find((s) => s.stepId === payload.stepId);
    if (!playbook || record?.status !== 'evaluating') return skipped('the step awaits no condition');
    const holds = deps.signalHolds(row.incidentId, playbook, payload.stepId, 'if', payload.signal);
    const { run, stepId } = payload;
    await deps.applyEvent({ kind: 'condition-evaluated', incidentId: row.incidentId, run, stepId, holds });
    return { holds };
  }

  async function watchGuard(row: OutboxRow, signal: AbortSignal): Promise<Receipt> {
    const payload = row.payload as WatchGuardPayload;
    const playbook = playbookOf(row.incidentId);
    if (!playbook) return skipped('the incident is no longer loaded');
    const guardTimer = timerId(row.incidentId, {
      kind: 'guard-window',
      run: payload.run,
      stepId: payload.stepId,
    });
    const held = await pollUntil({
      clock: deps.clock,
      signal,
      pollMs: deps.pollMs,
      until: payload.until,
      holds: () => deps.signalHolds(row.incidentId, playbook, payload.stepId, 'guard', payload.signal),
      wanted: () => deps.state().timers[guardTimer]?.status === 'pending',
    });
    if (held)
      await deps.applyEvent({ kind: 'guard-held', incidentId: row.incidentId, stepId: payload.stepId });
    return { held };
  }

  return async (row, signal) => {
    switch (row.kind) {
      case 'run-action':
        return runAction(row, signal);
      case 'compensate':
        return compensate(row, signal);
      case 'evaluate-condition':
        return evaluateCondition(row);
      case 'watch-guard':
        return watchGuard(row, signal);
      default:
        throw new NonRetriableError(`outbox rows of kind ${row.kind} are not carried out by this version`);
    }
  };
}
