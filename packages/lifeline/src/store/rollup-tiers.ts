/**
 * The rollup tiers every adapter shares: where a compaction draws its lines for a given `now`, and how rows of
 * finer tiers are merged into a coarser resolution when a query asks for one. Pure, so the SQLite and
 * PostgreSQL adapters fold, keep and merge exactly the same rows.
 */
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  emptyAggregate,
  mergeAggregates,
  type RollupAggregate,
} from './rollups.js';
import type { CheckRollup, CompactionCutoffs, RollupBucketMs } from './store.js';

/** Every rollup resolution, finest first. */
export const ROLLUP_BUCKETS: readonly RollupBucketMs[] = [MINUTE_MS, HOUR_MS, DAY_MS];

export function isRollupBucketMs(value: unknown): value is RollupBucketMs {
  return (ROLLUP_BUCKETS as readonly unknown[]).includes(value);
}

/** Epoch ms of the start of the bucket of width `bucketMs` containing `epochMs` (UTC, also before 1970). */
export function bucketStart(epochMs: number, bucketMs: number): number {
  return Math.floor(epochMs / bucketMs) * bucketMs;
}

/** How long each tier is kept, as resolved store options carry it. */
export interface TierRetention {
  minuteRetentionHours: number;
  hourRetentionDays: number;
  rollupRetentionDays: number;
}

/**
 * The cutoffs of a compaction at `now`, each rounded down to a whole bucket of the tier rows are folded into
 * (or, for retention, to a whole UTC day). So only complete hours and days are folded: a minute row is kept at
 * least `minuteRetentionHours` and at most an hour longer, and an hour still filling is never folded. Deleting
 * whole days means a row's fate never depends on whether it was folded yet: a late minute row in a kept day is
 * kept, and a report over the whole retention starts with a full day.
 */
export function compactionCutoffs(now: number, retention: TierRetention): CompactionCutoffs {
  return {
    minute: bucketStart(now - retention.minuteRetentionHours * HOUR_MS, HOUR_MS),
    hour: bucketStart(now - retention.hourRetentionDays * DAY_MS, DAY_MS),
    retention: bucketStart(now - retention.rollupRetentionDays * DAY_MS, DAY_MS),
  };
}

/**
 * Orders strings by Unicode code point, which is what SQLite's BINARY collation does on UTF-8; JavaScript's
 * `<` compares UTF-16 units and would disagree on characters beyond U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** The order `checkRollups` promises: by start, then check name (code points), then finer rows first. */
export function compareRollups(a: CheckRollup, b: CheckRollup): number {
  return (
    a.start - b.start ||
    compareCodePoints(a.integration, b.integration) ||
    compareCodePoints(a.check, b.check) ||
    a.bucketMs - b.bucketMs
  );
}

/** The range a query with a `resolution` reads: [since, until) widened to whole buckets of that size. */
export function widenToResolution(
  since: number | undefined,
  until: number | undefined,
  resolution: RollupBucketMs,
): { since: number | undefined; until: number | undefined } {
  return {
    since: since === undefined ? undefined : bucketStart(since, resolution),
    until: until === undefined ? undefined : Math.ceil(until / resolution) * resolution,
  };
}

/**
 * Merges rows finer than `resolution` into buckets of that size, per (integration, check), together with any
 * row of exactly that size in the same bucket; coarser rows pass through. Returns rows in `compareRollups`
 * order. Merging only adds, so `summariseRollups` of the output equals that of the input.
 */
export function mergeToResolution(rows: readonly CheckRollup[], resolution: RollupBucketMs): CheckRollup[] {
  const merged = new Map<string, CheckRollup>();
  const output: CheckRollup[] = [];
  for (const row of rows) {
    if (row.bucketMs > resolution) {
      output.push(row);
      continue;
    }
    const start = bucketStart(row.start, resolution);
    const key = `${row.integration}\u0000${row.check}\u0000${start}`;
    const previous = merged.get(key);
    const aggregate: RollupAggregate = previous
      ? mergeAggregates(previous, row)
      : mergeAggregates(emptyAggregate(), row);
    merged.set(key, {
      integration: row.integration,
      check: row.check,
      start,
      bucketMs: resolution,
      ...aggregate,
    });
  }
  output.push(...merged.values());
  return output.sort(compareRollups);
}
