/**
 * When to try a failed delivery again: exponential backoff with "equal jitter" (half the delay fixed, half
 * random), so retries of many rows that failed together spread out instead of hitting a recovering receiver in
 * one wave, while every retry still waits at least half its step. A receiver's `Retry-After` replaces the
 * computed delay: it knows when it can take more. When to stop retrying is the dispatcher's rule (attempts and
 * age together, see `outbox-dispatcher.ts` and docs/decisions/006-delivery-retries.md).
 */

export interface BackoffOptions {
  /** Delay after the first failed attempt, before jitter. Default 1 s. */
  baseMs?: number;
  /** Largest delay. Default 5 min. */
  maxMs?: number;
}

export const DEFAULT_BACKOFF_BASE_MS = 1000;
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * @param attempt the attempt that just failed, from 1
 * @param random a number in [0, 1): injectable so tests are deterministic
 * @example retryDelay(3, {}, () => 0.5) // 4 s step → 3,000 ms
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const base = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
  const max = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  const step = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(step / 2 + random() * (step / 2));
  // An absurd Retry-After must not park a row for days.
  return retryAfterMs === undefined ? jittered : Math.max(0, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
