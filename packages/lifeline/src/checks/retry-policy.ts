/**
 * Class-aware retries. A failure that another attempt cannot fix — a refused credential, a 4xx, a failed
 * assertion, schema drift, a slow answer — is never retried: retrying a revoked key only adds noise (and may
 * lock the account). Timeouts, unreachable hosts and 5xx are retried with exponential backoff. A 429 waits for
 * Retry-After before its retry; when the vendor asks for longer than the check's interval, the run ends
 * rate-limited instead (the next scheduled run is the retry) rather than retrying early into another 429.
 */
import type { FailureClass } from './check-result.js';
import type { CheckOutcome } from './check-kind.js';

/** Wait before the first retry when the check declares no `retries.backoff`. */
export const DEFAULT_BACKOFF_MS = 1000;

const RETRIABLE: ReadonlySet<FailureClass> = new Set([
  'timeout',
  'unreachable',
  'server-error',
  'rate-limited',
]);

export function isRetriable(failure: FailureClass): boolean {
  return RETRIABLE.has(failure);
}

export interface RetrySettings {
  /** Extra attempts after the first. */
  attempts: number;
  backoffMs: number;
  /** No single wait is longer than this (the check's interval). */
  maxWaitMs: number;
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined when there is no retry.
 * @param attempt attempts made so far (1 after the first).
 * @example
 *   retryDelay({ class: 'server-error', message: '' }, 1, { attempts: 3, backoffMs: 500, maxWaitMs: 60_000 }) // 500
 *   retryDelay({ class: 'server-error', message: '' }, 2, { attempts: 3, backoffMs: 500, maxWaitMs: 60_000 }) // 1000
 */
export function retryDelay(
  outcome: CheckOutcome,
  attempt: number,
  settings: RetrySettings,
): number | undefined {
  if (!isRetriable(outcome.class) || attempt > settings.attempts) return undefined;
  if (outcome.class === 'rate-limited' && outcome.retryAfterMs !== undefined) {
    return outcome.retryAfterMs <= settings.maxWaitMs ? outcome.retryAfterMs : undefined;
  }
  return Math.min(settings.backoffMs * 2 ** (attempt - 1), settings.maxWaitMs);
}
