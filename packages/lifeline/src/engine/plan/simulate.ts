/**
 * The plan's window on the real engine: it opens the incident a playbook's trigger would open by sending
 * `decide` a simulated `signal-fired`, then drives it with a fake clock and scripted answers. Three drives:
 * nobody responds (every timer delivered in order: the escalation and response-target timeline), everything
 * succeeds (the happy path, whose effects give each step's rendered text, people and deadlines), and every
 * combination of step outcomes (which steps some run can start at all). Nothing is re-derived here: what the
 * plan says about time, people and order is what `decide` did.
 */
import { membersOf, type EngineConfig } from '../config.js';
import { decide } from '../decide.js';
import { emptyState } from '../state.js';
import { nextTimer } from '../timers.js';
import type { Effect, EngineEvent, EngineState, Incident, MeasuredValues, StepRecord } from '../types.js';

/** The fake clock's start: 2026-01-01T00:00:00Z. Plans report offsets from it. */
export const PLAN_T0 = 1_767_225_600_000;

/** Upper bound of timers one drive delivers (a policy has at most 11 cycles of a few levels). */
const MAX_TIMERS = 10_000;

export interface Opened {
  state: EngineState;
  incident: Incident;
  effects: Effect[];
}

export interface SimulatedTrigger {
  playbookId: string;
  values: MeasuredValues;
  checks: string[];
  signal?: string;
}

/** The incident the trigger opens at {@link PLAN_T0}; undefined when the engine does not know the playbook. */
export function openSimulatedIncident(config: EngineConfig, trigger: SimulatedTrigger): Opened | undefined {
  const decision = decide(
    config,
    emptyState(),
    {
      kind: 'signal-fired',
      playbookId: trigger.playbookId,
      signature: `plan:${trigger.playbookId}`,
      values: trigger.values,
      checks: trigger.checks,
      ...(trigger.signal !== undefined ? { signal: trigger.signal } : {}),
    },
    PLAN_T0,
  );
  const incident = decision.incidentId ? decision.state.incidents[decision.incidentId] : undefined;
  if (decision.outcome.kind !== 'ok' || !incident) return undefined;
  return { state: decision.state, incident, effects: decision.effects };
}

export interface TimedEffect {
  at: number;
  effect: Effect;
}

/**
 * No person responds: nobody acknowledges, approves or marks a step done, while the machines do their part
 * (automated steps succeed, conditions hold). Every timer is delivered at its due time, in order, until none is
 * left, so the escalation runs all its cycles and every response target breaches.
 */
export function driveUnanswered(
  config: EngineConfig,
  opened: Opened,
): { incident: Incident; effects: TimedEffect[] } {
  const id = opened.incident.id;
  let state = opened.state;
  const effects: TimedEffect[] = opened.effects.map((effect) => ({ at: PLAN_T0, effect }));
  for (let i = 0; i < MAX_TIMERS; i++) {
    const record = currentStep(state.incidents[id]!);
    const choice =
      record?.status === 'running' || record?.status === 'evaluating'
        ? choicesOf(config, state.incidents[id]!)[0]
        : undefined;
    if (choice) {
      const at = latestTime(state, id);
      const next = apply(config, state, id, choice);
      if (next.state !== state) {
        state = next.state;
        effects.push(...next.effects.map((effect) => ({ at, effect })));
        continue;
      }
    }
    const timer = nextTimer(state);
    if (!timer) break;
    const decision = decide(config, state, { kind: 'timer-due', timerId: timer.id }, timer.dueAt);
    state = decision.state;
    effects.push(...decision.effects.map((effect) => ({ at: timer.dueAt, effect })));
  }
  return { incident: state.incidents[id] ?? opened.incident, effects };
}

/** One way the step in flight can end, as the events that say so. */
interface Choice {
  kind: 'succeed' | 'fail' | 'timeout' | 'holds' | 'does-not-hold';
  events: (state: EngineState) => { event: EngineEvent; at: number } | undefined;
}

