/**
 * Measurements with inbound alerts: the check-result readings of `base`, and `firingAlerts` answered from the
 * alert book. The daemon's windows know nothing of alerts; the signal loop reads through this.
 */
import type { AlertSelector, FiringAlert, Measurements } from '../engine/signals/index.js';
import { matchAlerts, type AlertBook } from './alert-book.js';

export function withAlerts(base: Measurements, book: () => AlertBook): Measurements {
  return {
    latencyPercentile: (key, percentile, windowMs, now) =>
      base.latencyPercentile(key, percentile, windowMs, now),
    errorRate: (key, windowMs, now) => base.errorRate(key, windowMs, now),
    failures: (key, withinMs, now, classes) => base.failures(key, withinMs, now, classes),
    latestClass: (key) => base.latestClass(key),
    tlsDaysLeft: (key) => base.tlsDaysLeft(key),
    firingAlerts: (selector: AlertSelector, now: number): readonly FiringAlert[] =>
      matchAlerts(book(), selector, now),
  };
}
