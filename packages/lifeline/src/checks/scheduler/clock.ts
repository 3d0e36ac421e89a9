/**
 * The clock the scheduler reads time from and arms timers with. Injected, never taken from globals, so tests
 * drive hours of scheduling with a fake clock in milliseconds of real time (see `fake-clock.ts`).
 */

/** Whatever `setTimeout` returned; only ever handed back to the same clock's `clearTimeout`. */
export type TimerHandle = unknown;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
