/**
 * Shared pieces of the scheduler tests: a minimal CheckResult, and run functions that take fake time (finish
 * after a delay, honour or ignore their signal), so each test reads as a timeline.
 */
import type { CheckResult } from '../check-result.js';
import type { Clock } from './clock.js';

/** A passing result of `check`, started at `startedAt`. */
export function okResult(check: string, startedAt: number, scheduledAt: number, latencyMs = 0): CheckResult {
  return {
    integration: 'acme',
    check,
    kind: 'http',
    ok: true,
    class: 'ok',
    status: 200,
    latencyMs,
    signature: `acme:${check}:ok`,
    message: 'ok',
    startedAt,
    scheduledAt,
    attempts: 1,
  };
}

/** A timeout result, as a check kind produces when its signal aborts. */
export function timeoutResult(check: string, startedAt: number, latencyMs: number): CheckResult {
  return {
    ...okResult(check, startedAt, startedAt, latencyMs),
    ok: false,
    class: 'timeout',
    status: undefined,
  };
}

export type RunFn = (signal: AbortSignal, scheduledAt: number) => Promise<CheckResult>;

/**
 * A run that takes `latencyMs` of clock time and resolves ok; if its signal aborts first, it resolves with a
 * timeout result `cleanupMs` later (a real check would close its socket), or rejects when `rejectOnAbort`.
 */
export function timedRun(
  clock: Clock,
  check: string,
  latencyMs: number,
  options: { cleanupMs?: number; rejectOnAbort?: boolean; onStart?: (at: number) => void } = {},
): RunFn {
  return (signal, scheduledAt) => {
    const startedAt = clock.now();
    options.onStart?.(startedAt);
    return new Promise<CheckResult>((resolve, reject) => {
      const done = clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(okResult(check, startedAt, scheduledAt, latencyMs));
      }, latencyMs);
      const onAbort = (): void => {
        clock.clearTimeout(done);
        clock.setTimeout(() => {
          if (options.rejectOnAbort) reject(signal.reason);
          else resolve(timeoutResult(check, startedAt, clock.now() - startedAt));
        }, options.cleanupMs ?? 0);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  };
}

/** A run that never settles and ignores its signal: the misbehaving kind the scheduler must survive. */
export function hangingRun(onStart?: (signal: AbortSignal) => void): RunFn {
  return (signal) => {
    onStart?.(signal);
    return new Promise<CheckResult>(() => {});
  };
}
