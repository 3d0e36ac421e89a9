/**
 * Why the scheduler ended a run early. Recognised by `name` (they reach check kinds as `signal.reason` and
 * callers through `onError`), following the platform: a timeout aborts with a `TimeoutError` exactly like
 * `AbortSignal.timeout`, a cancellation (check removed, scheduler stopped) with an `AbortError`.
 */

/** The reason a run's signal carries when its check's timeout elapsed. */
export function timeoutReason(checkId: string, timeoutMs: number): DOMException {
  return new DOMException(`check ${checkId} timed out after ${timeoutMs} ms`, 'TimeoutError');
}

/** The reason a run's signal carries when the scheduler no longer wants its result. */
export function cancelReason(checkId: string, why: 'removed' | 'stopped'): DOMException {
  const message =
    why === 'removed'
      ? `check ${checkId} was removed from the schedule`
      : `the scheduler stopped (check ${checkId})`;
  return new DOMException(message, 'AbortError');
}

/**
 * A run ignored its aborted signal for too long. The scheduler stops waiting for it, frees its host slot and
 * lets the check run again at its next slot; whatever the run settles with later is dropped.
 */
export class RunAbandonedError extends Error {
  override readonly name = 'RunAbandonedError';
  readonly code = 'run-abandoned';
  constructor(
    readonly checkId: string,
    readonly waitedMs: number,
  ) {
    super(
      `check ${checkId} still running ${waitedMs} ms after it was aborted; abandoned (the run ignores its signal)`,
    );
  }
}
