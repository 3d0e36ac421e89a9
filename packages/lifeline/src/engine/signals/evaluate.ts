/**
 * Evaluation of one signal at one moment: read its measurements, apply hysteresis to the previous state, and
 * describe the outcome. Pure: the same signal, defaults, readings, state and `now` give the same result.
 */
import type { Signal } from '../../workspace/model.js';
import { assertNever } from '../assert-never.js';
import { observeBurnRate } from './burn-rate.js';
import type { SignalDefaults } from './defaults.js';
import { describeSignal } from './describe.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import type { Observation, SignalSense } from './observation.js';
import { observeAlert, observeTlsDaysLeft } from './observe-external.js';
import { observeFailureClass, observeFailures } from './observe-failures.js';
import { observeErrorRate, observeLatency } from './observe-threshold.js';
import { advance, type HoldTimes, type SignalState } from './signal-state.js';

export interface SignalEvaluation {
  /** To persist and pass back as `previous` next time. */
  state: SignalState;
  /** Whether the signal is active: its condition held for `for` and has not cleared since. */
  holds: boolean;
  /** The measured value in the signal's unit (ms, fraction, burn factor, count, days); absent without data. */
  value?: number;
  threshold?: number;
  /** The same, formatted for problem statements (`1.2s`, `12.5%`, `credential`). */
  valueText?: string;
  thresholdText?: string;
  /** One human line, e.g. `p95 latency 1.2s above 800ms for 2m`. */
  description: string;
  /** Further `{{…}}` values for problem statements (an alert's `alert`, `labels`, `summary`, …). */
  values?: Readonly<Record<string, string>>;
}

/** What the signal measures: its own `integration` and `check`, else the playbook's integration. */
export function measurementKeyOf(signal: Signal, defaults: SignalDefaults): MeasurementKey {
  const integration = signal.integration ?? defaults.integration;
  return signal.check === undefined ? { integration } : { integration, check: signal.check };
}

/** `for` (default 0) and `clear.for` (default: `for`). Signals without those keys fire and clear at once. */
export function holdTimesOf(signal: Signal): HoldTimes {
  switch (signal.signal) {
    case 'latency':
    case 'error-rate': {
      const forMs = signal.for ?? 0;
      return { forMs, clearForMs: signal.clear?.for ?? forMs };
    }
    case 'failure-class': {
      const forMs = signal.for ?? 0;
      return { forMs, clearForMs: forMs };
    }
    case 'alert':
      // The source has its own hysteresis (Prometheus `for`, Alertmanager's resolve timeout): a resolve counts at once.
      return { forMs: signal.for ?? 0, clearForMs: 0 };
    case 'burn-rate':
    case 'failures':
    case 'tls-days-left':
      return { forMs: 0, clearForMs: 0 };
    default:
      return assertNever(signal);
  }
}

function observe(
  signal: Signal,
  key: MeasurementKey,
  defaults: SignalDefaults,
  measurements: Measurements,
  now: number,
  sense: SignalSense,
): Observation {
  switch (signal.signal) {
    case 'latency':
      return observeLatency(signal, key, measurements, now);
    case 'error-rate':
      return observeErrorRate(signal, key, measurements, now);
    case 'burn-rate':
      return observeBurnRate(signal, key, defaults.slos.get(key.integration), measurements, now);
    case 'failures':
      return observeFailures(signal, key, measurements, now);
    case 'failure-class':
      return observeFailureClass(signal, key, measurements);
    case 'tls-days-left':
      return observeTlsDaysLeft(signal, key, measurements);
    case 'alert':
      return observeAlert(signal, key, measurements, now, sense);
    default:
      return assertNever(signal);
  }
}

/**
 * Evaluates `signal` at `now` from `previous` (use `INITIAL_SIGNAL_STATE` the first time); `sense` is
 * `resolves` for success criteria (see `SignalSense`).
 *
 * @example
 * const { state, holds, description } = evaluateSignal(
 *   { signal: 'latency', percentile: 'p95', above: 800, for: 120_000, clear: { below: 500 } },
 *   defaults, measurements, previous, now,
 * ); // description: 'p95 latency 1.2s above 800ms for 2m'
 */
export function evaluateSignal(
  signal: Signal,
  defaults: SignalDefaults,
  measurements: Measurements,
  previous: SignalState,
  now: number,
  sense: SignalSense = 'fires',
): SignalEvaluation {
  const key = measurementKeyOf(signal, defaults);
  const observation = observe(signal, key, defaults, measurements, now, sense);
  const hold = holdTimesOf(signal);
  const state = advance(previous, observation.kind === 'measured' ? observation : undefined, hold, now);
  // Name what is measured when the signal says so; the playbook's own integration goes without saying.
  const subject = signal.check ?? signal.integration;
  const line = describeSignal({ observation, previous, state, hold, now });
  return {
    state,
    holds: state.active,
    ...(observation.kind === 'measured' && observation.value !== undefined && { value: observation.value }),
    ...(observation.threshold !== undefined && { threshold: observation.threshold }),
    ...(observation.kind === 'measured' && { valueText: observation.valueText }),
    thresholdText: observation.thresholdText,
    description: subject === undefined ? line : `${subject}: ${line}`,
    ...(observation.kind === 'measured' && observation.values && { values: observation.values }),
  };
}
