/**
 * Polling a step signal on the daemon's clock: the `wait` action (until its signal holds, or the deadline) and
 * the guard watch (whether a step's guard signal holds before its window closes). Each poll is a pure
 * evaluation over in-memory windows, so polling every second costs next to nothing.
 */
import type { Clock } from '../../checks/scheduler/index.js';
import { throwIfStopping, type ActionOutcome } from './action-context.js';

/** Resolves after `ms` on `clock`, or rejects at once when `signal` aborts. */
export function sleepOn(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal.reason);
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PollOptions {
  clock: Clock;
  signal: AbortSignal;
  pollMs: number;
  /** Stop polling at this epoch ms (inclusive of one last check). */
  until: number;
  holds: () => boolean;
  /** Stop early when this says the poll is no longer wanted (the step moved on). */
  wanted?: () => boolean;
}

/** Polls until `holds()`; true if it held before `until`, false if time ran out or it is no longer wanted. */
export async function pollUntil(options: PollOptions): Promise<boolean> {
  const { clock, signal } = options;
  for (;;) {
    throwIfStopping(signal);
    if (options.wanted && !options.wanted()) return false;
    if (options.holds()) return true;
    const left = options.until - clock.now();
    if (left <= 0) return false;
    await sleepOn(clock, Math.min(options.pollMs, left), signal);
  }
}

/** The `wait` action: succeeded once its signal holds, timed out at the deadline. */
export async function runWait(
  options: Omit<PollOptions, 'until'> & { deadline: number | undefined; timeoutMs: number },
): Promise<ActionOutcome> {
  const until = options.deadline ?? options.clock.now() + options.timeoutMs;
  const held = await pollUntil({ ...options, until });
  return held
    ? { outcome: 'succeeded', detail: 'its signal holds' }
    : {
        outcome: 'timed-out',
        detail: `its signal did not hold within ${Math.round(options.timeoutMs / 1000)} s`,
      };
}
