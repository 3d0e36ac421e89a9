/**
 * Error-budget burn rate, multi-window and multi-burn-rate as in the Google SRE workbook ("Alerting on SLOs",
 * recommendation 6): a pair holds when the burn rate exceeds its factor over its long window AND over a short
 * window of 1/12 of it (so the signal resets within minutes once the errors stop); the signal holds when either
 * pair holds. Defaults for a 30-day SLO: fast 1h × 14.4 (2 % of the budget in an hour), slow 6h × 6 (5 % in six
 * hours); for another SLO window the default factors keep those budget fractions.
 */
import type { Signal, Slo } from '../../workspace/model.js';
import { DEFAULT_SLO_WINDOW_MS } from './defaults.js';
import { formatFactor, formatPercent, formatSpan } from './format.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import type { Observation } from './observation.js';

type BurnRateSignal = Extract<Signal, { signal: 'burn-rate' }>;

export interface BurnWindow {
  windowMs: number;
  factor: number;
}

const HOUR = 3_600_000;
/** The workbook's short window is 1/12 of the long one (1h → 5m, 6h → 30m). */
export const SHORT_WINDOW_DIVISOR = 12;

/**
 * The error budget as a fraction: `slo.errorRate.below`, or 1 − `slo.availability`; the smaller when both are
 * set (the stricter target is the one breached first). Undefined without a target or with a 100 % target.
 */
export function errorBudget(slo: Slo): number | undefined {
  const budgets: number[] = [];
  if (slo.errorRate !== undefined) budgets.push(slo.errorRate.below);
  // Rounded so that 1 − 99.9 % is 0.001, not 0.0010000000000000009.
  if (slo.availability !== undefined) budgets.push(Number((1 - slo.availability).toPrecision(12)));
  const budget = budgets.length > 0 ? Math.min(...budgets) : undefined;
  return budget !== undefined && budget > 0 ? budget : undefined;
}

/** The workbook defaults: 2 % of the budget in 1h (fast) and 5 % in 6h (slow); 14.4 and 6 for 30 days. */
export function defaultBurnWindows(sloWindowMs: number): { fast: BurnWindow; slow: BurnWindow } {
  return {
    // Integer arithmetic first, so 30 days gives exactly 14.4 and 6.
    fast: { windowMs: HOUR, factor: (2 * sloWindowMs) / (100 * HOUR) },
    slow: { windowMs: 6 * HOUR, factor: (5 * sloWindowMs) / (100 * 6 * HOUR) },
  };
}

/** Fraction of the whole budget spent by burning at `burnRate` for `windowMs`: 14.4 × 1h / 30d = 0.02. */
export function budgetSpent(burnRate: number, windowMs: number, sloWindowMs: number): number {
  return (burnRate * windowMs) / sloWindowMs;
}

/** Error rate / budget, rounded to 1e-9 so a rate exactly at the factor compares as a person expects. */
export function burnRate(errorRate: number, budget: number): number {
  return Math.round((errorRate / budget) * 1e9) / 1e9;
}

interface PairReading {
  window: BurnWindow;
  long: number | undefined;
  short: number | undefined;
  holds: boolean;
}

function readPair(
  window: BurnWindow,
  budget: number,
  key: MeasurementKey,
  measurements: Measurements,
  now: number,
): PairReading {
  const burn = (windowMs: number) => {
    const reading = measurements.errorRate(key, windowMs, now);
    return reading !== undefined && reading.count > 0 ? burnRate(reading.rate, budget) : undefined;
  };
  const long = burn(window.windowMs);
  const short = burn(window.windowMs / SHORT_WINDOW_DIVISOR);
  // An empty short window cannot confirm the burn goes on, nor deny it: the long window decides alone.
  const holds = long !== undefined && long > window.factor && (short === undefined || short > window.factor);
  return { window, long, short, holds };
}

function describePair(pair: PairReading): string {
  const long = `${pair.long === undefined ? 'no data' : formatFactor(pair.long)} over ${formatSpan(pair.window.windowMs)}`;
  const short =
    pair.short === undefined
      ? ''
      : ` (${formatFactor(pair.short)} over ${formatSpan(pair.window.windowMs / SHORT_WINDOW_DIVISOR)})`;
  return long + short;
}

export function observeBurnRate(
  signal: BurnRateSignal,
  key: MeasurementKey,
  slo: Slo | undefined,
  measurements: Measurements,
  now: number,
): Observation {
  const budget = slo && errorBudget(slo);
  if (slo === undefined || budget === undefined) {
    const why =
      slo === undefined
        ? `${key.integration} has no SLO`
        : `the SLO of ${key.integration} leaves no error budget`;
    return { kind: 'no-data', text: `burn rate: ${why}`, thresholdText: 'none' };
  }
  const sloWindowMs = slo.window ?? DEFAULT_SLO_WINDOW_MS;
  const defaults = defaultBurnWindows(sloWindowMs);
  const own = (burn: { window: number; factor: number } | undefined) =>
    burn && { windowMs: burn.window, factor: burn.factor };
  // Each pair defaults on its own: overriding the fast burn keeps the default slow one.
  const windows = [own(signal.fast) ?? defaults.fast, own(signal.slow) ?? defaults.slow];
  const pairs = windows.map((window) => readPair(window, budget, key, measurements, now));
  const budgetText = `error budget ${formatPercent(budget)} over ${formatSpan(sloWindowMs)}`;
  const measured = pairs.filter((pair) => pair.long !== undefined);
  if (measured.length === 0) {
    return {
      kind: 'no-data',
      text: `burn rate: no results in the last ${formatSpan(Math.max(...pairs.map((p) => p.window.windowMs)))}`,
      thresholdText: pairs.map((pair) => formatFactor(pair.window.factor)).join(' or '),
    };
  }
  // The value shown is the holding pair's, else the pair closest to its factor.
  const closest = (a: PairReading, b: PairReading) =>
    (b.long ?? 0) / b.window.factor > (a.long ?? 0) / a.window.factor ? b : a;
  const shown = pairs.find((pair) => pair.holds) ?? measured.reduce(closest);
  const condition = shown.holds;
  return {
    kind: 'measured',
    condition,
    clear: !condition,
    value: shown.long,
    threshold: shown.window.factor,
    valueText: formatFactor(shown.long ?? 0),
    thresholdText: formatFactor(shown.window.factor),
    holdsText: `burn rate ${describePair(shown)} above ${formatFactor(shown.window.factor)} (${budgetText})`,
    unmetText: `burn rate ${pairs.map(describePair).join(', ')}, not above ${pairs
      .map((pair) => formatFactor(pair.window.factor))
      .join(' / ')} (${budgetText})`,
  };
}
