/**
 * Pure rollup arithmetic shared by every adapter: folding check results into per-minute aggregates, merging
 * aggregates (also of different resolutions), and summarising a window of rows into the figures SLOs and
 * reports use. The tiers themselves (cutoffs, merging to a resolution) are in `rollup-tiers.ts`.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import {
  addToHistogram,
  estimateQuantile,
  mergeHistogramInto,
  type LatencyHistogram,
} from './latency-histogram.js';
import type { CheckRollup } from './store.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** A UTC day: day rows start at midnight UTC, so a day row means the same day on every machine. */
export const DAY_MS = 86_400_000;

/** Epoch ms of the start of the minute containing `epochMs`. */
export function minuteStart(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

/** The aggregate part of a rollup, without the (integration, check, bucket) it belongs to. */
export type RollupAggregate = Omit<CheckRollup, 'integration' | 'check' | 'start' | 'bucketMs'>;

export function emptyAggregate(): RollupAggregate {
  return {
    count: 0,
    failures: 0,
    byClass: {},
    latencySumMs: 0,
    latencyMinMs: Infinity,
    latencyMaxMs: -Infinity,
    histogram: {},
  };
}

/** Adds one result to an aggregate in place. */
export function addResultToAggregate(aggregate: RollupAggregate, result: CheckResult): void {
  aggregate.count += 1;
  if (!result.ok) aggregate.failures += 1;
  aggregate.byClass[result.class] = (aggregate.byClass[result.class] ?? 0) + 1;
  aggregate.latencySumMs += result.latencyMs;
  aggregate.latencyMinMs = Math.min(aggregate.latencyMinMs, result.latencyMs);
  aggregate.latencyMaxMs = Math.max(aggregate.latencyMaxMs, result.latencyMs);
  addToHistogram(aggregate.histogram, result.latencyMs);
}

/**
 * A new aggregate holding both inputs (neither input is changed). Exact for counts, classes, min, max and
 * histograms; the latency sum is a float sum, exact for whole (and binary-fraction) milliseconds.
 */
export function mergeAggregates(a: RollupAggregate, b: RollupAggregate): RollupAggregate {
  const byClass: Partial<Record<FailureClass, number>> = { ...a.byClass };
  for (const [cls, count] of Object.entries(b.byClass) as [FailureClass, number][]) {
    byClass[cls] = (byClass[cls] ?? 0) + count;
  }
  const histogram: LatencyHistogram = { ...a.histogram };
  mergeHistogramInto(histogram, b.histogram);
  return {
    count: a.count + b.count,
    failures: a.failures + b.failures,
    byClass,
    latencySumMs: a.latencySumMs + b.latencySumMs,
    latencyMinMs: Math.min(a.latencyMinMs, b.latencyMinMs),
    latencyMaxMs: Math.max(a.latencyMaxMs, b.latencyMaxMs),
    histogram,
  };
}

/** Key of one rollup row; `\u0000` cannot appear in names read from YAML keys, so keys never collide. */
function rollupKey(integration: string, check: string, minute: number): string {
  return `${integration}\u0000${check}\u0000${minute}`;
}

/** Groups results by (integration, check, minute) and aggregates each group; input order does not matter. */
export function rollUpResults(results: readonly CheckResult[]): CheckRollup[] {
  const rollups = new Map<string, CheckRollup>();
  for (const result of results) {
    const minute = minuteStart(result.startedAt);
    const key = rollupKey(result.integration, result.check, minute);
    let rollup = rollups.get(key);
    if (!rollup) {
      rollup = {
        integration: result.integration,
        check: result.check,
        start: minute,
        bucketMs: MINUTE_MS,
        ...emptyAggregate(),
      };
      rollups.set(key, rollup);
    }
    addResultToAggregate(rollup, result);
  }
  return [...rollups.values()];
}

/** What a window of rollups adds up to. Latency figures are `null` when the window is empty. */
export interface RollupSummary {
  count: number;
  failures: number;
  /** failures / count, or `null` with no results. */
  errorRate: number | null;
  /** Estimated from the latency histograms: within one bucket (~9%) of the exact percentile. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Exact, from the per-row sums and extremes. */
  meanLatencyMs: number | null;
  minLatencyMs: number | null;
  maxLatencyMs: number | null;
  byClass: Partial<Record<FailureClass, number>>;
}

/**
 * Adds rollups (any mix of checks and of minute, hour and day rows) into one summary. Rows of different
 * resolutions never hold the same result, so adding them is exact whatever mix `checkRollups` returned.
 *
 * @example
 * const rows = await store.checkRollups({ integration: 'stripe', since: now - 3_600_000, until: now });
 * const { p95, errorRate } = summariseRollups(rows);
 */
export function summariseRollups(rows: readonly CheckRollup[]): RollupSummary {
  const total = rows.reduce<RollupAggregate>((sum, row) => mergeAggregates(sum, row), emptyAggregate());
  if (total.count === 0) {
    return {
      count: 0,
      failures: 0,
      errorRate: null,
      p50: null,
      p95: null,
      p99: null,
      meanLatencyMs: null,
      minLatencyMs: null,
      maxLatencyMs: null,
      byClass: {},
    };
  }
  const observed = { min: total.latencyMinMs, max: total.latencyMaxMs };
  return {
    count: total.count,
    failures: total.failures,
    errorRate: total.failures / total.count,
    p50: estimateQuantile(total.histogram, 0.5, observed),
    p95: estimateQuantile(total.histogram, 0.95, observed),
    p99: estimateQuantile(total.histogram, 0.99, observed),
    meanLatencyMs: total.latencySumMs / total.count,
    minLatencyMs: total.latencyMinMs,
    maxLatencyMs: total.latencyMaxMs,
    byClass: total.byClass,
  };
}
