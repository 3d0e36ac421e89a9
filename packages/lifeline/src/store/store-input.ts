/**
 * Input handling every adapter shares, so they accept and reject exactly the same things: store options,
 * check results about to be recorded, page limits, rollup resolutions and the opaque pagination cursor.
 */
import { FAILURE_CLASSES, type CheckResult, type FailureClass } from '../checks/check-result.js';
import { StoreError } from './store-error.js';
import { isRollupBucketMs } from './rollup-tiers.js';
import {
  DEFAULT_HOUR_RETENTION_DAYS,
  DEFAULT_MINUTE_RETENTION_HOURS,
  DEFAULT_PAGE_LIMIT,
  DEFAULT_RAW_RESULTS_PER_CHECK,
  DEFAULT_ROLLUP_RETENTION_DAYS,
  MAX_PAGE_LIMIT,
  type RollupBucketMs,
  type StoreOptions,
} from './store.js';

export interface ResolvedStoreOptions {
  rawResultsPerCheck: number;
  minuteRetentionHours: number;
  hourRetentionDays: number;
  rollupRetentionDays: number;
  now: () => number;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new StoreError('store-invalid-input', `${name} must be a number > 0`, { cause: { [name]: value } });
  }
  return value;
}

/** Applies defaults and rejects nonsensical tuning with `store-invalid-input`. */
export function resolveStoreOptions(options: StoreOptions): ResolvedStoreOptions {
  const rawResultsPerCheck = options.rawResultsPerCheck ?? DEFAULT_RAW_RESULTS_PER_CHECK;
  if (!Number.isSafeInteger(rawResultsPerCheck) || rawResultsPerCheck < 1) {
    throw new StoreError('store-invalid-input', `rawResultsPerCheck must be a whole number ≥ 1`, {
      cause: { rawResultsPerCheck },
    });
  }
  const minuteRetentionHours = positive(
    'minuteRetentionHours',
    options.minuteRetentionHours ?? DEFAULT_MINUTE_RETENTION_HOURS,
  );
  const hourRetentionDays = positive(
    'hourRetentionDays',
    options.hourRetentionDays ?? DEFAULT_HOUR_RETENTION_DAYS,
  );
  const rollupRetentionDays = positive(
    'rollupRetentionDays',
    options.rollupRetentionDays ?? DEFAULT_ROLLUP_RETENTION_DAYS,
  );
  // A finer tier kept longer than a coarser one would fold rows straight past the coarser tier's retention:
  // almost certainly a unit mistake (hours vs days), so it is refused rather than guessed at.
  if (minuteRetentionHours > hourRetentionDays * 24 || hourRetentionDays > rollupRetentionDays) {
    throw new StoreError(
      'store-invalid-input',
      'retention must not shrink towards coarser tiers: minuteRetentionHours ≤ hourRetentionDays × 24 and ' +
        'hourRetentionDays ≤ rollupRetentionDays',
      { cause: { minuteRetentionHours, hourRetentionDays, rollupRetentionDays } },
    );
  }
  return {
    rawResultsPerCheck,
    minuteRetentionHours,
    hourRetentionDays,
    rollupRetentionDays,
    now: options.now ?? Date.now,
  };
}

const KNOWN_CLASSES = new Set<string>(FAILURE_CLASSES);

/** Why one result cannot be stored, or `undefined` when it can. */
function problemWith(result: CheckResult): string | undefined {
  if (typeof result !== 'object' || result === null) return 'is not an object';
  if (typeof result.integration !== 'string' || result.integration === '') return 'has no integration';
  if (typeof result.check !== 'string' || result.check === '') return 'has no check';
  if (typeof result.ok !== 'boolean') return 'has no boolean `ok`';
  if (!KNOWN_CLASSES.has(result.class)) return `has unknown class ${JSON.stringify(result.class)}`;
  if (!Number.isFinite(result.startedAt)) return 'has no finite `startedAt`';
  if (!Number.isFinite(result.latencyMs) || result.latencyMs < 0) return 'has no finite `latencyMs` ≥ 0';
  return undefined;
}

/** Rejects the whole batch (nothing is written) if any result could not be stored or rolled up. */
export function validateCheckResults(results: readonly CheckResult[]): void {
  if (!Array.isArray(results)) {
    throw new StoreError('store-invalid-input', 'recordCheckResults expects an array of check results', {
      cause: { received: typeof results },
    });
  }
  const problems: { index: number; problem: string }[] = [];
  results.forEach((result, index) => {
    const problem = problemWith(result);
    if (problem) problems.push({ index, problem });
  });
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new StoreError(
      'store-invalid-input',
      `check result ${first.index} ${first.problem}${more}; nothing was recorded`,
      { cause: { problems } },
    );
  }
}

/** The class filter as a list, or `undefined` for no filter; unknown classes are rejected. */
export function classFilter(
  value: FailureClass | readonly FailureClass[] | undefined,
): FailureClass[] | undefined {
  if (value === undefined) return undefined;
  const classes: FailureClass[] = typeof value === 'string' ? [value] : [...value];
  const unknown = classes.filter((cls) => !KNOWN_CLASSES.has(cls));
  if (unknown.length > 0) {
    throw new StoreError('store-invalid-input', `unknown failure class ${unknown.join(', ')}`, {
      cause: { unknown },
    });
  }
  return classes;
}

/** Default 100; above 1000 means 1000; anything but a whole number ≥ 1 is rejected. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new StoreError('store-invalid-input', `limit must be a whole number ≥ 1`, { cause: { limit } });
  }
  return Math.min(limit, MAX_PAGE_LIMIT);
}

/** Rejects a `since`/`until` that is present but not a finite number. */
export function timeBound(name: 'since' | 'until', value: number | undefined): number | undefined {
  if (value !== undefined && !Number.isFinite(value)) {
    throw new StoreError('store-invalid-input', `${name} must be epoch milliseconds`, {
      cause: { [name]: value },
    });
  }
  return value;
}

/** The `now` of a compaction: the caller's epoch ms if given (it must be finite), else the store's clock. */
export function compactionTime(now: number | undefined, clock: () => number): number {
  const time = now ?? clock();
  if (!Number.isFinite(time)) {
    throw new StoreError('store-invalid-input', 'compactRollups needs `now` in epoch milliseconds', {
      cause: { now: time },
    });
  }
  return time;
}

/** A query's `resolution`: absent, or one of the three rollup bucket sizes. */
export function rollupResolution(value: unknown): RollupBucketMs | undefined {
  if (value === undefined) return undefined;
  if (!isRollupBucketMs(value)) {
    throw new StoreError(
      'store-invalid-input',
      'resolution must be 60000 (minute), 3600000 (hour) or 86400000 (day)',
      {
        cause: { resolution: value },
      },
    );
  }
  return value;
}

/** Where a page ended: the last item's `startedAt` and numeric id. */
export interface CursorPosition {
  startedAt: number;
  id: number;
}

const CURSOR_VERSION = 'v1';

/** Opaque to callers; versioned so the format can change without misreading old cursors. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${CURSOR_VERSION}:${position.startedAt}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [version, startedAtText, idText, ...rest] = text.split(':');
  const startedAt = Number(startedAtText);
  const id = Number(idText);
  if (
    version !== CURSOR_VERSION ||
    rest.length > 0 ||
    startedAtText === '' ||
    !Number.isFinite(startedAt) ||
    !Number.isSafeInteger(id)
  ) {
    throw new StoreError('store-invalid-cursor', 'the cursor is not one this store issued', {
      cause: { cursor },
    });
  }
  return { startedAt, id };
}
