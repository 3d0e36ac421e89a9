// Unit tests of the rolling windows: known latency distributions, error rates and classes, slice expiry, late
// results, per-integration aggregation, and the sparse and histogram paths agreeing.
import { describe, expect, it } from 'vitest';
import type { CheckResult, FailureClass } from '../check-result.js';
import { PROMOTE_AT } from './time-slice.js';
import { WindowStore, checkWindowKey, integrationWindowKey } from './window-store.js';

const T0 = 1_800_000_000_000;

function result(at: number, latencyMs: number, failure?: FailureClass, check = 'charges-up'): CheckResult {
  return {
    integration: 'payments',
    check,
    kind: 'http',
    ok: failure === undefined,
    class: failure ?? 'ok',
    latencyMs,
    signature: `payments:${check}:${failure ?? 'ok'}`,
    message: failure ?? 'ok',
    startedAt: at,
    attempts: 1,
  };
}

/** True when `actual` is within HdrHistogram's 2-significant-digit precision of `expected`. */
function near(actual: number | null, expected: number): boolean {
  return actual !== null && Math.abs(actual - expected) <= Math.max(1, expected * 0.01);
}

describe('WindowStore: percentiles', () => {
  it('reports p50/p95/p99 of a uniform 1..1000 ms distribution spread over many slices', () => {
    const store = new WindowStore();
    // 1,000 results over 250 s (25 slices), latencies shuffled deterministically.
    for (let i = 0; i < 1000; i++) store.record(result(T0 + i * 250, ((i * 7919) % 1000) + 1));
    const snap = store.snapshot(checkWindowKey('charges-up'), 300_000, T0 + 299_999);
    expect(snap.count).toBe(1000);
    expect(near(snap.p50, 500)).toBe(true);
    expect(near(snap.p95, 950)).toBe(true);
    expect(near(snap.p99, 990)).toBe(true);
  });

  it('gives the same percentiles whether a slice kept raw latencies or was promoted to a histogram', () => {
    const sparse = new WindowStore();
    const dense = new WindowStore();
    const latencies = Array.from({ length: PROMOTE_AT + 50 }, (_, i) => 20 + ((i * 37) % 3000));
    // Sparse: spread so no slice exceeds the threshold. Dense: all in one slice.
    latencies.forEach((ms, i) => sparse.record(result(T0 + (i % 25) * 10_000, ms)));
    latencies.forEach((ms) => dense.record(result(T0, ms)));
    expect(sparse.stats().histogramSlices).toBe(0);
    expect(dense.stats().histogramSlices).toBe(2);
    const key = checkWindowKey('charges-up');
    const a = sparse.snapshot(key, 300_000, T0 + 299_999);
    const b = dense.snapshot(key, 300_000, T0 + 299_999);
    expect(b).toEqual(a);
    expect(a.count).toBe(latencies.length);
  });

  it('is exact for small values and has null percentiles without results', () => {
    const store = new WindowStore();
    for (const ms of [10, 20, 30, 40]) store.record(result(T0, ms));
    const snap = store.snapshot(checkWindowKey('charges-up'), 60_000, T0);
    expect([snap.p50, snap.p95, snap.p99]).toEqual([20, 40, 40]);
    const empty = store.snapshot(checkWindowKey('nothing'), 60_000, T0);
    expect(empty).toMatchObject({ count: 0, failures: 0, errorRate: 0, p50: null, p95: null, p99: null });
    expect(Object.values(empty.byClass).every((n) => n === 0)).toBe(true);
  });

  it('clamps negative and absurd latencies into the histogram range', () => {
    const store = new WindowStore();
    store.record(result(T0, -5));
    store.record(result(T0, 10 * 3_600_000));
    const snap = store.snapshot(checkWindowKey('charges-up'), 10_000, T0);
    expect(snap.p50).toBe(0);
    expect(near(snap.p99, 3_600_000)).toBe(true);
  });
});

