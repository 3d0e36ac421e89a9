/**
 * Tests of the latency bucket math: boundaries, the layout's resolution, and (as properties) that estimated
 * percentiles land within one bucket of the exact ones and that merging histograms loses nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_COUNT,
  OVERFLOW_BUCKET,
  addToHistogram,
  bucketBounds,
  bucketIndex,
  estimateQuantile,
  histogramTotal,
  mergeHistogramInto,
  type LatencyHistogram,
} from './latency-histogram.js';

function histogramOf(latencies: readonly number[]): LatencyHistogram {
  const histogram: LatencyHistogram = {};
  for (const latency of latencies) addToHistogram(histogram, latency);
  return histogram;
}

/** Nearest-rank percentile of the exact values: what the estimate approximates. */
function exactQuantile(latencies: readonly number[], quantile: number): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[rank - 1] as number;
}

const latencyArb = fc.oneof(
  fc.double({ min: 0, max: 200_000, noNaN: true }),
  fc.integer({ min: 0, max: 5_000 }),
  fc.constantFrom(0, 1, 2, 120_000, 120_194, 250_000),
);

describe('latency buckets', () => {
  it('covers 0..1 ms, 1 ms..~120 s in log steps, and an overflow bucket', () => {
    expect(BUCKET_COUNT).toBe(137);
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.999)).toBe(0);
    expect(bucketIndex(1)).toBe(1);
    expect(bucketIndex(2)).toBe(9);
    expect(bucketIndex(1024)).toBe(81);
    expect(bucketIndex(120_000)).toBe(135);
    expect(bucketIndex(121_000)).toBe(OVERFLOW_BUCKET);
    expect(bucketIndex(1e12)).toBe(OVERFLOW_BUCKET);
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(Number.NaN)).toBe(0);
    expect(bucketBounds(0)).toEqual({ lower: 0, upper: 1 });
    expect(bucketBounds(9)).toEqual({ lower: 2, upper: Math.pow(2, 9 / 8) });
    expect(bucketBounds(OVERFLOW_BUCKET).upper).toBe(Infinity);
    expect(() => bucketBounds(BUCKET_COUNT)).toThrow(RangeError);
  });

  it('makes every log bucket at most ~9.1% wide, each starting where the previous one ends', () => {
    for (let index = 1; index < OVERFLOW_BUCKET; index++) {
      const { lower, upper } = bucketBounds(index);
      expect(upper / lower).toBeCloseTo(Math.pow(2, 1 / 8), 12);
      expect(bucketBounds(index - 1).upper).toBe(lower);
    }
  });

  it('puts every latency inside its bucket’s bounds, even exactly on a boundary', () => {
    const boundaries = Array.from({ length: OVERFLOW_BUCKET }, (_, i) => bucketBounds(i).upper);
    fc.assert(
      fc.property(fc.oneof(latencyArb, fc.constantFrom(...boundaries)), (latency) => {
        const { lower, upper } = bucketBounds(bucketIndex(latency));
        return lower <= latency && latency < upper;
      }),
    );
  });
});

describe('estimateQuantile', () => {
  it('returns null for an empty histogram and rejects quantiles outside 0..1', () => {
    expect(estimateQuantile({}, 0.5)).toBeNull();
    expect(estimateQuantile({ 3: 0 }, 0.5)).toBeNull();
    expect(() => estimateQuantile({ 3: 1 }, 1.5)).toThrow(RangeError);
    expect(() => estimateQuantile({ 3: 1 }, Number.NaN)).toThrow(RangeError);
  });

  it('clamps to the observed range and uses the observed max for the overflow bucket', () => {
    expect(estimateQuantile(histogramOf([500]), 0.5, { min: 500, max: 500 })).toBe(500);
    const slow = histogramOf([130_000, 190_000]);
    const p99 = estimateQuantile(slow, 0.99, { min: 130_000, max: 190_000 }) as number;
    expect(p99).toBeGreaterThan(120_194);
    expect(p99).toBeLessThanOrEqual(190_000);
  });

  it('is within one bucket width of the exact nearest-rank percentile', () => {
    fc.assert(
      fc.property(
        fc.array(latencyArb, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (latencies, quantile) => {
          const exact = exactQuantile(latencies, quantile);
          const observed = { min: Math.min(...latencies), max: Math.max(...latencies) };
          const estimate = estimateQuantile(histogramOf(latencies), quantile, observed) as number;
          const { lower, upper } = bucketBounds(bucketIndex(exact));
          // The overflow bucket is open-ended; the observed max closes it.
          const width = (upper === Infinity ? observed.max : upper) - lower;
          expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(width);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same answer from merged minute histograms as from all values at once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(latencyArb, { maxLength: 20 }), { minLength: 1, maxLength: 10 }),
        (minutes) => {
          const merged: LatencyHistogram = {};
          for (const minute of minutes) mergeHistogramInto(merged, histogramOf(minute));
          const all = minutes.flat();
          expect(merged).toEqual(histogramOf(all));
          expect(histogramTotal(merged)).toBe(all.length);
        },
      ),
    );
  });
});
