/**
 * Thresholds of the `above`/`below` signals (latency, error rate) and of their hysteresis `clear` bounds.
 * Comparisons are strict: `above 800ms` holds at 801 ms, not at 800 ms.
 */
import { assertNever } from '../assert-never.js';

export type Direction = 'above' | 'below';

export interface Threshold {
  direction: Direction;
  value: number;
}

export interface Bounds {
  above?: number;
  below?: number;
}

/** Whether `value` is beyond the threshold. */
export function beyond(threshold: Threshold, value: number): boolean {
  switch (threshold.direction) {
    case 'above':
      return value > threshold.value;
    case 'below':
      return value < threshold.value;
    default:
      return assertNever(threshold.direction);
  }
}

/** The signal's threshold; `above` wins if both are given (validation rejects that). Undefined if neither. */
export function thresholdOf(bounds: Bounds): Threshold | undefined {
  if (bounds.above !== undefined) return { direction: 'above', value: bounds.above };
  if (bounds.below !== undefined) return { direction: 'below', value: bounds.below };
  return undefined;
}

/**
 * The clear threshold: the `clear` bound on the opposite side of the raw threshold (`above: 800ms` clears on
 * `clear.below`). A bound on the same side makes no dead band and is ignored, so the signal still clears on the
 * negation of its condition.
 */
export function clearThresholdOf(raw: Threshold, clear: Bounds | undefined): Threshold | undefined {
  const opposite: Direction = raw.direction === 'above' ? 'below' : 'above';
  const value = clear?.[opposite];
  return value === undefined ? undefined : { direction: opposite, value };
}