describe('WindowStore: errors and classes', () => {
  it('counts failures, the error rate and results by class, per check and per integration', () => {
    const store = new WindowStore();
    for (let i = 0; i < 6; i++) store.record(result(T0 + i * 1000, 100));
    store.record(result(T0 + 7000, 10_000, 'timeout'));
    store.record(result(T0 + 8000, 5, 'unreachable'));
    store.record(result(T0 + 9000, 80, 'credential', 'token-ok'));
    store.record(result(T0 + 9500, 80, undefined, 'token-ok'));

    const check = store.snapshot(checkWindowKey('charges-up'), 60_000, T0 + 9_999);
    expect(check).toMatchObject({ count: 8, failures: 2, errorRate: 0.25 });
    expect(check.byClass).toMatchObject({ ok: 6, timeout: 1, unreachable: 1, credential: 0 });

    const integration = store.snapshot(integrationWindowKey('payments'), 60_000, T0 + 9_999);
    expect(integration).toMatchObject({ count: 10, failures: 3, errorRate: 0.3 });
    expect(integration.byClass).toMatchObject({ ok: 7, timeout: 1, unreachable: 1, credential: 1 });
    expect(store.keys().sort()).toEqual(['check:charges-up', 'check:token-ok', 'integration:payments']);
  });

  it('keeps ok counts right when the first failure of a slice comes after some successes', () => {
    const store = new WindowStore();
    store.record(result(T0, 10));
    store.record(result(T0 + 1, 10));
    store.record(result(T0 + 2, 10, 'server-error'));
    store.record(result(T0 + 3, 10));
    const snap = store.snapshot(checkWindowKey('charges-up'), 10_000, T0 + 3);
    expect(snap.byClass).toMatchObject({ ok: 3, 'server-error': 1 });
  });
});

describe('WindowStore: windows and expiry', () => {
  it('includes whole slices: the one holding now and ceil(window / slice) − 1 before it', () => {
    const store = new WindowStore();
    for (let s = 0; s < 30; s++) store.record(result(T0 + s * 10_000 + 5_000, 100));
    const now = T0 + 295_000; // inside slice 29
    expect(store.snapshot(checkWindowKey('charges-up'), 10_000, now).count).toBe(1);
    expect(store.snapshot(checkWindowKey('charges-up'), 60_000, now).count).toBe(6);
    expect(store.snapshot(checkWindowKey('charges-up'), 55_000, now).count).toBe(6);
    expect(store.snapshot(checkWindowKey('charges-up'), 300_000, now).count).toBe(30);
  });

  it('drops old slices as time moves on and reuses their slots', () => {
    const store = new WindowStore();
    store.record(result(T0, 100, 'timeout'));
    store.record(result(T0 + 150_000, 100));
    const key = checkWindowKey('charges-up');
    expect(store.snapshot(key, 300_000, T0 + 299_999).count).toBe(2);
    expect(store.snapshot(key, 300_000, T0 + 300_000).count).toBe(1);
    // A result 5 min later lands in the slot of the first one and replaces it.
    store.record(result(T0 + 300_000, 200));
    const snap = store.snapshot(key, 300_000, T0 + 300_000);
    expect(snap).toMatchObject({ count: 2, failures: 0 });
    expect(snap.byClass.timeout).toBe(0);
  });

  it('drops results that arrive after their slice left the retention, but keeps late ones within it', () => {
    const store = new WindowStore();
    store.record(result(T0 + 600_000, 100));
    store.record(result(T0 + 290_000, 100));
    store.record(result(T0 + 400_000, 100));
    expect(store.stats().droppedLate).toBe(2); // once under the check's key, once under the integration's
    expect(store.snapshot(checkWindowKey('charges-up'), 300_000, T0 + 600_000).count).toBe(2);
  });

  it('prunes keys with nothing inside the retention and forgets keys on request', () => {
    const store = new WindowStore();
    store.record(result(T0, 100, undefined, 'old'));
    store.record(result(T0 + 250_000, 100, undefined, 'recent'));
    expect(store.prune(T0 + 299_999)).toBe(0);
    expect(store.prune(T0 + 300_000)).toBe(1);
    expect(store.keys().sort()).toEqual(['check:recent', 'integration:payments']);
    store.forget('check:recent');
    expect(store.keys()).toEqual(['integration:payments']);
  });

  it('honours a custom slice and retention, and rejects windows it cannot answer', () => {
    const store = new WindowStore({ sliceMs: 1_000, retentionMs: 60_000 });
    for (let i = 0; i < 120; i++) store.record(result(T0 + i * 1_000, 100));
    expect(store.snapshot(checkWindowKey('charges-up'), 60_000, T0 + 119_000).count).toBe(60);
    expect(store.snapshot(checkWindowKey('charges-up'), 5_000, T0 + 119_000).count).toBe(5);
    expect(() => store.snapshot('x', 61_000, T0)).toThrow(RangeError);
    expect(() => store.snapshot('x', 0, T0)).toThrow(RangeError);
    expect(() => new WindowStore({ sliceMs: 0 })).toThrow(RangeError);
    expect(() => new WindowStore({ sliceMs: 10_000, retentionMs: 5_000 })).toThrow(RangeError);
  });
});
