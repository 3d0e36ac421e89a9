/**
 * Per-minute result counts for windows longer than the rolling windows keep (burn rates over 1 h and 6 h, error
 * rates over long windows). Only the keys a workspace's signals ask for are tracked, each for the longest window
 * asked of it, so memory follows the workspace and not the number of checks. Warmed from the store's minute
 * rollups on start, so a restarted daemon does not need six hours to see a slow burn again.
 */
import type { FailureClass } from '../checks/check-result.js';
import { MINUTE_MS } from '../store/index.js';

interface Minute {
  count: number;
  failures: number;
  byClass: Partial<Record<FailureClass, number>>;
}

interface Tracked {
  windowMs: number;
  minutes: Map<number, Minute>;
}

export class MinuteCounts {
  private readonly keys = new Map<string, Tracked>();

  /** Tracks exactly these window keys with their longest window from now on; counts of kept keys stay. */
  track(windows: ReadonlyMap<string, number>): void {
    for (const key of [...this.keys.keys()]) if (!windows.has(key)) this.keys.delete(key);
    for (const [key, windowMs] of windows) {
      const tracked = this.keys.get(key);
      if (tracked) tracked.windowMs = windowMs;
      else this.keys.set(key, { windowMs, minutes: new Map() });
    }
  }

  /** Whether `key` is tracked for at least `windowMs`. */
  covers(key: string, windowMs: number): boolean {
    return (this.keys.get(key)?.windowMs ?? 0) >= windowMs;
  }

  /** Adds `count` results (of which `failures` failed) at `at` to a tracked key; untracked keys are ignored. */
  add(
    key: string,
    at: number,
    count: number,
    failures: number,
    byClass: Partial<Record<FailureClass, number>>,
  ): void {
    const tracked = this.keys.get(key);
    if (!tracked || count <= 0) return;
    const index = Math.floor(at / MINUTE_MS);
    const minute = tracked.minutes.get(index) ?? { count: 0, failures: 0, byClass: {} };
    minute.count += count;
    minute.failures += failures;
    for (const [klass, n] of Object.entries(byClass) as [FailureClass, number][]) {
      minute.byClass[klass] = (minute.byClass[klass] ?? 0) + n;
    }
    tracked.minutes.set(index, minute);
    const oldest = index - Math.ceil(tracked.windowMs / MINUTE_MS);
    for (const kept of tracked.minutes.keys()) if (kept < oldest) tracked.minutes.delete(kept);
  }

  /** Results and failures over the whole minutes overlapping `[now - windowMs, now]`. */
  totals(
    key: string,
    windowMs: number,
    now: number,
    classes?: readonly FailureClass[],
  ): { count: number; failures: number } {
    const tracked = this.keys.get(key);
    if (!tracked) return { count: 0, failures: 0 };
    const last = Math.floor(now / MINUTE_MS);
    const first = Math.floor((now - windowMs) / MINUTE_MS);
    let count = 0;
    let failures = 0;
    for (const [index, minute] of tracked.minutes) {
      if (index < first || index > last) continue;
      count += minute.count;
      failures += classes
        ? classes.reduce((sum, klass) => sum + (minute.byClass[klass] ?? 0), 0)
        : minute.failures;
    }
    return { count, failures };
  }
}
