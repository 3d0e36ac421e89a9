// Property test: random event sequences against the acme workspace never reach an invalid state, never revive a
// timer, never emit an effect id twice, keep response targets consistent, and a duplicated event adds no effects.
// Over the same sequences, `decideChanges` + `applyChanges` is `decide`, and a timer index changes no decision.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace/model.js';
import { loadAcme } from './acme-fixture.js';
import { compileEngineConfig, membersOf, type EngineConfig } from './config.js';
import { applyChanges } from './changes.js';
import { decide, decideChanges } from './decide.js';
import { stateViolations, transitionViolations } from './invariants.js';
import { emptyState } from './state.js';
import { HOUR, MINUTE, T0, deepFreeze } from './test-support.js';
import { dueTimers } from './timers.js';
import type { Decision, EngineEvent, EngineState, Incident, Timer, TimerIndex } from './types.js';

let workspace: Workspace;
let config: EngineConfig;
beforeAll(async () => {
  workspace = await loadAcme();
  config = compileEngineConfig(workspace);
});

const ACTORS = ['alice', 'bob', 'chen', 'dana', 'erin', 'mallory'];
const SIGNATURES = ['sig-a', 'sig-b', 'sig-c'];
const INCIDENT_EVENTS = [
  'success-held',
  'rollback-criteria-held',
  'guard-held',
  'acknowledge',
  'mitigate',
  'resolve',
  'note',
  'assign',
  'mark-attempt',
  'approve',
  'decline',
  'step-done',
  'step-result',
  'condition-evaluated',
  'compensation-result',
] as const;

/** An abstract action, turned into a concrete event against the state at the time it runs. */
type Action =
  | { t: 'advance'; ms: number }
  | { t: 'deliver-due' }
  | { t: 'timer'; pick: number }
  | { t: 'fire'; playbook: number; signature: number }
  | { t: 'clear'; signature: number }
  | { t: 'progress'; which: number }
  | {
      t: 'incident';
      kind: (typeof INCIDENT_EVENTS)[number];
      which: number;
      actor: number;
      pick: number;
      stale: boolean;
    };

const action: fc.Arbitrary<{ action: Action; twice: boolean }> = fc.record({
  action: fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constant('advance' as const),
        ms: fc.constantFrom(1_000, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 3 * HOUR),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ t: fc.constant('deliver-due' as const) }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant('timer' as const), pick: fc.nat() }), weight: 1 },
    {
      arbitrary: fc.record({ t: fc.constant('fire' as const), playbook: fc.nat(), signature: fc.nat() }),
      weight: 3,
    },
    { arbitrary: fc.record({ t: fc.constant('clear' as const), signature: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('progress' as const), which: fc.nat() }), weight: 4 },
    {
      arbitrary: fc.record({
        t: fc.constant('incident' as const),
        // Step results and answers are listed more than once: runs only get far with many of them.
        kind: fc.constantFrom(
          ...INCIDENT_EVENTS,
          'step-result',
          'step-result',
          'step-result',
          'approve',
          'resolve',
        ),
        which: fc.nat(),
        actor: fc.nat(),
        pick: fc.nat(),
        stale: fc.nat({ max: 4 }).map((n) => n === 0),
      }),
      weight: 10,
    },
  ),
  twice: fc.boolean(),
});

function pick<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

