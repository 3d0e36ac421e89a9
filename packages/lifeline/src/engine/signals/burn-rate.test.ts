// Burn rate against the Google SRE workbook ("Alerting on SLOs"): a 99.9% SLO over 30 days has a 0.1% error
// budget; burning it 14.4 times as fast for an hour spends 2% of it, 6 times for six hours spends 5%.
import { describe, expect, it } from 'vitest';
import type { Signal, Slo } from '../../workspace/model.js';
import { budgetSpent, burnRate, defaultBurnWindows, errorBudget } from './burn-rate.js';
import type { SignalDefaults } from './defaults.js';
import { evaluateSignal } from './evaluate.js';
import { fakeMeasurements } from './fake-measurements.js';
import { INITIAL_SIGNAL_STATE, type SignalState } from './signal-state.js';

const NOW = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const slo: Slo = { availability: 0.999, window: 30 * DAY };
const defaults: SignalDefaults = { integration: 'payments', slos: new Map([['payments', slo]]) };
const burn: Signal = { signal: 'burn-rate' };

/** Error rates by window length; windows not listed are empty. */
function evaluate(
  rates: Record<number, number>,
  previous: SignalState = INITIAL_SIGNAL_STATE,
  signal = burn,
) {
  const asked: number[] = [];
  const measurements = fakeMeasurements({
    errorRate: (_key, windowMs) => {
      asked.push(windowMs);
      const rate = rates[windowMs];
      return rate === undefined ? undefined : { rate, count: 1000 };
    },
  });
  return { ...evaluateSignal(signal, defaults, measurements, previous, NOW), asked };
}

describe('burn-rate arithmetic', () => {
  it('the error budget is 1 − availability, or the error-rate target, the stricter of both', () => {
    expect(errorBudget({ availability: 0.999 })).toBe(0.001);
    expect(errorBudget({ errorRate: { below: 0.01 } })).toBe(0.01);
    expect(errorBudget({ availability: 0.999, errorRate: { below: 0.01 } })).toBe(0.001);
    expect(errorBudget({ availability: 1 })).toBeUndefined();
    expect(errorBudget({ window: DAY })).toBeUndefined();
  });

  it('defaults to fast 1h × 14.4 and slow 6h × 6 for 30 days: 2% and 5% of the budget', () => {
    const { fast, slow } = defaultBurnWindows(30 * DAY);
    expect(fast).toEqual({ windowMs: HOUR, factor: 14.4 });
    expect(slow).toEqual({ windowMs: 6 * HOUR, factor: 6 });
    expect(budgetSpent(fast.factor, fast.windowMs, 30 * DAY)).toBeCloseTo(0.02, 12);
    expect(budgetSpent(slow.factor, slow.windowMs, 30 * DAY)).toBeCloseTo(0.05, 12);
    // At 14.4× the whole budget is gone in 50 hours.
    expect(budgetSpent(14.4, 50 * HOUR, 30 * DAY)).toBeCloseTo(1, 12);
  });

  it('keeps those budget fractions for another SLO window', () => {
    const { fast, slow } = defaultBurnWindows(7 * DAY);
    expect(fast.factor).toBeCloseTo(3.36, 12);
    expect(slow.factor).toBeCloseTo(1.4, 12);
  });

  it('a 1.44% error rate against a 0.1% budget is a burn rate of exactly 14.4', () => {
    expect(burnRate(0.0144, 0.001)).toBe(14.4);
  });
});

describe('burn-rate signal (99.9% SLO)', () => {
  it('fires when 1h and 5m both burn above 14.4×', () => {
    const result = evaluate({ [HOUR]: 0.015, [5 * MIN]: 0.03, [6 * HOUR]: 0.003, [30 * MIN]: 0.003 });
    expect(result.holds).toBe(true);
    expect(result.value).toBe(15);
    expect(result.threshold).toBe(14.4);
    expect(result.description).toBe(
      'burn rate 15× over 1h (30× over 5m) above 14.4× (error budget 0.1% over 30d)',
    );
    expect(result.asked).toEqual([HOUR, 5 * MIN, 6 * HOUR, 30 * MIN]);
  });

  it('does not fire at exactly 14.4× (1.44% over 1h): the threshold is strict', () => {
    expect(evaluate({ [HOUR]: 0.0144, [5 * MIN]: 0.0144 }).holds).toBe(false);
  });

  it('does not fire when the errors stopped: the 5m window resets it', () => {
    const previous = { active: true, conditionSince: NOW - HOUR };
    const result = evaluate({ [HOUR]: 0.02, [5 * MIN]: 0, [6 * HOUR]: 0.004, [30 * MIN]: 0.004 }, previous);
    expect(result.holds).toBe(false);
    expect(result.state).toEqual({ active: false });
  });

  it('fires on the slow pair: 6h and 30m above 6×, while 1h stays under 14.4×', () => {
    const result = evaluate({ [HOUR]: 0.007, [5 * MIN]: 0.007, [6 * HOUR]: 0.007, [30 * MIN]: 0.008 });
    expect(result.holds).toBe(true);
    expect(result.value).toBe(7);
    expect(result.threshold).toBe(6);
  });

  it('judges on the long window alone when the short one is empty', () => {
    expect(evaluate({ [HOUR]: 0.02 }).holds).toBe(true);
  });

  it('shows the pair closest to its factor when none holds', () => {
    const result = evaluate({ [HOUR]: 0.01, [5 * MIN]: 0.01, [6 * HOUR]: 0.002, [30 * MIN]: 0.002 });
    expect(result.holds).toBe(false);
    expect([result.value, result.threshold]).toEqual([10, 14.4]);
  });

  it('takes its own windows and factors; each pair defaults on its own', () => {
    const signal: Signal = { signal: 'burn-rate', fast: { window: 30 * MIN, factor: 10 } };
    const result = evaluate({ [30 * MIN]: 0.011, [2.5 * MIN]: 0.011 }, INITIAL_SIGNAL_STATE, signal);
    expect(result.holds).toBe(true);
    expect(result.threshold).toBe(10);
    expect(result.asked).toEqual([30 * MIN, 2.5 * MIN, 6 * HOUR, 30 * MIN]);
  });

  it('has no data without results, without an SLO, or with a 100% target', () => {
    expect(evaluate({}).description).toBe('burn rate: no results in the last 6h');
    const noBudget = { ...defaults, slos: new Map([['payments', { availability: 1 }]]) };
    const result = evaluateSignal(burn, noBudget, fakeMeasurements(), INITIAL_SIGNAL_STATE, NOW);
    expect(result.description).toBe('burn rate: the SLO of payments leaves no error budget');
  });
});