function currentStep(incident: Incident): StepRecord | undefined {
  return incident.run.status === 'running' ? incident.run.steps[incident.run.cursor] : undefined;
}

/** The ways the step in flight can end, in happy-path order (success first). */
function choicesOf(config: EngineConfig, incident: Incident): Choice[] {
  const record = currentStep(incident);
  const step = config.playbooks.get(incident.playbookId)?.playbook.steps.find((s) => s.id === record?.stepId);
  if (!record || !step) return [];
  const incidentId = incident.id;
  const run = incident.run.number;
  const { stepId } = record;
  const timeout: Choice = {
    kind: 'timeout',
    events: (state) => {
      const timer = Object.values(state.timers).find(
        (t) => t.kind === 'step-timeout' && t.status === 'pending' && t.run === run && t.stepId === stepId,
      );
      return timer && { event: { kind: 'timer-due', timerId: timer.id }, at: timer.dueAt };
    },
  };
  const at = (state: EngineState) => latestTime(state, incidentId);
  switch (record.status) {
    case 'running': {
      const result = (outcome: 'succeeded' | 'failed') => (state: EngineState) => {
        const current = state.incidents[incidentId]?.run.steps.find((s) => s.stepId === stepId);
        if (current?.status !== 'running') return undefined;
        const event: EngineEvent = {
          kind: 'step-result',
          incidentId,
          run,
          stepId,
          attempt: current.attempt,
          outcome,
        };
        return { event, at: at(state) };
      };
      return [
        { kind: 'succeed', events: result('succeeded') },
        { kind: 'fail', events: result('failed') },
      ];
    }
    case 'waiting': {
      if (step.action !== 'approval' && step.action !== 'manual') return [];
      const choices: Choice[] = [];
      const who = step.action === 'approval' ? step.approvers : step.assignee;
      const person = who ? membersOf(config, who.team, who.role)[0] : 'planner';
      if (person !== undefined) {
        const answer = (kind: 'approve' | 'decline' | 'step-done') => (state: EngineState) => {
          const current = state.incidents[incidentId]?.run.steps.find((s) => s.stepId === stepId);
          if (current?.status !== 'waiting') return undefined;
          return { event: { kind, incidentId, stepId, actor: person } satisfies EngineEvent, at: at(state) };
        };
        if (step.action === 'approval') {
          choices.push({ kind: 'succeed', events: answer('approve') });
          choices.push({ kind: 'fail', events: answer('decline') });
        } else {
          choices.push({ kind: 'succeed', events: answer('step-done') });
        }
      }
      if (step.timeout !== undefined) choices.push(timeout);
      return choices;
    }
    case 'evaluating': {
      const evaluated = (holds: boolean) => (state: EngineState) => ({
        event: { kind: 'condition-evaluated', incidentId, run, stepId, holds } satisfies EngineEvent,
        at: at(state),
      });
      return [
        { kind: 'holds', events: evaluated(true) },
        { kind: 'does-not-hold', events: evaluated(false) },
      ];
    }
    default:
      return [];
  }
}

/** The latest time the incident has seen, so answers never go back in time after a timeout. */
function latestTime(state: EngineState, incidentId: string): number {
  const timeline = state.incidents[incidentId]?.timeline ?? [];
  return timeline.reduce((latest, entry) => Math.max(latest, entry.at), PLAN_T0);
}

interface Applied {
  state: EngineState;
  effects: Effect[];
}

/** Applies a choice; a failure is repeated while the step retries, so "fail" means every attempt fails. */
function apply(config: EngineConfig, state: EngineState, incidentId: string, choice: Choice): Applied {
  const stepId = currentStep(state.incidents[incidentId]!)?.stepId;
  let current = state;
  const effects: Effect[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const next = choice.events(current);
    if (!next) break;
    const decision = decide(config, current, next.event, next.at);
    if (decision.outcome.kind !== 'ok') break;
    current = decision.state;
    effects.push(...decision.effects);
    const after = currentStep(current.incidents[incidentId]!);
    if (choice.kind !== 'fail' || after?.stepId !== stepId || after?.status !== 'running') break;
  }
  return { state: current, effects };
}

