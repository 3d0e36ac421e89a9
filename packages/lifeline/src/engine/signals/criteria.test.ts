// Criteria: any/all (with the default passed in), the criteria's own `for`, per-signal states carried between
// evaluations, and the problem statement values of the first holding signal.
import { describe, expect, it } from 'vitest';
import { evaluateCriteria, INITIAL_CRITERIA_STATE, type Criteria, type CriteriaState } from './criteria.js';
import type { SignalDefaults } from './defaults.js';
import { fakeMeasurements } from './fake-measurements.js';
import type { Measurements } from './measurements.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const defaults: SignalDefaults = { integration: 'payments', slos: new Map() };

/** p95 latency of `charges-up` and error rate of the integration (or of `ledger`). */
function readings(latencyMs: number, errorRate: number): Measurements {
  return fakeMeasurements({
    latencyPercentile: () => latencyMs,
    errorRate: () => ({ rate: errorRate, count: 50 }),
  });
}

const slowOrFailing: Criteria = {
  when: [
    { signal: 'latency', check: 'charges-up', percentile: 'p95', above: 800 },
    { signal: 'error-rate', integration: 'ledger', above: 0.05 },
  ],
};

describe('evaluateCriteria: match', () => {
  it('any: holds when one signal holds, with the values of the first holding one', () => {
    const result = evaluateCriteria(
      slowOrFailing,
      'any',
      defaults,
      readings(300, 0.125),
      INITIAL_CRITERIA_STATE,
      T0,
    );
    expect(result.holds).toBe(true);
    expect(result.values).toEqual({
      value: '12.5%',
      threshold: '5%',
      signal: 'ledger: error rate 12.5% above 5%',
      integration: 'ledger',
    });
    expect(result.description).toBe('holds (any of 2): ledger: error rate 12.5% above 5%');
  });

  it('all: needs every signal; the values come from the first', () => {
    const one = evaluateCriteria(
      slowOrFailing,
      'all',
      defaults,
      readings(300, 0.125),
      INITIAL_CRITERIA_STATE,
      T0,
    );
    expect(one.holds).toBe(false);
    expect(one.description).toBe(
      'does not hold (all of 2): charges-up: p95 latency 300ms, not above 800ms; ledger: error rate 12.5% above 5%',
    );
    const both = evaluateCriteria(
      slowOrFailing,
      'all',
      defaults,
      readings(1200, 0.125),
      INITIAL_CRITERIA_STATE,
      T0,
    );
    expect(both.holds).toBe(true);
    expect(both.values).toMatchObject({ value: '1.2s', threshold: '800ms', integration: 'payments' });
  });

  it('the criteria’s own `match` wins over the default', () => {
    const all: Criteria = { ...slowOrFailing, match: 'all' };
    expect(
      evaluateCriteria(all, 'any', defaults, readings(300, 0.125), INITIAL_CRITERIA_STATE, T0).holds,
    ).toBe(false);
  });

  it('neither holding gives no values', () => {
    const result = evaluateCriteria(
      slowOrFailing,
      'any',
      defaults,
      readings(300, 0),
      INITIAL_CRITERIA_STATE,
      T0,
    );
    expect(result.holds).toBe(false);
    expect(result.values).toBeUndefined();
  });
});

describe('evaluateCriteria: hold times', () => {
  const recovered: Criteria = {
    when: [{ signal: 'latency', percentile: 'p95', below: 500, for: MIN }],
    for: 5 * MIN,
  };

  function play(samples: readonly [minute: number, latencyMs: number][]) {
    let state: CriteriaState = INITIAL_CRITERIA_STATE;
    return samples.map(([minute, latencyMs]) => {
      const result = evaluateCriteria(
        recovered,
        'all',
        defaults,
        readings(latencyMs, 0),
        state,
        T0 + minute * MIN,
      );
      state = result.state;
      return result;
    });
  }

  it('holds once the signal is active and the combination held for the criteria’s `for`', () => {
    const results = play([
      [0, 300],
      [1, 300],
      [3, 300],
      [6, 300],
    ]);
    expect(results.map((r) => r.holds)).toEqual([false, false, false, true]);
    expect(results[2]?.description).toBe('holds for 2m, needs 5m: p95 latency 300ms below 500ms for 3m');
    expect(results[3]?.state).toEqual({ signals: [{ active: true, conditionSince: T0 }], since: T0 + MIN });
  });

  it('an interruption that clears the signal restarts the criteria’s `for`', () => {
    const results = play([
      [0, 300],
      [1, 300],
      [4, 900],
      [5, 900],
      [6, 300],
      [7, 300],
      [11, 300],
      [12, 300],
    ]);
    expect(results.map((r) => r.holds)).toEqual([false, false, false, false, false, false, false, true]);
  });

  it('a spike shorter than the signal’s clear hold does not interrupt it', () => {
    const results = play([
      [0, 300],
      [1, 300],
      [4, 900],
      [4.5, 300],
      [6, 300],
    ]);
    expect(results.map((r) => r.holds)).toEqual([false, false, false, false, true]);
  });

  it('a playbook edited to have more signals starts the new ones afresh', () => {
    const previous: CriteriaState = { signals: [{ active: true, conditionSince: T0 - MIN }] };
    const result = evaluateCriteria(slowOrFailing, 'all', defaults, readings(1200, 0.125), previous, T0);
    expect(result.state.signals).toEqual([
      { active: true, conditionSince: T0 - MIN },
      { active: true, conditionSince: T0 },
    ]);
  });

  it('is deterministic', () => {
    const run = () =>
      evaluateCriteria(slowOrFailing, 'any', defaults, readings(1200, 0.125), INITIAL_CRITERIA_STATE, T0);
    expect(run()).toEqual(run());
  });
});
