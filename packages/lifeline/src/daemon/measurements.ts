/**
 * The daemon's `Measurements`: the engine's signal evaluation reads check results through it. Short windows come
 * from the rolling windows (HdrHistogram slices); p90 and p99.9, which those do not answer, from raw samples;
 * windows longer than the rolling windows keep (burn rates) from per-minute counts; the latest class and TLS days
 * left from the latest results. A window longer than anything kept is read over what is kept. Inbound alerts
 * are not check results: `firingAlerts` answers "unknown" here, and the signal loop reads them from the alert
 * book instead (see `alert-service-impl.ts`).
 */
import type { FailureClass } from '../checks/check-result.js';
import { checkWindowKey, integrationWindowKey, type WindowStore } from '../checks/windows/index.js';
import type {
  ErrorRateReading,
  LatestClassReading,
  MeasurementKey,
  Measurements,
  Percentile,
} from '../engine/signals/index.js';
import type { LatestResults } from './latest-results.js';
import type { MinuteCounts } from './minute-counts.js';

/** The rolling-window key of what a signal measures: one check, or every check of the integration. */
export function windowKeyOf(key: MeasurementKey): string {
  return key.check !== undefined ? checkWindowKey(key.check) : integrationWindowKey(key.integration);
}

const FROM_WINDOWS = { p50: 'p50', p95: 'p95', p99: 'p99' } as const;
const FROM_SAMPLES: Partial<Record<Percentile, number>> = { p90: 90, 'p99.9': 99.9 };

export class DaemonMeasurements implements Measurements {
  constructor(
    private readonly windows: WindowStore,
    private readonly latest: LatestResults,
    private readonly minutes: MinuteCounts,
  ) {}

  latencyPercentile(
    key: MeasurementKey,
    percentile: Percentile,
    windowMs: number,
    now: number,
  ): number | undefined {
    const windowKey = windowKeyOf(key);
    const span = this.shortSpan(windowMs);
    const exact = FROM_SAMPLES[percentile];
    if (exact !== undefined) return this.latest.percentile(windowKey, exact, span, now);
    const field = FROM_WINDOWS[percentile as keyof typeof FROM_WINDOWS];
    const value = this.windows.snapshot(windowKey, span, now)[field];
    return value ?? undefined;
  }

  errorRate(key: MeasurementKey, windowMs: number, now: number): ErrorRateReading | undefined {
    const windowKey = windowKeyOf(key);
    if (windowMs > this.windows.retentionMs && this.minutes.covers(windowKey, windowMs)) {
      const { count, failures } = this.minutes.totals(windowKey, windowMs, now);
      return count > 0 ? { rate: failures / count, count } : undefined;
    }
    const snapshot = this.windows.snapshot(windowKey, this.shortSpan(windowMs), now);
    return snapshot.count > 0 ? { rate: snapshot.errorRate, count: snapshot.count } : undefined;
  }

  failures(
    key: MeasurementKey,
    withinMs: number,
    now: number,
    classes?: readonly FailureClass[],
  ): number | undefined {
    const windowKey = windowKeyOf(key);
    const wanted = classes && classes.length > 0 ? classes : undefined;
    if (withinMs > this.windows.retentionMs && this.minutes.covers(windowKey, withinMs)) {
      const { count, failures } = this.minutes.totals(windowKey, withinMs, now, wanted);
      return count > 0 ? failures : undefined;
    }
    const snapshot = this.windows.snapshot(windowKey, this.shortSpan(withinMs), now);
    if (snapshot.count === 0) return undefined;
    if (!wanted) return snapshot.failures;
    return wanted.reduce((sum, klass) => sum + snapshot.byClass[klass], 0);
  }

  latestClass(key: MeasurementKey): LatestClassReading | undefined {
    return this.latest.latestClass(windowKeyOf(key));
  }

  tlsDaysLeft(key: MeasurementKey): number | undefined {
    return this.latest.tlsDaysLeft(key.integration, key.check);
  }

  firingAlerts(): undefined {
    return undefined;
  }

  /** A window the rolling windows can answer: at least one millisecond, at most their retention. */
  private shortSpan(windowMs: number): number {
    return Math.min(Math.max(1, windowMs), this.windows.retentionMs);
  }
}
