/**
 * The input port of signal evaluation: what the engine needs to know about recent check results, SDK telemetry
 * and inbound alerts. The shell implements it from its rolling windows and the store; the pure core only reads.
 *
 * Every reading may be `undefined`, meaning "no data" (nothing measured in the window, no result yet, no
 * certificate seen, alert source unknown). A signal with no data neither fires nor clears: it keeps whether it
 * was active, and the time it has held (or cleared) restarts once data returns, because a gap cannot prove that
 * the condition held continuously.
 */
import type { FailureClass } from '../../checks/check-result.js';
import type { PERCENTILES } from '../../workspace/schema/primitives.js';

/** A latency percentile a signal can ask for, e.g. `p95`. */
export type Percentile = (typeof PERCENTILES)[number];

/** What is measured: one integration, optionally narrowed to one of its checks (default: all its checks). */
export interface MeasurementKey {
  integration: string;
  check?: string;
}

/**
 * An error rate with the number of results it was computed from. `count` 0 means an empty window: no data,
 * not 0 %.
 */
export interface ErrorRateReading {
  /** Failed results / all results, a fraction in [0, 1]. */
  rate: number;
  count: number;
}

/** The failure class of the latest result, and since when results have had that class without interruption. */
export interface LatestClassReading {
  class: FailureClass;
  /** Epoch ms of the first result of the current uninterrupted run of `class`. */
  since: number;
}

/**
 * Synchronous on purpose: the shell answers from in-memory windows it keeps up to date, so evaluation stays a
 * pure function of (signal, state, readings, now).
 */
export interface Measurements {
  /** Latency percentile in ms over `[now - windowMs, now]`; undefined when the window holds no result. */
  latencyPercentile(
    key: MeasurementKey,
    percentile: Percentile,
    windowMs: number,
    now: number,
  ): number | undefined;
  /** Error rate over `[now - windowMs, now]`; undefined or `count` 0 when the window holds no result. */
  errorRate(key: MeasurementKey, windowMs: number, now: number): ErrorRateReading | undefined;
  /**
   * Number of failed results in `[now - withinMs, now]`, counting only `classes` when given (default: every class
   * but `ok`). 0 when results arrived but none failed; undefined when no result arrived at all.
   */
  failures(
    key: MeasurementKey,
    withinMs: number,
    now: number,
    classes?: readonly FailureClass[],
  ): number | undefined;
  /** The latest result's class (across the integration's checks when `key.check` is absent); undefined before any. */
  latestClass(key: MeasurementKey): LatestClassReading | undefined;
  /** Days until the certificate expires (negative once expired); undefined when no TLS result is known. */
  tlsDaysLeft(key: MeasurementKey): number | undefined;
  /**
   * The inbound alerts matching `selector` that are firing at `now`, oldest first; empty when none is (also once
   * the source resolved them). Undefined when the shell keeps no alerts at all.
   */
  firingAlerts(selector: AlertSelector, now: number): readonly FiringAlert[] | undefined;
}

/** Which inbound alerts an `alert` signal is about. */
export interface AlertSelector {
  /** The alert name (Alertmanager's `alertname`). */
  name: string;
  /** Label matchers: a value, or `/regex/` matched against the whole value (see `alerts/label-matcher.ts`). */
  labels: Readonly<Record<string, string>>;
  /** Values the alert's `severity` label may have; absent: any. */
  severity?: readonly string[];
  /** The integration the signal measures: an alert that names an integration matches only its own. */
  integration: string;
}

/** A firing inbound alert, as far as a signal and a problem statement need it. */
export interface FiringAlert {
  name: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Epoch ms since when the source says it fires. */
  startsAt: number;
}
