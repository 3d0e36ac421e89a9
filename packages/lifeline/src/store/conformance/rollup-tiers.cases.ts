/**
 * Conformance cases for the rollup tiers: compaction of minute rows into hours and of hours into UTC days
 * (exact, idempotent, only whole buckets), retention of the oldest rows, queries over mixed tiers and merging to
 * a resolution on the fly. Times come from the fake clock injected into the store, never the real one.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../checks/check-result.js';
import { compactionCutoffs, mergeToResolution } from '../rollup-tiers.js';
import { summariseRollups } from '../rollups.js';
import {
  DEFAULT_HOUR_RETENTION_DAYS,
  DEFAULT_MINUTE_RETENTION_HOURS,
  DEFAULT_ROLLUP_RETENTION_DAYS,
  type CheckRollupQuery,
  type RollupBucketMs,
} from '../store.js';
import {
  DAY,
  HOUR,
  MINUTE,
  SECOND,
  T0,
  expectStoreError,
  makeResult,
  type StoreHarness,
} from './fixtures.js';

const DEFAULT_RETENTION = {
  minuteRetentionHours: DEFAULT_MINUTE_RETENTION_HOURS,
  hourRetentionDays: DEFAULT_HOUR_RETENTION_DAYS,
  rollupRetentionDays: DEFAULT_ROLLUP_RETENTION_DAYS,
};
const MINUTE_RETENTION = DEFAULT_MINUTE_RETENTION_HOURS * HOUR;
const HOUR_RETENTION = DEFAULT_HOUR_RETENTION_DAYS * DAY;
const ROLLUP_RETENTION = DEFAULT_ROLLUP_RETENTION_DAYS * DAY;

/**
 * One result per check (`charges`, `refunds`) at each time, with latencies spread over many histogram buckets
 * and some failures. Latencies are multiples of 0.5 ms, so float sums are exact whatever order they add in.
 */
function resultsAt(times: readonly number[]): CheckResult[] {
  return times.flatMap((startedAt, i) =>
    ['charges', 'refunds'].map((check, j) =>
      makeResult({
        check,
        startedAt,
        latencyMs: 5 + ((i * 37 + j * 101) % 997) * 2.5,
        ...(i % 5 === j ? { class: 'timeout' as const } : {}),
      }),
    ),
  );
}

/** Several results in a few minutes of each of the given hours (epoch ms of the hour's start). */
function inHours(hours: readonly number[]): number[] {
  return hours.flatMap((hour) => [
    hour + 10 * SECOND,
    hour + 40 * SECOND,
    hour + 7 * MINUTE,
    hour + 59 * MINUTE,
  ]);
}

