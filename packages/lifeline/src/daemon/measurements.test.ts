/**
 * The daemon's `Measurements` over real rolling windows: percentiles from the windows and from raw samples,
 * error rates and failure counts short and long, the latest class with since when it has held, and TLS days.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import { WindowStore, checkWindowKey, integrationWindowKey } from '../checks/windows/index.js';
import { LatestResults } from './latest-results.js';
import { DaemonMeasurements } from './measurements.js';
import { MinuteCounts } from './minute-counts.js';

const T0 = 1_767_225_600_000;

function result(at: number, latencyMs: number, klass: FailureClass = 'ok', check = 'up'): CheckResult {
  return {
    integration: 'pay',
    check,
    kind: 'http',
    ok: klass === 'ok',
    class: klass,
    latencyMs,
    signature: `sig-${klass}`,
    message: '',
    startedAt: at,
    attempts: 1,
  };
}

function setup() {
  const windows = new WindowStore({ sliceMs: 1000, retentionMs: 60_000 });
  const latest = new LatestResults(60_000);
  const minutes = new MinuteCounts();
  latest.sampleKeys(new Set([checkWindowKey('up')]));
  minutes.track(new Map([[integrationWindowKey('pay'), 3_600_000]]));
  const record = (r: CheckResult) => {
    windows.record(r);
    latest.record(r);
    minutes.add(integrationWindowKey('pay'), r.startedAt, 1, r.ok ? 0 : 1, { [r.class]: 1 });
  };
  return { measurements: new DaemonMeasurements(windows, latest, minutes), record, latest };
}

describe('DaemonMeasurements', () => {
  it('answers percentiles from the windows and p90 from raw samples, undefined without data', () => {
    const { measurements, record } = setup();
    expect(
      measurements.latencyPercentile({ integration: 'pay', check: 'up' }, 'p95', 10_000, T0),
    ).toBeUndefined();
    for (let i = 1; i <= 10; i++) record(result(T0 + i * 100, i * 100));
    const key = { integration: 'pay', check: 'up' };
    expect(measurements.latencyPercentile(key, 'p95', 10_000, T0 + 1000)).toBeCloseTo(1000, -1);
    expect(measurements.latencyPercentile(key, 'p90', 10_000, T0 + 1000)).toBe(900);
    expect(measurements.latencyPercentile(key, 'p50', 10_000, T0 + 1000)).toBeCloseTo(500, -1);
  });

  it('counts errors and failures over short windows, and long windows from minute counts', () => {
    const { measurements, record } = setup();
    record(result(T0 - 30 * 60_000, 10, 'server-error'));
    record(result(T0 - 1000, 10, 'ok'));
    record(result(T0 - 500, 10, 'timeout'));
    record(result(T0 - 400, 10, 'slow'));
    const pay = { integration: 'pay' };
    expect(measurements.errorRate(pay, 10_000, T0)).toEqual({ rate: 2 / 3, count: 3 });
    expect(measurements.failures(pay, 10_000, T0)).toBe(2);
    expect(measurements.failures(pay, 10_000, T0, ['timeout'])).toBe(1);
    // An hour is beyond the windows' minute of retention: minute counts answer, the old error included.
    expect(measurements.errorRate(pay, 3_600_000, T0)).toEqual({ rate: 3 / 4, count: 4 });
    expect(measurements.failures({ integration: 'other' }, 10_000, T0)).toBeUndefined();
  });

  it('knows the latest class and since when it has held, and the soonest certificate expiry', () => {
    const { measurements, record } = setup();
    record(result(T0, 10, 'ok'));
    record(result(T0 + 1000, 10, 'credential'));
    record(result(T0 + 2000, 10, 'credential'));
    expect(measurements.latestClass({ integration: 'pay', check: 'up' })).toEqual({
      class: 'credential',
      since: T0 + 1000,
    });
    record({
      ...result(T0 + 3000, 10, 'ok', 'tls-a'),
      kind: 'tls',
      tls: { daysLeft: 20 } as CheckResult['tls'],
    });
    record({
      ...result(T0 + 3000, 10, 'ok', 'tls-b'),
      kind: 'tls',
      tls: { daysLeft: 5 } as CheckResult['tls'],
    });
    expect(measurements.tlsDaysLeft({ integration: 'pay' })).toBe(5);
    expect(measurements.tlsDaysLeft({ integration: 'pay', check: 'tls-a' })).toBe(20);
    expect(measurements.firingAlerts()).toBeUndefined();
  });
});
