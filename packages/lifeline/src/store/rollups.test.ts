/**
 * Tests of the pure rollup arithmetic: grouping results into minutes, merging aggregates without mutation,
 * and summaries (including the empty window).
 */
import { describe, expect, it } from 'vitest';
import { makeResult, MINUTE, T0 } from './conformance/fixtures.js';
import { bucketIndex } from './latency-histogram.js';
import { emptyAggregate, mergeAggregates, minuteStart, rollUpResults, summariseRollups } from './rollups.js';

describe('minuteStart', () => {
  it('floors to the minute, also before 1970', () => {
    expect(minuteStart(T0 + MINUTE - 1)).toBe(T0);
    expect(minuteStart(T0 + MINUTE)).toBe(T0 + MINUTE);
    expect(minuteStart(-1)).toBe(-MINUTE);
  });
});

describe('rollUpResults', () => {
  it('groups by integration, check and minute regardless of input order', () => {
    const rows = rollUpResults([
      makeResult({ startedAt: T0 + MINUTE + 5, latencyMs: 40 }),
      makeResult({ startedAt: T0 + 1, latencyMs: 10, class: 'timeout' }),
      makeResult({ startedAt: T0 + 2, latencyMs: 30 }),
      makeResult({ integration: 'twilio', startedAt: T0 + 3, latencyMs: 20 }),
    ]);
    expect(rows).toHaveLength(3);
    const first = rows.find((row) => row.integration === 'stripe' && row.start === T0);
    expect(first).toEqual({
      integration: 'stripe',
      check: 'charges',
      start: T0,
      bucketMs: MINUTE,
      count: 2,
      failures: 1,
      byClass: { timeout: 1, ok: 1 },
      latencySumMs: 40,
      latencyMinMs: 10,
      latencyMaxMs: 30,
      histogram: { [bucketIndex(10)]: 1, [bucketIndex(30)]: 1 },
    });
  });
});

describe('mergeAggregates', () => {
  it('adds two aggregates without changing either', () => {
    const [a] = rollUpResults([makeResult({ latencyMs: 10 })]);
    const [b] = rollUpResults([makeResult({ latencyMs: 10, class: 'slow' }), makeResult({ latencyMs: 500 })]);
    const aBefore = structuredClone(a);
    const merged = mergeAggregates(a!, b!);
    expect(a).toEqual(aBefore);
    expect(merged).toMatchObject({ count: 3, failures: 1, byClass: { ok: 2, slow: 1 }, latencySumMs: 520 });
    expect(merged.histogram).toEqual({ [bucketIndex(10)]: 2, [bucketIndex(500)]: 1 });
    expect(mergeAggregates(emptyAggregate(), a!)).toMatchObject({ latencyMinMs: 10, latencyMaxMs: 10 });
  });
});

describe('summariseRollups', () => {
  it('reports an empty window as zero counts and null figures', () => {
    expect(summariseRollups([])).toEqual({
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
    });
  });

  it('summarises one result exactly', () => {
    const summary = summariseRollups(
      rollUpResults([makeResult({ latencyMs: 250, ok: false, class: 'slow' })]),
    );
    expect(summary).toEqual({
      count: 1,
      failures: 1,
      errorRate: 1,
      p50: 250,
      p95: 250,
      p99: 250,
      meanLatencyMs: 250,
      minLatencyMs: 250,
      maxLatencyMs: 250,
      byClass: { slow: 1 },
    });
  });
});
