/**
 * Conformance cases for minute rollups as results are written: aggregation within and across minutes and
 * batches, window queries, and percentile summaries computed from stored histograms. The coarser tiers and
 * their compaction are in `rollup-tiers.cases.ts`.
 */
import { describe, expect, it } from 'vitest';
import { bucketBounds, bucketIndex, histogramTotal } from '../latency-histogram.js';
import { summariseRollups } from '../rollups.js';
import { MINUTE, SECOND, T0, expectStoreError, makeResult, type StoreHarness } from './fixtures.js';

/** Asserts an estimate is inside the histogram bucket holding the exact value: off by less than its width. */
function expectWithinBucketOf(estimate: number | null, exact: number): void {
  const { lower, upper } = bucketBounds(bucketIndex(exact));
  expect(estimate).not.toBeNull();
  expect(Math.abs((estimate as number) - exact)).toBeLessThanOrEqual(upper - lower);
}

export function describeRollupCases(harness: StoreHarness): void {
  describe('checkRollups', () => {
    it('aggregates results per minute: counts, failures, classes, latency and histogram', async () => {
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0, latencyMs: 100 }),
        makeResult({ startedAt: T0 + 10 * SECOND, latencyMs: 300, class: 'timeout' }),
        makeResult({ startedAt: T0 + MINUTE - 1, latencyMs: 50 }),
        makeResult({ startedAt: T0 + MINUTE, latencyMs: 2000, class: 'credential' }),
      ]);
      const rows = await harness.store.checkRollups({ integration: 'stripe' });
      expect(rows).toHaveLength(2);
      const [first, second] = rows;
      expect(first).toMatchObject({
        integration: 'stripe',
        check: 'charges',
        start: T0,
        bucketMs: MINUTE,
        count: 3,
        failures: 1,
        byClass: { ok: 2, timeout: 1 },
        latencySumMs: 450,
        latencyMinMs: 50,
        latencyMaxMs: 300,
      });
      expect(first?.histogram).toEqual({
        [bucketIndex(100)]: 1,
        [bucketIndex(300)]: 1,
        [bucketIndex(50)]: 1,
      });
      expect(second).toMatchObject({
        start: T0 + MINUTE,
        bucketMs: MINUTE,
        count: 1,
        failures: 1,
        byClass: { credential: 1 },
      });
      expect(second?.histogram).toEqual({ [bucketIndex(2000)]: 1 });
    });

    it('merges later batches into the same minute', async () => {
      await harness.store.recordCheckResults([makeResult({ startedAt: T0 + SECOND, latencyMs: 10 })]);
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 + 30 * SECOND, latencyMs: 10, class: 'slow' }),
        makeResult({ startedAt: T0 + 40 * SECOND, latencyMs: 900 }),
      ]);
      const rows = await harness.store.checkRollups({ integration: 'stripe' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        count: 3,
        failures: 1,
        byClass: { ok: 2, slow: 1 },
        latencySumMs: 920,
        latencyMinMs: 10,
        latencyMaxMs: 900,
      });
      expect(rows[0]?.histogram).toEqual({ [bucketIndex(10)]: 2, [bucketIndex(900)]: 1 });
    });

    it('keeps one row per check, filters by integration and check, orders by minute then check', async () => {
      await harness.store.recordCheckResults([
        makeResult({ check: 'refunds', startedAt: T0 + MINUTE }),
        makeResult({ check: 'refunds', startedAt: T0 }),
        makeResult({ check: 'charges', startedAt: T0 + MINUTE }),
        makeResult({ integration: 'twilio', check: 'charges', startedAt: T0 }),
      ]);
      const all = await harness.store.checkRollups({ integration: 'stripe' });
      expect(all.map((row) => [row.start - T0, row.check])).toEqual([
        [0, 'refunds'],
        [MINUTE, 'charges'],
        [MINUTE, 'refunds'],
      ]);
      const refunds = await harness.store.checkRollups({ integration: 'stripe', check: 'refunds' });
      expect(refunds.map((row) => row.start - T0)).toEqual([0, MINUTE]);
      expect(await harness.store.checkRollups({ integration: 'nobody' })).toEqual([]);
    });

    it('returns the minutes overlapping [since, until)', async () => {
      await harness.store.recordCheckResults(
        Array.from({ length: 5 }, (_, i) => makeResult({ startedAt: T0 + i * MINUTE + 5 * SECOND })),
      );
      const minutes = async (since?: number, until?: number) =>
        (
          await harness.store.checkRollups({
            integration: 'stripe',
            ...(since === undefined ? {} : { since }),
            ...(until === undefined ? {} : { until }),
          })
        ).map((row) => (row.start - T0) / MINUTE);
      expect(await minutes()).toEqual([0, 1, 2, 3, 4]);
      expect(await minutes(T0 + MINUTE + 30 * SECOND, T0 + 3 * MINUTE)).toEqual([1, 2]);
      expect(await minutes(T0 + MINUTE, T0 + 3 * MINUTE + 1)).toEqual([1, 2, 3]);
      expect(await minutes(T0 + 3 * MINUTE)).toEqual([3, 4]);
      expect(await minutes(undefined, T0 + MINUTE)).toEqual([0]);
      expect(await minutes(T0 + 10 * MINUTE)).toEqual([]);
    });

    it('rejects a query without an integration', async () => {
      await expectStoreError(
        harness.store.checkRollups({} as Parameters<typeof harness.store.checkRollups>[0]),
        'store-invalid-input',
      );
    });
  });

  describe('summariseRollups over stored rollups', () => {
    it('estimates percentiles within one bucket and adds up counts exactly across minutes', async () => {
      // Latencies 1..200 ms spread over 10 minutes and two checks; every 10th one fails.
      const latencies = Array.from({ length: 200 }, (_, i) => i + 1);
      await harness.store.recordCheckResults(
        latencies.map((latencyMs, i) =>
          makeResult({
            check: Math.floor(i / 10) % 2 === 0 ? 'charges' : 'refunds',
            startedAt: T0 + (i % 10) * MINUTE + i,
            latencyMs,
            ...(i % 10 === 0 ? { ok: false, class: 'server-error' as const } : {}),
          }),
        ),
      );
      const rows = await harness.store.checkRollups({
        integration: 'stripe',
        since: T0,
        until: T0 + 10 * MINUTE,
      });
      expect(rows).toHaveLength(20);
      expect(rows.reduce((sum, row) => sum + histogramTotal(row.histogram), 0)).toBe(200);

      const summary = summariseRollups(rows);
      expect(summary.count).toBe(200);
      expect(summary.failures).toBe(20);
      expect(summary.errorRate).toBeCloseTo(0.1, 10);
      expect(summary.byClass).toEqual({ ok: 180, 'server-error': 20 });
      expect(summary.minLatencyMs).toBe(1);
      expect(summary.maxLatencyMs).toBe(200);
      expect(summary.meanLatencyMs).toBeCloseTo(100.5, 10);
      expectWithinBucketOf(summary.p50, 100);
      expectWithinBucketOf(summary.p95, 190);
      expectWithinBucketOf(summary.p99, 198);
      expect(summary.p50! < summary.p95! && summary.p95! <= summary.p99!).toBe(true);
    });
  });
}