export function describeRollupTierCases(harness: StoreHarness): void {
  const rows = (query: Partial<CheckRollupQuery> = {}) =>
    harness.store.checkRollups({ integration: 'stripe', ...query });
  const shape = async (query: Partial<CheckRollupQuery> = {}) =>
    (await rows(query)).map((row) => [row.start - T0, row.bucketMs, row.check]);

  describe('compactRollups: minutes into hours', () => {
    it('folds the minutes of every whole hour older than the minute retention into exact hour rows', async () => {
      await harness.store.recordCheckResults(resultsAt(inHours([T0, T0 + HOUR, T0 + 2 * HOUR])));
      const before = await rows();
      expect(new Set(before.map((row) => row.bucketMs))).toEqual(new Set([MINUTE]));
      const now = T0 + 3 * HOUR + MINUTE_RETENTION;

      const outcome = await harness.store.compactRollups(now);
      expect(outcome).toEqual({
        minutesFolded: before.length,
        hoursFolded: 0,
        expired: 0,
        cutoffs: compactionCutoffs(now, DEFAULT_RETENTION),
      });
      expect(outcome.cutoffs.minute).toBe(T0 + 3 * HOUR);
      const after = await rows();
      expect(after.map((row) => [row.start - T0, row.bucketMs, row.check])).toEqual([
        [0, HOUR, 'charges'],
        [0, HOUR, 'refunds'],
        [HOUR, HOUR, 'charges'],
        [HOUR, HOUR, 'refunds'],
        [2 * HOUR, HOUR, 'charges'],
        [2 * HOUR, HOUR, 'refunds'],
      ]);
      // Each hour row is exactly its minutes added up: counts, classes, latency sum/min/max and histogram.
      expect(after).toEqual(mergeToResolution(before, HOUR));
      expect(summariseRollups(after)).toEqual(summariseRollups(before));
      expect(
        summariseRollups(await rows({ check: 'refunds', since: T0 + HOUR, until: T0 + 2 * HOUR })),
      ).toEqual(
        summariseRollups(
          before.filter(
            (row) => row.check === 'refunds' && row.start >= T0 + HOUR && row.start < T0 + 2 * HOUR,
          ),
        ),
      );
    });

    it('is idempotent: running again at the same time changes nothing', async () => {
      await harness.store.recordCheckResults(resultsAt(inHours([T0, T0 + 5 * HOUR])));
      const now = T0 + 6 * HOUR + MINUTE_RETENTION;
      await harness.store.compactRollups(now);
      const once = await rows();
      const again = await harness.store.compactRollups(now);
      expect(again).toEqual({ minutesFolded: 0, hoursFolded: 0, expired: 0, cutoffs: again.cutoffs });
      expect(await rows()).toEqual(once);
    });

    it('uses the store’s injected clock when `now` is left out', async () => {
      await harness.store.recordCheckResults(resultsAt(inHours([T0])));
      harness.setNow(T0 + HOUR + MINUTE_RETENTION - 1);
      expect((await harness.store.compactRollups()).minutesFolded).toBe(0);
      harness.setNow(T0 + HOUR + MINUTE_RETENTION);
      const outcome = await harness.store.compactRollups();
      expect(outcome.cutoffs).toEqual(compactionCutoffs(T0 + HOUR + MINUTE_RETENTION, DEFAULT_RETENTION));
      expect(outcome.minutesFolded).toBeGreaterThan(0);
      expect(await shape()).toEqual([
        [0, HOUR, 'charges'],
        [0, HOUR, 'refunds'],
      ]);
    });

    it('never folds an hour that is not wholly older than the minute retention, nor the current hour', async () => {
      const now = T0 + 30 * MINUTE + MINUTE_RETENTION;
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 - HOUR + 5 * MINUTE }),
        // Same hour, one older and one younger than the retention: the hour stays minutes until it is whole.
        makeResult({ startedAt: T0 + 10 * MINUTE }),
        makeResult({ startedAt: T0 + 40 * MINUTE }),
        makeResult({ startedAt: now - MINUTE }),
      ]);
      expect((await harness.store.compactRollups(now)).minutesFolded).toBe(1);
      expect(await shape()).toEqual([
        [-HOUR, HOUR, 'charges'],
        [10 * MINUTE, MINUTE, 'charges'],
        [40 * MINUTE, MINUTE, 'charges'],
        [now - MINUTE - T0, MINUTE, 'charges'],
      ]);
      // Half an hour later the hour is whole and old enough.
      expect((await harness.store.compactRollups(now + 30 * MINUTE)).minutesFolded).toBe(2);
      expect((await shape()).map(([start, bucketMs]) => [start, bucketMs])).toEqual([
        [-HOUR, HOUR],
        [0, HOUR],
        [now - MINUTE - T0, MINUTE],
      ]);
    });

    it('folds a late result into the hour row already there on the next run', async () => {
      await harness.store.recordCheckResults(resultsAt(inHours([T0])));
      const now = T0 + HOUR + MINUTE_RETENTION;
      await harness.store.compactRollups(now);
      const late = makeResult({ startedAt: T0 + 30 * MINUTE, latencyMs: 77 });
      await harness.store.recordCheckResults([late]);
      const mixed = await rows({ check: 'charges' });
      expect(mixed.map((row) => [row.start - T0, row.bucketMs, row.count])).toEqual([
        [0, HOUR, 4],
        [30 * MINUTE, MINUTE, 1],
      ]);
      expect((await harness.store.compactRollups(now)).minutesFolded).toBe(1);
      const folded = await rows({ check: 'charges' });
      expect(folded).toEqual(mergeToResolution(mixed, HOUR));
      expect(folded[0]?.count).toBe(5);
    });
  });

  describe('compactRollups: hours into days, and retention', () => {
    it('folds the hours of every whole UTC day older than the hour retention into exact day rows', async () => {
      await harness.store.recordCheckResults(
        resultsAt(inHours([T0 + HOUR, T0 + 13 * HOUR, T0 + 23 * HOUR, T0 + DAY + 2 * HOUR])),
      );
      const before = await rows();
      const now = T0 + DAY + 12 * HOUR + HOUR_RETENTION;
      const outcome = await harness.store.compactRollups(now);
      expect(outcome).toMatchObject({ minutesFolded: before.length, hoursFolded: 6, expired: 0 });
      expect(outcome.cutoffs.hour).toBe(T0 + DAY);
      // Day 0 is whole and old enough; day 1 is neither, so its hour stays an hour row.
      expect(await shape()).toEqual([
        [0, DAY, 'charges'],
        [0, DAY, 'refunds'],
        [DAY + 2 * HOUR, HOUR, 'charges'],
        [DAY + 2 * HOUR, HOUR, 'refunds'],
      ]);
      const after = await rows();
      expect(summariseRollups(after)).toEqual(summariseRollups(before));
      expect(after.filter((row) => row.bucketMs === DAY)).toEqual(
        mergeToResolution(
          before.filter((row) => row.start < T0 + DAY),
          DAY,
        ),
      );
      expect((await harness.store.compactRollups(now)).hoursFolded).toBe(0);
    });

    it(`deletes rows once their whole UTC day is ${DEFAULT_ROLLUP_RETENTION_DAYS} days old, oldest tier first`, async () => {
      await harness.store.recordCheckResults(
        resultsAt([T0 + 5 * HOUR, T0 + DAY + 5 * HOUR, T0 + 2 * DAY + 5 * HOUR]),
      );
      await harness.store.compactRollups(T0 + 3 * DAY + HOUR_RETENTION);
      expect((await shape()).map(([start, bucketMs]) => [start, bucketMs])).toEqual([
        [0, DAY],
        [0, DAY],
        [DAY, DAY],
        [DAY, DAY],
        [2 * DAY, DAY],
        [2 * DAY, DAY],
      ]);
      // The cutoff falls inside day 1: day 0 has ended, day 1 is kept whole.
      const now = T0 + DAY + 12 * HOUR + ROLLUP_RETENTION;
      const outcome = await harness.store.compactRollups(now);
      expect(outcome).toMatchObject({ expired: 2, minutesFolded: 0, hoursFolded: 0 });
      expect(outcome.cutoffs.retention).toBe(T0 + DAY);
      expect((await shape()).map(([start]) => start)).toEqual([DAY, DAY, 2 * DAY, 2 * DAY]);
      expect((await harness.store.compactRollups(now)).expired).toBe(0);
      expect((await harness.store.compactRollups(now + 12 * HOUR)).expired).toBe(2);
      // Raw results are bounded by the ring, not by retention.
      expect((await harness.store.listCheckResults()).items).toHaveLength(6);
    });

    it('deletes expired minute rows of a day never folded, without folding them first', async () => {
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 + 23 * HOUR }),
        makeResult({ startedAt: T0 + DAY }),
      ]);
      const outcome = await harness.store.compactRollups(T0 + DAY + ROLLUP_RETENTION);
      expect(outcome).toMatchObject({ expired: 1, minutesFolded: 1, hoursFolded: 1 });
      expect(await shape()).toEqual([[DAY, DAY, 'charges']]);
    });
  });

  describe('checkRollups across tiers', () => {
    /** Day rows on day 1, hour rows on day 10, minute rows in the last hour, as a daemon at `now` leaves them. */
    const now = T0 + 40 * DAY;
    const seedAllTiers = async () => {
      await harness.store.recordCheckResults(
        resultsAt([
          T0 + DAY + 3 * HOUR,
          T0 + DAY + 20 * HOUR,
          T0 + 10 * DAY + 2 * HOUR + 10 * MINUTE,
          T0 + 10 * DAY + 2 * HOUR + 50 * MINUTE,
          T0 + 10 * DAY + 7 * HOUR,
          now - HOUR + MINUTE,
          now - 10 * MINUTE,
        ]),
      );
    };

    it('returns rows of every tier overlapping [since, until), oldest first, and summarises them as before', async () => {
      await seedAllTiers();
      const before = summariseRollups(await rows());
      await harness.store.compactRollups(now);
      expect((await shape({ check: 'charges' })).map(([start, bucketMs]) => [start, bucketMs])).toEqual([
        [DAY, DAY],
        [10 * DAY + 2 * HOUR, HOUR],
        [10 * DAY + 7 * HOUR, HOUR],
        [40 * DAY - HOUR + MINUTE, MINUTE],
        [40 * DAY - 10 * MINUTE, MINUTE],
      ]);
      expect(summariseRollups(await rows())).toEqual(before);
      // Any overlap counts: the range starts inside the day row and ends inside the first hour row.
      expect(
        await shape({ check: 'refunds', since: T0 + DAY + 12 * HOUR, until: T0 + 10 * DAY + 2 * HOUR + 1 }),
      ).toEqual([
        [DAY, DAY, 'refunds'],
        [10 * DAY + 2 * HOUR, HOUR, 'refunds'],
      ]);
      expect(await shape({ since: now - 30 * MINUTE, until: now })).toEqual([
        [40 * DAY - 10 * MINUTE, MINUTE, 'charges'],
        [40 * DAY - 10 * MINUTE, MINUTE, 'refunds'],
      ]);
    });

    it('merges finer rows into the asked resolution exactly as compaction would fold them', async () => {
      await harness.store.recordCheckResults(resultsAt(inHours([T0, T0 + HOUR, T0 + 2 * HOUR])));
      const byHour = await rows({ resolution: HOUR });
      const byDay = await rows({ resolution: DAY });
      expect(byHour.map((row) => [row.start - T0, row.bucketMs])).toEqual([
        [0, HOUR],
        [0, HOUR],
        [HOUR, HOUR],
        [HOUR, HOUR],
        [2 * HOUR, HOUR],
        [2 * HOUR, HOUR],
      ]);
      expect(byDay.map((row) => [row.start - T0, row.bucketMs, row.check])).toEqual([
        [0, DAY, 'charges'],
        [0, DAY, 'refunds'],
      ]);
      expect(await rows({ resolution: MINUTE })).toEqual(await rows());

      await harness.store.compactRollups(T0 + 3 * HOUR + MINUTE_RETENTION);
      expect(await rows({ resolution: HOUR })).toEqual(byHour);
      expect(await rows({ resolution: DAY })).toEqual(byDay);
      // The range widens to whole buckets: a `since` inside an hour still gets that whole hour.
      expect(await rows({ resolution: HOUR, since: T0 + HOUR + 30 * MINUTE, until: T0 + 2 * HOUR })).toEqual(
        byHour.filter((row) => row.start === T0 + HOUR),
      );
    });

    it('merges mixed tiers into one row per check and bucket, passing coarser rows through', async () => {
      await seedAllTiers();
      await harness.store.compactRollups(now);
      const all = await rows();
      const byDay = await rows({ resolution: DAY });
      expect(byDay.map((row) => [row.start - T0, row.bucketMs])).toEqual([
        [DAY, DAY],
        [DAY, DAY],
        [10 * DAY, DAY],
        [10 * DAY, DAY],
        [39 * DAY, DAY],
        [39 * DAY, DAY],
      ]);
      expect(summariseRollups(byDay)).toEqual(summariseRollups(all));
      const byHour = await rows({ resolution: HOUR, check: 'charges' });
      expect(byHour.map((row) => [row.start - T0, row.bucketMs])).toEqual([
        [DAY, DAY],
        [10 * DAY + 2 * HOUR, HOUR],
        [10 * DAY + 7 * HOUR, HOUR],
        [40 * DAY - HOUR, HOUR],
      ]);
    });

    it('rejects a resolution that is not a rollup bucket size', async () => {
      for (const resolution of [0, 1000, 2 * HOUR, Number.NaN]) {
        await expectStoreError(rows({ resolution: resolution as RollupBucketMs }), 'store-invalid-input');
      }
      await expectStoreError(harness.store.compactRollups(Number.NaN), 'store-invalid-input');
    });
  });
}
