/**
 * What the scheduler is given for each check, and the check of a whole schedule before it replaces the current
 * one: every problem is listed at once and nothing changes if there is any.
 */
import { ConfigError } from '../../errors.js';
import type { CheckResult } from '../check-result.js';

/** One check as the scheduler sees it: when, where, how long at most, and what to call. */
export interface ScheduleEntry {
  /** The check id, unique within one `schedule` call; its hash fixes the check's phase. */
  id: string;
  /** The concurrency key, `host:port` of what the check calls. */
  host: string;
  /** Positive integer milliseconds between slots. */
  intervalMs: number;
  /** When the run's signal aborts, counted from the actual start. */
  timeoutMs: number;
  /** Performs one run. Should settle soon after `signal` aborts (with a `timeout` result or a rejection). */
  run: (signal: AbortSignal, scheduledAt: number) => Promise<CheckResult>;
}

/** Throws `ConfigError` (code `invalid-schedule`) naming every problem in `entries`. */
export function validateEntries(entries: readonly ScheduleEntry[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const label = entry.id === '' ? '(empty id)' : `check ${entry.id}`;
    if (entry.id === '') problems.push('a check has an empty id');
    else if (seen.has(entry.id)) problems.push(`${label} is scheduled twice`);
    seen.add(entry.id);
    if (entry.host === '') problems.push(`${label} has an empty host`);
    if (!Number.isSafeInteger(entry.intervalMs) || entry.intervalMs < 1) {
      problems.push(`${label}: intervalMs must be a positive integer, got ${entry.intervalMs}`);
    }
    if (!Number.isFinite(entry.timeoutMs) || entry.timeoutMs <= 0) {
      problems.push(`${label}: timeoutMs must be a positive number, got ${entry.timeoutMs}`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError('invalid-schedule', `invalid schedule: ${problems.join('; ')}`);
  }
}