function incidentEvent(incident: Incident, a: Extract<Action, { t: 'incident' }>): EngineEvent {
  const incidentId = incident.id;
  const steps = config.playbooks.get(incident.playbookId)?.playbook.steps ?? [];
  const waiting = incident.run.steps.find((s) => s.status === 'waiting');
  const waitingStep = steps.find((s) => s.id === waiting?.stepId);
  const approvers =
    waitingStep?.action === 'approval'
      ? membersOf(config, waitingStep.approvers.team, waitingStep.approvers.role)
      : [];
  // Half the time someone allowed answers an approval, so runs get past it; otherwise anyone (maybe refused).
  const actor = (a.actor % 2 === 0 ? pick(approvers, a.actor) : undefined) ?? pick(ACTORS, a.actor)!;
  // Mostly answer the step that waits, sometimes any step (which must be refused).
  const stepId = (a.pick % 3 !== 0 ? waiting?.stepId : undefined) ?? pick(steps, a.pick)?.id ?? 'none';
  const run = incident.run.number - (a.stale ? 1 : 0);
  const inFlight = incident.run.steps.find((s) => ['running', 'evaluating'].includes(s.status));
  switch (a.kind) {
    case 'success-held':
    case 'rollback-criteria-held':
      return { kind: a.kind, incidentId };
    case 'guard-held': {
      const guarded = steps.find(
        (s) => s.guard && incident.run.steps.some((r) => r.stepId === s.id && r.status === 'succeeded'),
      );
      return { kind: a.kind, incidentId, stepId: (a.pick % 2 === 0 ? guarded?.id : undefined) ?? stepId };
    }
    case 'acknowledge':
    case 'mitigate':
    case 'resolve':
    case 'mark-attempt':
      return { kind: a.kind, incidentId, actor };
    case 'note':
      return { kind: a.kind, incidentId, actor, text: 'a note' };
    case 'assign':
      return { kind: a.kind, incidentId, actor, assignee: actor };
    case 'approve':
    case 'decline':
    case 'step-done':
      return { kind: a.kind, incidentId, stepId, actor };
    case 'step-result': {
      const outcome = pick(['succeeded', 'succeeded', 'failed', 'timed-out'] as const, a.pick)!;
      const target = inFlight?.stepId ?? stepId;
      return {
        kind: a.kind,
        incidentId,
        run,
        stepId: target,
        attempt: (inFlight?.attempt ?? 1) - (a.stale ? 1 : 0),
        outcome,
      };
    }
    case 'condition-evaluated':
      return { kind: a.kind, incidentId, run, stepId: inFlight?.stepId ?? stepId, holds: a.pick % 2 === 0 };
    case 'compensation-result':
      return { kind: a.kind, incidentId, run, stepId, outcome: a.pick % 2 === 0 ? 'succeeded' : 'failed' };
  }
}

/** The event that moves a run forward successfully: a success, a holding condition, an allowed answer. */
function progress(incident: Incident): EngineEvent[] {
  const current = incident.run.steps[incident.run.cursor];
  const step = config.playbooks.get(incident.playbookId)?.playbook.steps[incident.run.cursor];
  if (!current || !step) return [];
  const {
    id: incidentId,
    run: { number: run },
  } = incident;
  const stepId = current.stepId;
  switch (current.status) {
    case 'running':
      return [
        { kind: 'step-result', incidentId, run, stepId, attempt: current.attempt, outcome: 'succeeded' },
      ];
    case 'evaluating':
      return [{ kind: 'condition-evaluated', incidentId, run, stepId, holds: true }];
    case 'waiting': {
      if (step.action !== 'approval') return [{ kind: 'step-done', incidentId, stepId, actor: 'erin' }];
      const actor = membersOf(config, step.approvers.team, step.approvers.role)[0] ?? 'nobody';
      return [{ kind: 'approve', incidentId, stepId, actor }];
    }
    default:
      return [];
  }
}

/** The concrete events an action stands for (several when it delivers every due timer). */
function eventsOf(state: EngineState, now: number, a: Action): EngineEvent[] {
  switch (a.t) {
    case 'advance':
      return [];
    case 'deliver-due':
      return dueTimers(state, now).map((t) => ({ kind: 'timer-due', timerId: t.id }));
    case 'timer': {
      const timer = pick(Object.keys(state.timers).sort(), a.pick);
      return timer ? [{ kind: 'timer-due', timerId: timer }] : [];
    }
    case 'fire': {
      const playbook = pick(workspace.playbooks, a.playbook)!;
      const signature = pick(SIGNATURES, a.signature)!;
      return [
        {
          kind: 'signal-fired',
          playbookId: playbook.id,
          signature,
          values: { value: '42' },
          checks: ['payments-charges-up'],
        },
      ];
    }
    case 'clear':
      return [{ kind: 'signal-cleared', signature: pick(SIGNATURES, a.signature)! }];
    case 'progress': {
      const incident = pick(
        Object.values(state.incidents).filter((i) => i.run.status === 'running'),
        a.which,
      );
      return incident ? progress(incident) : [];
    }
    case 'incident': {
      // Answers and results mostly go to incidents whose run is waiting for one, as they would in real life.
      const all = Object.values(state.incidents);
      const running = all.filter((i) => i.run.status === 'running');
      const stepEvent = ['step-result', 'condition-evaluated', 'approve', 'decline', 'step-done'].includes(
        a.kind,
      );
      const incident = pick(stepEvent && running.length > 0 && a.which % 4 !== 0 ? running : all, a.which);
      return incident ? [incidentEvent(incident, a)] : [];
    }
  }
}

