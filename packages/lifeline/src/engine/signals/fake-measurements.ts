/**
 * A `Measurements` with no data anywhere unless told otherwise: for tests of the engine and of the shell's
 * callers. Pass only the readings a test cares about.
 */
import type { Measurements } from './measurements.js';

export function fakeMeasurements(readings: Partial<Measurements> = {}): Measurements {
  return {
    latencyPercentile: () => undefined,
    errorRate: () => undefined,
    failures: () => undefined,
    latestClass: () => undefined,
    tlsDaysLeft: () => undefined,
    firingAlerts: () => undefined,
    ...readings,
  };
}