export interface HappyPath {
  incident: Incident;
  effects: Effect[];
  /** Id of the step the run waits on for ever (an approval nobody can give, without a timeout). */
  stuckAt?: string;
}

/** The run where every step succeeds and every condition holds, as far as it can go. */
export function driveHappyPath(config: EngineConfig, opened: Opened): HappyPath {
  let state = opened.state;
  const id = opened.incident.id;
  const effects = [...opened.effects];
  for (let i = 0; i < 1_000; i++) {
    const incident = state.incidents[id]!;
    const choice = choicesOf(config, incident)[0];
    if (!choice) {
      const stuck = currentStep(incident);
      return { incident, effects, ...(stuck ? { stuckAt: stuck.stepId } : {}) };
    }
    const next = apply(config, state, id, choice);
    if (next.state === state) break;
    state = next.state;
    effects.push(...next.effects);
  }
  const incident = state.incidents[id]!;
  const stuck = currentStep(incident);
  return { incident, effects, ...(stuck ? { stuckAt: stuck.stepId } : {}) };
}

export interface Reachability {
  /** False when the exploration stopped at `maxPaths` before trying every combination. */
  complete: boolean;
  /** Steps some run started. */
  started: Set<string>;
  /** Steps some run got to (started or skipped). */
  reached: Set<string>;
  /** Distinct run endings walked. */
  paths: number;
  /** The first request or action effect of each step seen in any run. */
  firstEffects: Map<string, Effect>;
}

/**
 * Tries every way each step can end (success, failure after every retry, decline, timeout, condition true or
 * false) and records which steps some run starts. Runs that reach the same step with the same step statuses
 * behave the same from there on, so they are walked once.
 */
export function exploreRuns(config: EngineConfig, opened: Opened, maxPaths: number): Reachability {
  const id = opened.incident.id;
  const result: Reachability = {
    complete: true,
    started: new Set(),
    reached: new Set(),
    paths: 0,
    firstEffects: new Map(),
  };
  const seen = new Set<string>();
  const note = (state: EngineState, effects: readonly Effect[]) => {
    for (const record of state.incidents[id]!.run.steps) {
      if (record.status !== 'pending') result.reached.add(record.stepId);
      if (record.attempt > 0) result.started.add(record.stepId);
    }
    for (const effect of effects) {
      const stepId = stepOfEffect(effect);
      if (stepId !== undefined && !result.firstEffects.has(stepId)) result.firstEffects.set(stepId, effect);
    }
  };
  const walk = (state: EngineState): void => {
    if (result.paths >= maxPaths) {
      result.complete = false;
      return;
    }
    const incident = state.incidents[id]!;
    const record = currentStep(incident);
    const key = `${incident.run.cursor}|${record?.status}|${incident.run.steps.map((s) => s.status).join(',')}`;
    if (seen.has(key)) return;
    seen.add(key);
    const choices = choicesOf(config, incident);
    if (choices.length === 0) {
      result.paths += 1;
      return;
    }
    for (const choice of choices) {
      const next = apply(config, state, id, choice);
      if (next.state === state) {
        result.paths += 1;
        continue;
      }
      note(next.state, next.effects);
      walk(next.state);
    }
  };
  note(opened.state, opened.effects);
  walk(opened.state);
  return result;
}

/** The step an effect asks for, when it is a step's action or request. */
export function stepOfEffect(effect: Effect): string | undefined {
  switch (effect.kind) {
    case 'run-action':
    case 'request-human':
      return effect.payload.stepId;
    default:
      return undefined;
  }
}
