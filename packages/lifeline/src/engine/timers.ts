/**
 * Durable timers: routing a due timer to the concern that owns it, catching up timers that fell due while the
 * daemon was down, and the queries the shell schedules its wake-ups with. Timers are delivered in (dueAt, id)
 * order; one that is not pending any more is a no-op.
 */
import { assertNever } from './assert-never.js';
import { fire, pendingTimers, type Draft } from './draft.js';
import { onEscalationTimer } from './escalation.js';
import { onTargetTimer } from './response-targets.js';
import { onStepTimeout } from './steps.js';
import type { EngineState, Timer } from './types.js';

/** Upper bound of timers one decision catches up (a policy has at most 11 cycles of a few levels). */
const MAX_CATCH_UP = 1_000;

/** Handles a due, pending timer of the draft's incident. Always leaves the timer fired or cancelled. */
export function onTimer(draft: Draft, timer: Timer): void {
  switch (timer.kind) {
    case 'escalation-level':
    case 'escalation-cycle':
      onEscalationTimer(draft, timer);
      break;
    case 'target-at-risk':
    case 'target-breach':
      onTargetTimer(draft, timer);
      break;
    case 'step-timeout':
      onStepTimeout(draft, timer);
      break;
    case 'guard-window':
      // The window closed without the guard holding: the step is trusted from now on.
      fire(draft, timer.id);
      break;
    default:
      assertNever(timer, 'timer');
  }
}

/**
 * Fires the incident's timers that fell due strictly before now, in order, so an event is decided against the
 * state it would have met had every timer been on time (an acknowledgement after the deadline is late, even if
 * the daemon was down when the deadline passed).
 */
export function catchUp(draft: Draft): void {
  for (let i = 0; i < MAX_CATCH_UP; i++) {
    const next = pendingTimers(draft, (t) => t.dueAt < draft.now)[0];
    if (!next) return;
    onTimer(draft, next);
  }
}

function byDue(a: Timer, b: Timer): number {
  return a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Pending timers due at or before `now`, in the order the shell must deliver them. This and `nextTimer` scan every
 * timer: they are for tests and tools (`plan`); the daemon's shell keeps its own due-ordered `TimerQueue`.
 */
export function dueTimers(state: EngineState, now: number): Timer[] {
  return Object.values(state.timers)
    .filter((t) => t.status === 'pending' && t.dueAt <= now)
    .sort(byDue);
}

/** The earliest pending timer, for the shell's next wake-up; undefined when nothing is pending. */
export function nextTimer(state: EngineState): Timer | undefined {
  return Object.values(state.timers)
    .filter((t) => t.status === 'pending')
    .sort(byDue)[0];
}
