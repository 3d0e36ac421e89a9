// Property tests of the rolling windows against a plain list model: counts match the results whose slice lies in
// the window, whatever the arrival order; rates and percentiles stay in range.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES, type CheckResult, type FailureClass } from '../check-result.js';
import { WindowStore, checkWindowKey, integrationWindowKey } from './window-store.js';

const T0 = 1_800_000_000_000;
const SLICE_MS = 10_000;
const RETENTION_MS = 300_000;

interface Recorded {
  offset: number;
  latencyMs: number;
  failureClass: FailureClass;
  check: 'a' | 'b';
}

const recorded: fc.Arbitrary<Recorded> = fc.record({
  offset: fc.integer({ min: 0, max: 900_000 }),
  latencyMs: fc.integer({ min: 0, max: 120_000 }),
  failureClass: fc.constantFrom(...FAILURE_CLASSES),
  check: fc.constantFrom('a' as const, 'b' as const),
});

function toResult(r: Recorded): CheckResult {
  return {
    integration: 'payments',
    check: r.check,
    kind: 'http',
    ok: r.failureClass === 'ok',
    class: r.failureClass,
    latencyMs: r.latencyMs,
    signature: r.failureClass,
    message: r.failureClass,
    startedAt: T0 + r.offset,
    attempts: 1,
  };
}

describe('WindowStore properties', () => {
  it('count equals the results recorded in the window; errorRate in [0, 1]; classes add up; p50 ≤ p95 ≤ p99', () => {
    fc.assert(
      fc.property(
        fc.array(recorded, { maxLength: 300 }),
        fc.integer({ min: 1, max: RETENTION_MS }),
        fc.integer({ min: 0, max: 100_000 }),
        (results, windowMs, after) => {
          const store = new WindowStore({ sliceMs: SLICE_MS, retentionMs: RETENTION_MS });
          for (const r of results) store.record(toResult(r));
          // Snapshots are asked at or after the newest result, as the daemon does.
          const now = T0 + Math.max(0, ...results.map((r) => r.offset)) + after;
          const last = Math.floor(now / SLICE_MS);
          const first = last - Math.ceil(windowMs / SLICE_MS) + 1;
          const inWindow = (r: Recorded): boolean => {
            const index = Math.floor((T0 + r.offset) / SLICE_MS);
            return index >= first && index <= last;
          };
          for (const [key, pick] of [
            [checkWindowKey('a'), (r: Recorded) => r.check === 'a'],
            [integrationWindowKey('payments'), () => true],
          ] as const) {
            const expected = results.filter((r) => pick(r) && inWindow(r));
            const snap = store.snapshot(key, windowMs, now);
            expect(snap.count).toBe(expected.length);
            expect(snap.failures).toBe(expected.filter((r) => r.failureClass !== 'ok').length);
            expect(snap.errorRate).toBeGreaterThanOrEqual(0);
            expect(snap.errorRate).toBeLessThanOrEqual(1);
            expect(Object.values(snap.byClass).reduce((a, b) => a + b, 0)).toBe(snap.count);
            for (const c of FAILURE_CLASSES) {
              expect(snap.byClass[c]).toBe(expected.filter((r) => r.failureClass === c).length);
            }
            if (snap.count === 0) {
              expect(snap.p50).toBeNull();
            } else {
              const max = Math.max(...expected.map((r) => r.latencyMs));
              expect(snap.p50!).toBeLessThanOrEqual(snap.p95!);
              expect(snap.p95!).toBeLessThanOrEqual(snap.p99!);
              expect(snap.p99!).toBeLessThanOrEqual(max * 1.01 + 1);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('p50 is within HdrHistogram precision of the exact median rank value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 400 }),
        (latencies) => {
          const store = new WindowStore();
          latencies.forEach((ms, i) =>
            store.record(toResult({ offset: i % 300_000, latencyMs: ms, failureClass: 'ok', check: 'a' })),
          );
          const snap = store.snapshot(checkWindowKey('a'), 300_000, T0 + 299_999);
          const sorted = [...latencies].sort((x, y) => x - y);
          const median = sorted[Math.ceil(sorted.length * 0.5) - 1]!;
          expect(Math.abs(snap.p50! - median)).toBeLessThanOrEqual(Math.max(1, median * 0.01));
        },
      ),
      { numRuns: 200 },
    );
  });
});
