/**
 * Tests of the pure tier rules: where compaction cutoffs fall, the order rows come back in, and (as a property)
 * that merging rows to a coarser resolution, in one step or two, never changes what they add up to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, makeResult } from './conformance/fixtures.js';
import { bucketStart, compactionCutoffs, compareRollups, mergeToResolution } from './rollup-tiers.js';
import { rollUpResults, summariseRollups } from './rollups.js';
import type { CheckRollup } from './store.js';

const DEFAULTS = { minuteRetentionHours: 48, hourRetentionDays: 35, rollupRetentionDays: 400 };

describe('compactionCutoffs', () => {
  it('rounds each cutoff down to a whole bucket of the coarser tier', () => {
    const now = T0 + 500 * DAY + 13 * HOUR + 25 * MINUTE;
    expect(compactionCutoffs(now, DEFAULTS)).toEqual({
      minute: T0 + 498 * DAY + 13 * HOUR,
      hour: T0 + 465 * DAY,
      retention: T0 + 100 * DAY,
    });
    // Exactly on a boundary, that boundary is the cutoff: the hour before it is whole and old enough.
    expect(compactionCutoffs(T0 + 48 * HOUR, DEFAULTS).minute).toBe(T0);
    expect(compactionCutoffs(T0 + 48 * HOUR - 1, DEFAULTS).minute).toBe(T0 - HOUR);
  });

  it('floors before 1970 too', () => {
    expect(bucketStart(-1, HOUR)).toBe(-HOUR);
    expect(bucketStart(-DAY, DAY)).toBe(-DAY);
  });
});

describe('compareRollups', () => {
  it('orders by start, then check name by code point, then finer rows first', () => {
    const row = (start: number, check: string, bucketMs: CheckRollup['bucketMs']): CheckRollup => ({
      ...rollUpResults([makeResult({ check })])[0]!,
      start,
      bucketMs,
    });
    // U+1F600 sorts after U+FFFD by code point, though its UTF-16 surrogate (U+D83D) sorts before.
    const rows = [
      row(T0, '\u{1F600}', MINUTE),
      row(T0, '\uFFFD', MINUTE),
      row(T0, 'b', HOUR),
      row(T0, 'b', MINUTE),
      row(T0 - DAY, 'z', DAY),
    ];
    expect(rows.sort(compareRollups).map((r) => [r.start - T0, r.check, r.bucketMs])).toEqual([
      [-DAY, 'z', DAY],
      [0, 'b', MINUTE],
      [0, 'b', HOUR],
      [0, '\uFFFD', MINUTE],
      [0, '\u{1F600}', MINUTE],
    ]);
  });
});

describe('mergeToResolution', () => {
  // Latencies in half milliseconds keep float sums exact in any order, so equality can be exact.
  const resultArb = fc.record({
    check: fc.constantFrom('charges', 'refunds'),
    offset: fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
    latencyHalfMs: fc.integer({ min: 0, max: 400_000 }),
    failed: fc.boolean(),
  });

  it('keeps every sum, extreme, class count and percentile, in one step or two', () => {
    fc.assert(
      fc.property(fc.array(resultArb, { minLength: 1, maxLength: 60 }), (specs) => {
        const minutes = rollUpResults(
          specs.map((spec) =>
            makeResult({
              check: spec.check,
              startedAt: T0 + spec.offset * MINUTE,
              latencyMs: spec.latencyHalfMs / 2,
              ...(spec.failed ? { class: 'timeout' as const } : {}),
            }),
          ),
        );
        const hours = mergeToResolution(minutes, HOUR);
        const days = mergeToResolution(minutes, DAY);
        const expected = summariseRollups(minutes);
        expect(summariseRollups(hours)).toEqual(expected);
        expect(summariseRollups(days)).toEqual(expected);
        expect(mergeToResolution(hours, DAY)).toEqual(days);
        expect(hours.every((row) => row.bucketMs === HOUR && row.start % HOUR === 0)).toBe(true);
        expect([...hours].sort(compareRollups)).toEqual(hours);
        // Coarser rows pass through untouched.
        expect(mergeToResolution(days, HOUR)).toEqual(days);
      }),
      { numRuns: 200 },
    );
  });
});
