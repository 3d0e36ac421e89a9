/**
 * The wait between retries: abortable (shutdown and the caller's signal end it at once) and injectable, so
 * tests assert what the runner waited for without waiting.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const abortableSleep: Sleep = async (ms, signal) => {
  if (ms <= 0 || signal?.aborted === true) return;
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch {
    // Aborted: the caller looks at its signal.
  }
};
