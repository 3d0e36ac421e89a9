/** The clocks the engine benchmark runs its shells on. */
import type { Clock } from '../../packages/lifeline/dist/checks/scheduler/index.js';

/**
 * A clock that reads the time the benchmark set. Its timers never go off: nothing falls due while phase 1 runs,
 * and the started shell still re-arms after every commit, as in the daemon.
 */
export function plannedClock(): Clock & { set(at: number): void } {
  let at = 0;
  return {
    now: () => at,
    set: (value) => (at = value),
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
  };
}

/** The system clock moved by a constant: real time passing, real timers, a different epoch. */
export function shiftedClock(offsetMs: number): Clock {
  return {
    now: () => Date.now() + offsetMs,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/**
 * A clock standing at `at` (real timers): a restart then finds exactly the timers due by `at` overdue, rather than
 * also those of the dense window that fall due while it rebuilds.
 */
export function stoppedClock(at: number): Clock {
  return { ...shiftedClock(0), now: () => at };
}
