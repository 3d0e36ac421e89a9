/**
 * The working copy of one decision. `decide` never mutates its input: it copies the one incident an event concerns
 * into a draft, the concern modules change the draft (timeline, timers, effects) and `changesOf` hands back what
 * changed. Keeping mutation inside a private copy makes the concern modules read like the rules they implement,
 * while the decision as a whole stays a pure function. Everything here costs O(one incident): the incident's
 * timers come from the caller's `TimerIndex` when it has one, never from a walk over every timer.
 */
import type { EngineConfig } from './config.js';
import { assertNever } from './assert-never.js';
import {
  ENGINE_ACTOR,
  type Actor,
  type Effect,
  type EngineState,
  type Incident,
  type StateChanges,
  type TargetKind,
  type TimelineKind,
  type Timer,
  type TimerIndex,
  type TimerRef,
} from './types.js';

export interface Draft {
  readonly config: EngineConfig;
  readonly now: number;
  /** A private deep copy of the incident, changed freely during this decision. */
  readonly incident: Incident;
  /** Timers of the input state (read-only). */
  readonly baseTimers: Readonly<Record<string, Timer>>;
  /** The caller's index of timers by incident; without it, the incident's timers are found by a scan. */
  readonly index: TimerIndex | undefined;
  /** Timers created or changed during this decision, by id. */
  readonly timers: Map<string, Timer>;
  readonly effects: Effect[];
}

export function draftOf(
  config: EngineConfig,
  state: EngineState,
  incident: Incident,
  now: number,
  index?: TimerIndex,
): Draft {
  return {
    config,
    now,
    incident: structuredClone(incident),
    baseTimers: state.timers,
    index,
    timers: new Map(),
    effects: [],
  };
}

/** What the decision changed: the draft's incident and timers, plus the state-wide parts given (a new incident's). */
export function changesOf(
  draft: Draft,
  extra: Pick<StateChanges, 'signatures' | 'nextIncidentNumber'> = {},
): StateChanges {
  return { ...extra, incident: draft.incident, timers: draft.timers };
}

/** Own-property lookup in a state record (ids and signatures come from outside and may be `constructor`). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

interface EntryExtra {
  actor?: Actor;
  stepId?: string;
  target?: TargetKind;
}

/** Appends a timeline entry (who, when, what) to the draft's incident. */
export function record(draft: Draft, kind: TimelineKind, text: string, extra: EntryExtra = {}): void {
  const incident = draft.incident;
  incident.timeline.push({
    at: draft.now,
    actor: extra.actor ?? ENGINE_ACTOR,
    kind,
    text,
    episode: incident.episode,
    ...(extra.stepId !== undefined ? { stepId: extra.stepId } : {}),
    ...(extra.target !== undefined ? { target: extra.target } : {}),
  });
}

/** Adds an effect, once per id within the decision. */
export function emit(draft: Draft, effect: Effect): void {
  if (!draft.effects.some((e) => e.id === effect.id)) draft.effects.push(effect);
}

/** Deterministic timer id: the same incident, episode and purpose always give the same id. */
export function timerId(incidentId: string, ref: TimerRef): string {
  switch (ref.kind) {
    case 'escalation-level':
      return `${incidentId}:escalation:${ref.episode}:${ref.cycle}:${ref.level}`;
    case 'escalation-cycle':
      return `${incidentId}:escalation-cycle:${ref.episode}:${ref.cycle}`;
    case 'target-at-risk':
      return `${incidentId}:target:${ref.episode}:${ref.target}:at-risk`;
    case 'target-breach':
      return `${incidentId}:target:${ref.episode}:${ref.target}:breach`;
    case 'step-timeout':
      return `${incidentId}:step-timeout:${ref.run}:${ref.stepId}:${ref.attempt}`;
    case 'guard-window':
      return `${incidentId}:guard:${ref.run}:${ref.stepId}`;
    default:
      return assertNever(ref, 'timer');
  }
}

export function getTimer(draft: Draft, id: string): Timer | undefined {
  return draft.timers.get(id) ?? own(draft.baseTimers, id);
}

/**
 * Creates a pending timer, or returns the existing one with that id untouched: a timer id is used once, so a
 * fired or cancelled timer is never revived.
 */
export function schedule(draft: Draft, ref: TimerRef, dueAt: number): Timer {
  const id = timerId(draft.incident.id, ref);
  const existing = getTimer(draft, id);
  if (existing) return existing;
  const timer: Timer = { ...ref, id, incidentId: draft.incident.id, dueAt, status: 'pending' };
  draft.timers.set(id, timer);
  return timer;
}

/** Marks a pending timer fired; false if it was not pending. */
export function fire(draft: Draft, id: string): boolean {
  const timer = getTimer(draft, id);
  if (!timer || timer.status !== 'pending') return false;
  draft.timers.set(id, { ...timer, status: 'fired' });
  return true;
}

/** Pending timers of the draft's incident, earliest first (ties by id, like the shell delivers them). */
export function pendingTimers(draft: Draft, match: (timer: Timer) => boolean = () => true): Timer[] {
  const byId = new Map<string, Timer>();
  for (const timer of baseTimersOf(draft)) byId.set(timer.id, timer);
  for (const [id, timer] of draft.timers) byId.set(id, timer);
  return [...byId.values()]
    .filter((t) => t.status === 'pending' && match(t))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Cancels the draft incident's pending timers that match. */
export function cancelTimers(draft: Draft, match: (timer: Timer) => boolean): void {
  for (const timer of pendingTimers(draft, match))
    draft.timers.set(timer.id, { ...timer, status: 'cancelled' });
}

/** The draft incident's timers in the input state: from the index when there is one (O(incident)), else a scan. */
function baseTimersOf(draft: Draft): Timer[] {
  const incidentId = draft.incident.id;
  if (!draft.index) return Object.values(draft.baseTimers).filter((t) => t.incidentId === incidentId);
  const timers: Timer[] = [];
  for (const entry of draft.index.timersOf(incidentId)) {
    // The state is the source of truth: an index entry counts only as the state has that timer.
    const timer = own(draft.baseTimers, entry.id);
    if (timer?.incidentId === incidentId) timers.push(timer);
  }
  return timers;
}
