/**
 * What an observer makes of a signal's measurements at one moment, before hysteresis: either no data, or the raw
 * and clear conditions with the value, the threshold and the phrases a description is built from.
 */
import type { Evidence } from './signal-state.js';

export type Observation = NoDataObservation | MeasuredObservation;

/**
 * Which way a signal reads: `fires` (triggers, rollback criteria, steps) or `resolves` (success criteria). Only
 * `alert` signals differ: they hold while a matching alert fires, and in success criteria while none does; the
 * other kinds state their own condition (`below: 500ms`) and read the same either way.
 */
export type SignalSense = 'fires' | 'resolves';

export interface NoDataObservation {
  kind: 'no-data';
  /** e.g. `p95 latency: no results in the last 5m`. */
  text: string;
  threshold?: number;
  thresholdText: string;
}

export interface MeasuredObservation extends Evidence {
  kind: 'measured';
  /** In the signal's own unit: ms, fraction, burn factor, count or days; absent when not a number. */
  value?: number;
  threshold?: number;
  /** For problem statements, e.g. `1.2s`, `12.5%`, `credential`. */
  valueText: string;
  thresholdText: string;
  /** While the condition holds, e.g. `p95 latency 1.2s above 800ms`. */
  holdsText: string;
  /** While it does not, e.g. `p95 latency 600ms, not above 800ms`. */
  unmetText: string;
  /** The clear condition when it is its own threshold (e.g. `below 500ms`); absent when it is the negation. */
  clearRule?: string;
  /** Further `{{…}}` values for problem statements, e.g. an alert's `alert`, `labels` and `summary`. */
  values?: Readonly<Record<string, string>>;
}
