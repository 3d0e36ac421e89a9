/**
 * The check scheduler: fixed-rate runs on a stable phase per check, one timer for the whole schedule, per-host
 * concurrency limits, timeouts via AbortSignal, lag measured for every run. See `scheduler.ts`.
 */
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export { firstDueAt, hashId, missedSlots, nextDueAt, stableOffset } from './due-time.js';
export { FakeClock } from './fake-clock.js';
export type { LagSummary } from './lag-recorder.js';
export { RunAbandonedError, cancelReason, timeoutReason } from './run-errors.js';
export type { ScheduleEntry } from './schedule-entry.js';
export {
  DEFAULT_ABANDON_AFTER_MS,
  DEFAULT_MAX_PER_HOST,
  Scheduler,
  type RunContext,
  type SchedulerOptions,
  type SchedulerStats,
} from './scheduler.js';
