/**
 * Fixed log-scale latency buckets shared by every store adapter: per-minute rollups keep a sparse count per
 * bucket, so percentiles over any window are estimated by adding the minute histograms together.
 *
 * The layout is persisted in rollup rows, so it must never change in place: a different layout needs a new
 * `LATENCY_HISTOGRAM_LAYOUT` and a migration that rewrites (or drops) the old rollups.
 */

/** Identifies the bucket layout below; bump it (with a migration) if the layout ever changes. */
export const LATENCY_HISTOGRAM_LAYOUT = 'log2-8-1ms-120s';

/**
 * Eight buckets per doubling makes each bucket about 9% wide: an estimated p95 of 800 ms is off by at most
 * ~70 ms, finer than anyone sets a latency target, while a minute with a couple of results stays a few bytes.
 */
export const BUCKETS_PER_DOUBLING = 8;

/** Number of log-scale buckets between 1 ms and ~120 s (2^(135/8) ≈ 120,194 ms). */
const LOG_BUCKETS = Math.ceil(Math.log2(120_000) * BUCKETS_PER_DOUBLING);

/** Bucket 0 is [0, 1 ms); buckets 1..LOG_BUCKETS are log-scale; the last bucket holds everything slower. */
export const OVERFLOW_BUCKET = LOG_BUCKETS + 1;
export const BUCKET_COUNT = LOG_BUCKETS + 2;

/** `UPPER_BOUNDS[i]` is the exclusive upper bound of bucket `i` (the overflow bucket has none). */
const UPPER_BOUNDS: readonly number[] = Array.from({ length: LOG_BUCKETS + 1 }, (_, i) =>
  Math.pow(2, i / BUCKETS_PER_DOUBLING),
);

/**
 * Sparse bucket counts: bucket index → number of results in it. Buckets with no results are absent, which
 * keeps a typical minute (one or two results) to a handful of bytes as JSON.
 */
export type LatencyHistogram = Record<number, number>;

/** Lower (inclusive) and upper (exclusive) bound of a bucket in ms; the overflow bucket's upper is Infinity. */
export function bucketBounds(index: number): { lower: number; upper: number } {
  if (!Number.isInteger(index) || index < 0 || index > OVERFLOW_BUCKET) {
    throw new RangeError(`latency bucket ${index} is outside 0..${OVERFLOW_BUCKET}`);
  }
  const lower = index === 0 ? 0 : (UPPER_BOUNDS[index - 1] as number);
  const upper = index === OVERFLOW_BUCKET ? Infinity : (UPPER_BOUNDS[index] as number);
  return { lower, upper };
}

/** The bucket a latency falls in. Negative and NaN latencies count as the fastest bucket. */
export function bucketIndex(latencyMs: number): number {
  if (!(latencyMs >= 1)) return 0;
  if (latencyMs >= (UPPER_BOUNDS[LOG_BUCKETS] as number)) return OVERFLOW_BUCKET;
  let index = Math.floor(Math.log2(latencyMs) * BUCKETS_PER_DOUBLING) + 1;
  // log2 rounding can land one bucket off right at a boundary; the bounds table is the source of truth.
  while (index > 1 && latencyMs < (UPPER_BOUNDS[index - 1] as number)) index--;
  while (latencyMs >= (UPPER_BOUNDS[index] as number)) index++;
  return index;
}

/** Adds one latency to a histogram in place. */
export function addToHistogram(histogram: LatencyHistogram, latencyMs: number, count = 1): void {
  const index = bucketIndex(latencyMs);
  histogram[index] = (histogram[index] ?? 0) + count;
}

/** Adds `source` into `target` in place (merging minutes into a window). */
export function mergeHistogramInto(target: LatencyHistogram, source: LatencyHistogram): void {
  for (const [key, count] of Object.entries(source)) {
    const index = Number(key);
    target[index] = (target[index] ?? 0) + count;
  }
}

/** Total number of latencies counted in a histogram. */
export function histogramTotal(histogram: LatencyHistogram): number {
  let total = 0;
  for (const count of Object.values(histogram)) total += count;
  return total;
}

/**
 * Estimates the `quantile` (0..1) latency from bucket counts, using the nearest-rank definition (the value at
 * rank ceil(q·n) of the sorted latencies). The estimate interpolates inside the bucket that holds that rank, so
 * it is always within that bucket: off by less than one bucket width. `observed` (the true min and max, which
 * rollups keep exactly) tightens the estimate and bounds the open-ended overflow bucket.
 *
 * @example estimateQuantile({ 50: 3, 60: 1 }, 0.95, { min: 20, max: 190 })
 */
export function estimateQuantile(
  histogram: LatencyHistogram,
  quantile: number,
  observed?: { min: number; max: number },
): number | null {
  if (!(quantile >= 0 && quantile <= 1)) throw new RangeError(`quantile ${quantile} is outside 0..1`);
  const indexes = Object.keys(histogram)
    .map(Number)
    .filter((index) => (histogram[index] ?? 0) > 0)
    .sort((a, b) => a - b);
  const total = indexes.reduce((sum, index) => sum + (histogram[index] ?? 0), 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let seen = 0;
  for (const index of indexes) {
    const count = histogram[index] ?? 0;
    if (seen + count < rank) {
      seen += count;
      continue;
    }
    const { lower, upper } = bucketBounds(index);
    const top = upper === Infinity ? (observed?.max ?? lower) : upper;
    // Spread the bucket's values evenly across it and take the middle of the slot the rank falls in.
    const estimate = lower + ((top - lower) * (rank - seen - 0.5)) / count;
    if (!observed) return estimate;
    return Math.min(Math.max(estimate, observed.min), observed.max);
  }
  return null;
}
