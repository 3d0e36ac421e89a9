/**
 * Observers of the threshold signals, `latency` (a percentile in ms) and `error-rate` (a fraction): the value
 * over the window against `above`/`below`, and the `clear` bound that gives them a dead band.
 */
import type { Signal } from '../../workspace/model.js';
import { DEFAULT_WINDOW_MS } from './defaults.js';
import { formatLatency, formatPercent, formatSpan } from './format.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import type { Observation } from './observation.js';
import { beyond, clearThresholdOf, thresholdOf, type Bounds, type Threshold } from './threshold.js';

type LatencySignal = Extract<Signal, { signal: 'latency' }>;
type ErrorRateSignal = Extract<Signal, { signal: 'error-rate' }>;

interface ThresholdReading {
  subject: string;
  value: number | undefined;
  windowMs: number;
  bounds: Bounds;
  clear: Bounds | undefined;
  format: (value: number) => string;
}

function observeThreshold(reading: ThresholdReading): Observation {
  const { subject, value, format } = reading;
  const raw = thresholdOf(reading.bounds);
  if (raw === undefined) {
    // Validation requires `above` or `below`; without one there is nothing to compare, so nothing can fire.
    return { kind: 'no-data', text: `${subject}: no threshold (above or below) set`, thresholdText: 'none' };
  }
  const rule = (t: Threshold) => `${t.direction} ${format(t.value)}`;
  if (value === undefined) {
    return {
      kind: 'no-data',
      text: `${subject}: no results in the last ${formatSpan(reading.windowMs)}`,
      threshold: raw.value,
      thresholdText: format(raw.value),
    };
  }
  const clear = clearThresholdOf(raw, reading.clear);
  const condition = beyond(raw, value);
  return {
    kind: 'measured',
    condition,
    clear: clear === undefined ? !condition : beyond(clear, value),
    value,
    threshold: raw.value,
    valueText: format(value),
    thresholdText: format(raw.value),
    holdsText: `${subject} ${format(value)} ${rule(raw)}`,
    unmetText: `${subject} ${format(value)}, not ${rule(raw)}`,
    ...(clear && { clearRule: rule(clear) }),
  };
}

export function observeLatency(
  signal: LatencySignal,
  key: MeasurementKey,
  measurements: Measurements,
  now: number,
): Observation {
  const windowMs = signal.window ?? DEFAULT_WINDOW_MS;
  return observeThreshold({
    subject: `${signal.percentile} latency`,
    value: measurements.latencyPercentile(key, signal.percentile, windowMs, now),
    windowMs,
    bounds: signal,
    clear: signal.clear,
    format: formatLatency,
  });
}

export function observeErrorRate(
  signal: ErrorRateSignal,
  key: MeasurementKey,
  measurements: Measurements,
  now: number,
): Observation {
  const windowMs = signal.window ?? DEFAULT_WINDOW_MS;
  const reading = measurements.errorRate(key, windowMs, now);
  return observeThreshold({
    subject: 'error rate',
    // An empty window is no data, not 0 %.
    value: reading !== undefined && reading.count > 0 ? reading.rate : undefined,
    windowMs,
    bounds: signal,
    clear: signal.clear,
    format: formatPercent,
  });
}
