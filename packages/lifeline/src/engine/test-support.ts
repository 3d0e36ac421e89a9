/**
 * Test support for the engine (used by the tests only): a fake-clock driver. `runUntil` delivers due timers in
 * (dueAt, id) order, as the shell does, so hours of escalation run in milliseconds; `EngineHarness` keeps the
 * state, the clock and a log of every effect with the time it was emitted, and deep-freezes every state it
 * passes to `decide` so any mutation of an input fails the test.
 */
import type { EngineConfig } from './config.js';
import { decide } from './decide.js';
import { emptyState } from './state.js';
import { nextTimer } from './timers.js';
import type { Decision, Effect, EffectKind, EngineEvent, EngineState, Incident } from './types.js';

/** 2026-01-01T00:00:00Z: the fake clock's start. */
export const T0 = 1_767_225_600_000;
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface TimedEffect {
  at: number;
  effect: Effect;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Delivers every timer due at or before `until`, in order, each at its own due time. */
export function runUntil(
  config: EngineConfig,
  state: EngineState,
  until: number,
): { state: EngineState; effects: TimedEffect[] } {
  let current = state;
  const effects: TimedEffect[] = [];
  for (let next = nextTimer(current); next && next.dueAt <= until; next = nextTimer(current)) {
    const at = next.dueAt;
    const decision = decide(config, deepFreeze(current), { kind: 'timer-due', timerId: next.id }, at);
    current = decision.state;
    effects.push(...decision.effects.map((effect) => ({ at, effect })));
  }
  return { state: current, effects };
}

export class EngineHarness {
  state: EngineState = emptyState();
  now: number;
  readonly log: TimedEffect[] = [];

  constructor(
    readonly config: EngineConfig,
    start = T0,
  ) {
    this.now = start;
  }

  /** Moves the clock to `at` (absolute) delivering the timers due on the way. */
  advanceTo(at: number): TimedEffect[] {
    const { state, effects } = runUntil(this.config, this.state, at);
    this.state = state;
    this.now = Math.max(this.now, at);
    this.log.push(...effects);
    return effects;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): TimedEffect[] {
    return this.advanceTo(this.now + ms);
  }

  /** Applies an event now (after delivering timers due by now). */
  send(event: EngineEvent): Decision {
    this.advanceTo(this.now);
    const decision = decide(this.config, deepFreeze(this.state), event, this.now);
    this.state = decision.state;
    this.log.push(...decision.effects.map((effect) => ({ at: this.now, effect })));
    return decision;
  }

  incident(id = 'INC-1'): Incident {
    const incident = this.state.incidents[id];
    if (!incident) throw new Error(`no incident ${id}`);
    return incident;
  }

  effects(kind?: EffectKind): TimedEffect[] {
    return this.log.filter((e) => kind === undefined || e.effect.kind === kind);
  }
}

/** Minutes since T0 of each logged effect of a kind, for readable expectations. */
export function minutesOf(effects: readonly TimedEffect[], start = T0): number[] {
  return effects.map((e) => (e.at - start) / MINUTE);
}
