/**
 * Signals: evaluation of playbook conditions from measurements, with hysteresis so they do not flap. The shell
 * implements `Measurements`, persists `SignalState`s under `signalKey`s, and calls these at each tick.
 *
 * Semantics in short:
 * - A signal becomes active once its condition held continuously for `for` (default 0) and stays active until
 *   its clear condition (`clear` threshold, else the negation) held for `clear.for` (default `for`).
 * - No data neither fires nor clears; the hold times restart after the gap.
 * - Burn rate: fast and slow pairs (long window and 1/12 of it) as in the SRE workbook; either pair fires it.
 * - Criteria: `match` any/all over the signals' `active`, then the criteria's own `for`; no extra hysteresis.
 */
export type {
  AlertSelector,
  ErrorRateReading,
  FiringAlert,
  LatestClassReading,
  MeasurementKey,
  Measurements,
  Percentile,
} from './measurements.js';
export {
  INITIAL_SIGNAL_STATE,
  advance,
  type Evidence,
  type HoldTimes,
  type SignalState,
} from './signal-state.js';
export {
  DEFAULT_SLO_WINDOW_MS,
  DEFAULT_WINDOW_MS,
  signalDefaultsFor,
  slosOf,
  type SignalDefaults,
} from './defaults.js';
export { evaluateSignal, holdTimesOf, measurementKeyOf, type SignalEvaluation } from './evaluate.js';
export type { SignalSense } from './observation.js';
export {
  INITIAL_CRITERIA_STATE,
  evaluateCriteria,
  type Criteria,
  type CriteriaEvaluation,
  type CriteriaState,
  type Match,
  type ProblemValues,
} from './criteria.js';
export {
  criteriaKey,
  parseSignalKey,
  signalKey,
  type CriteriaRole,
  type SignalOwner,
  type StepSignalUse,
} from './signal-key.js';
export { budgetSpent, burnRate, defaultBurnWindows, errorBudget, type BurnWindow } from './burn-rate.js';
export { fakeMeasurements } from './fake-measurements.js';