/** Targets set up by this decision (new incident or new episode) use the severity's response targets. */
function targetsFromSeverity(before: EngineState, after: EngineState): string[] {
  const problems: string[] = [];
  for (const incident of Object.values(after.incidents)) {
    const old = before.incidents[incident.id];
    if (old && old.episode === incident.episode) continue;
    const respond = config.severities.get(incident.severity)?.respond ?? {};
    for (const target of incident.targets) {
      if (target.durationMs !== respond[target.kind]) problems.push(`${incident.id} ${target.kind} duration`);
      const atRisk = target.startedAt + Math.round(target.durationMs * config.atRiskFraction);
      if (target.atRiskAt !== atRisk) problems.push(`${incident.id} ${target.kind} at-risk time`);
    }
  }
  return problems;
}

function check(before: EngineState, event: EngineEvent, now: number, seen: Set<string>): Decision {
  const decision = decide(config, deepFreeze(before), event, now);
  const after = decision.state;
  expect(stateViolations(after)).toEqual([]);
  expect(transitionViolations(before, after)).toEqual([]);
  expect(targetsFromSeverity(before, after)).toEqual([]);
  if (decision.outcome.kind !== 'ok') {
    expect(after).toBe(before);
    expect(decision.effects).toEqual([]);
  }
  if (event.kind === 'timer-due' && before.timers[event.timerId]?.status !== 'pending') {
    expect(decision.outcome.kind).toBe('ignored');
  }
  for (const effect of decision.effects) {
    expect(seen.has(effect.id), `effect ${effect.id} emitted twice`).toBe(false);
    seen.add(effect.id);
  }
  return decision;
}

describe('decide over random event sequences (acme)', () => {
  it('keeps every invariant', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 5, maxLength: 60, size: 'max' }), (actions) => {
        let state = emptyState();
        let now = T0;
        const seen = new Set<string>();
        for (const { action: a, twice } of actions) {
          if (a.t === 'advance') now += a.ms;
          for (const event of eventsOf(state, now, a)) {
            state = check(state, event, now, seen).state;
            if (!twice) continue;
            const again = check(state, event, now, seen);
            expect(again.effects, `${event.kind} applied twice`).toEqual([]);
            state = again.state;
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * An index as a caller may keep it, lazily cleaned: every timer of the incident (settled ones too), plus stale
 * copies that still say pending. The engine must trust only the state for what an entry is.
 */
function indexOf(state: EngineState): TimerIndex {
  const byIncident = new Map<string, Timer[]>();
  for (const timer of Object.values(state.timers)) {
    const list = byIncident.get(timer.incidentId) ?? [];
    list.push(timer);
    if (timer.status !== 'pending') list.push({ ...timer, status: 'pending' });
    list.push({ ...timer, id: `${timer.id}:gone` });
    byIncident.set(timer.incidentId, list);
  }
  return { timersOf: (incidentId) => byIncident.get(incidentId) ?? [] };
}

describe('decideChanges over random event sequences (acme)', () => {
  it('applied with applyChanges gives exactly the decision of decide, with a timer index or without', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 5, maxLength: 60, size: 'max' }), (actions) => {
        let state = emptyState();
        let now = T0;
        for (const { action: a, twice } of actions) {
          if (a.t === 'advance') now += a.ms;
          for (const event of [...eventsOf(state, now, a), ...(twice ? eventsOf(state, now, a) : [])]) {
            const whole = decide(config, state, event, now);
            const scanned = decideChanges(config, deepFreeze(state), event, now);
            const indexed = decideChanges(config, state, event, now, indexOf(state));
            expect(indexed).toEqual(scanned);
            const { changes, ...rest } = scanned;
            expect(changes !== undefined).toBe(scanned.outcome.kind === 'ok');
            expect({ state: changes ? applyChanges(state, changes) : state, ...rest }).toEqual(whole);
            // The changes are one incident's: its record and its own timers.
            for (const timer of changes?.timers.values() ?? [])
              expect(timer.incidentId).toBe(changes?.incident.id);
            state = whole.state;
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
