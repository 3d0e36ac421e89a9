// Table tests of every signal kind from a fresh state: holds or not, value, threshold, description; what the
// signal asks the measurements; and that no data never fires.
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../workspace/model.js';
import type { SignalDefaults } from './defaults.js';
import { evaluateSignal } from './evaluate.js';
import { fakeMeasurements } from './fake-measurements.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import { INITIAL_SIGNAL_STATE } from './signal-state.js';

const NOW = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const defaults: SignalDefaults = {
  integration: 'payments',
  slos: new Map([['payments', { availability: 0.999, window: 30 * 86_400_000 }]]),
};

interface Row {
  name: string;
  signal: Signal;
  readings: Partial<Measurements>;
  holds: boolean;
  value?: number;
  threshold?: number;
  valueText?: string;
  description: string;
}

const rate = (value: number, count = 100) => ({ rate: value, count });

const rows: Row[] = [
  {
    name: 'latency above',
    signal: { signal: 'latency', percentile: 'p95', above: 800 },
    readings: { latencyPercentile: () => 1200 },
    holds: true,
    value: 1200,
    threshold: 800,
    valueText: '1.2s',
    description: 'p95 latency 1.2s above 800ms',
  },
  {
    name: 'latency at the threshold (strict)',
    signal: { signal: 'latency', percentile: 'p95', above: 800 },
    readings: { latencyPercentile: () => 800 },
    holds: false,
    value: 800,
    threshold: 800,
    description: 'p95 latency 800ms, not above 800ms',
  },
  {
    name: 'latency below (success criteria)',
    signal: { signal: 'latency', check: 'charges-up', percentile: 'p99', below: 500 },
    readings: { latencyPercentile: () => 320 },
    holds: true,
    value: 320,
    threshold: 500,
    description: 'charges-up: p99 latency 320ms below 500ms',
  },
  {
    name: 'error rate above',
    signal: { signal: 'error-rate', above: 0.05 },
    readings: { errorRate: () => rate(0.125, 40) },
    holds: true,
    value: 0.125,
    threshold: 0.05,
    valueText: '12.5%',
    description: 'error rate 12.5% above 5%',
  },
  {
    name: 'error rate below',
    signal: { signal: 'error-rate', above: 0.05 },
    readings: { errorRate: () => rate(0.01) },
    holds: false,
    value: 0.01,
    description: 'error rate 1%, not above 5%',
  },
  {
    name: 'error rate of an empty window is no data, not 0%',
    signal: { signal: 'error-rate', below: 0.01 },
    readings: { errorRate: () => rate(0, 0) },
    holds: false,
    threshold: 0.01,
    description: 'error rate: no results in the last 5m',
  },
  {
    name: 'burn rate over the fast pair',
    signal: { signal: 'burn-rate' },
    readings: { errorRate: (_key, windowMs) => rate(windowMs <= 3_600_000 ? 0.02 : 0.002) },
    holds: true,
    value: 20,
    threshold: 14.4,
    description: 'burn rate 20× over 1h (20× over 5m) above 14.4× (error budget 0.1% over 30d)',
  },
  {
    name: 'burn rate under both factors',
    signal: { signal: 'burn-rate' },
    readings: { errorRate: () => rate(0.001) },
    holds: false,
    description: 'burn rate 1× over 1h (1× over 5m), 1× over 6h (1× over 30m), not above 14.4× / 6×',
  },
  {
    name: 'failures reaching the count',
    signal: { signal: 'failures', count: 3, within: 5 * MIN },
    readings: { failures: () => 3 },
    holds: true,
    value: 3,
    threshold: 3,
    description: '3 failures within 5m, at least 3',
  },
  {
    name: 'failures of some classes',
    signal: { signal: 'failures', count: 3, within: 5 * MIN, classes: ['timeout', 'unreachable'] },
    readings: { failures: (_key, _within, _now, classes) => (classes?.length === 2 ? 1 : 99) },
    holds: false,
    value: 1,
    description: '1 timeout/unreachable failure within 5m, fewer than 3',
  },
  {
    name: 'failure class matching',
    signal: { signal: 'failure-class', check: 'payments-credential', class: 'credential' },
    readings: { latestClass: () => ({ class: 'credential', since: NOW - 5 * MIN }) },
    holds: true,
    valueText: 'credential',
    description: 'payments-credential: latest result credential for 5m',
  },
  {
    name: 'failure class not matching one of several',
    signal: { signal: 'failure-class', class: ['timeout', 'unreachable'] },
    readings: { latestClass: () => ({ class: 'ok', since: NOW - MIN }) },
    holds: false,
    valueText: 'ok',
    description: 'latest result ok, not one of timeout, unreachable',
  },
  {
    name: 'TLS days left below',
    signal: { signal: 'tls-days-left', below: 14 },
    readings: { tlsDaysLeft: () => 9 },
    holds: true,
    value: 9,
    threshold: 14,
    description: 'TLS certificate expires in 9 days, fewer than 14 days left',
  },
  {
    name: 'TLS certificate expired',
    signal: { signal: 'tls-days-left', below: 14 },
    readings: { tlsDaysLeft: () => -2 },
    holds: true,
    description: 'TLS certificate expired 2 days ago, fewer than 14 days left',
  },
  {
    name: 'TLS days left enough',
    signal: { signal: 'tls-days-left', below: 14 },
    readings: { tlsDaysLeft: () => 60 },
    holds: false,
    description: 'TLS certificate expires in 60 days, not fewer than 14 days',
  },
  {
    name: 'alert firing',
    signal: {
      signal: 'alert',
      alert: 'HighErrorRate',
      labels: { service: 'checkout', env: '/prod|staging/' },
    },
    readings: {
      firingAlerts: (selector) =>
        selector.name === 'HighErrorRate' && selector.labels['env'] === '/prod|staging/'
          ? [{ name: 'HighErrorRate', labels: { env: 'prod' }, annotations: {}, startsAt: NOW - MIN }]
          : [],
    },
    holds: true,
    valueText: 'firing',
    description: 'alert HighErrorRate{env=~"prod|staging",service="checkout"} firing for 1m',
  },
  {
    name: 'alert resolved',
    signal: { signal: 'alert', alert: 'HighErrorRate' },
    readings: { firingAlerts: () => [] },
    holds: false,
    description: 'alert HighErrorRate not firing',
  },
];

describe('evaluateSignal: every kind', () => {
  it.each(rows)('$name', (row) => {
    const result = evaluateSignal(
      row.signal,
      defaults,
      fakeMeasurements(row.readings),
      INITIAL_SIGNAL_STATE,
      NOW,
    );
    expect(result.holds).toBe(row.holds);
    expect(result.state.active).toBe(row.holds);
    if ('value' in row) expect(result.value).toBe(row.value);
    if ('threshold' in row) expect(result.threshold).toBe(row.threshold);
    if ('valueText' in row) expect(result.valueText).toBe(row.valueText);
    expect(result.description).toContain(row.description);
  });
});

describe('evaluateSignal: what it asks the measurements', () => {
  it('measures the signal’s check of the playbook’s integration over the default window', () => {
    const asked: unknown[] = [];
    const measurements = fakeMeasurements({
      latencyPercentile: (key, percentile, windowMs, now) => (
        asked.push({ key, percentile, windowMs, now }),
        900
      ),
    });
    evaluateSignal(
      { signal: 'latency', check: 'charges-up', percentile: 'p95', above: 800 },
      defaults,
      measurements,
      INITIAL_SIGNAL_STATE,
      NOW,
    );
    expect(asked).toEqual([
      {
        key: { integration: 'payments', check: 'charges-up' },
        percentile: 'p95',
        windowMs: 5 * MIN,
        now: NOW,
      },
    ]);
  });

  it('measures another integration, and its SLO, when the signal names it', () => {
    const keys: MeasurementKey[] = [];
    const measurements = fakeMeasurements({ errorRate: (key) => (keys.push(key), rate(0.5)) });
    const result = evaluateSignal(
      { signal: 'burn-rate', integration: 'ledger' },
      defaults,
      measurements,
      INITIAL_SIGNAL_STATE,
      NOW,
    );
    expect(result.holds).toBe(false);
    expect(result.description).toBe('ledger: burn rate: ledger has no SLO');
    const withSlo = { ...defaults, slos: new Map([['ledger', { errorRate: { below: 0.01 } }]]) };
    expect(
      evaluateSignal(
        { signal: 'burn-rate', integration: 'ledger' },
        withSlo,
        measurements,
        INITIAL_SIGNAL_STATE,
        NOW,
      ).value,
    ).toBe(50);
    expect(keys.every((key) => key.integration === 'ledger' && key.check === undefined)).toBe(true);
  });
});

describe('evaluateSignal: no data', () => {
  const kinds: Signal[] = [
    { signal: 'latency', percentile: 'p95', above: 800 },
    { signal: 'error-rate', above: 0.05 },
    { signal: 'burn-rate' },
    { signal: 'failures', count: 1, within: MIN },
    { signal: 'failure-class', class: 'ok' },
    { signal: 'tls-days-left', below: 14 },
    { signal: 'alert', alert: 'X' },
  ];

  it.each(kinds.map((signal) => [signal.signal, signal] as const))(
    '%s neither fires nor clears',
    (_kind, signal) => {
      const none = fakeMeasurements();
      const fresh = evaluateSignal(signal, defaults, none, INITIAL_SIGNAL_STATE, NOW);
      expect(fresh.holds).toBe(false);
      expect(fresh.value).toBeUndefined();
      const active = evaluateSignal(signal, defaults, none, { active: true, conditionSince: NOW - MIN }, NOW);
      expect(active.state).toEqual({ active: true });
      expect(active.description).toContain('still active until data returns');
    },
  );

  it('says which window was empty', () => {
    const result = evaluateSignal(
      { signal: 'latency', percentile: 'p95', above: 800, window: 2 * MIN },
      defaults,
      fakeMeasurements(),
      INITIAL_SIGNAL_STATE,
      NOW,
    );
    expect(result.description).toBe('p95 latency: no results in the last 2m');
    expect(result.thresholdText).toBe('800ms');
  });
});

describe('evaluateSignal: alert', () => {
  const signal: Signal = { signal: 'alert', alert: 'HighErrorRate', severity: 'page', for: 2 * MIN };
  const firing = fakeMeasurements({
    firingAlerts: (selector) => {
      expect(selector).toEqual({
        name: 'HighErrorRate',
        labels: {},
        severity: ['page'],
        integration: 'payments',
      });
      return [
        {
          name: 'HighErrorRate',
          labels: { service: 'checkout', env: 'prod' },
          annotations: { summary: 'Checkout fails' },
          startsAt: NOW - 3 * MIN,
        },
      ];
    },
  });
  const quiet = fakeMeasurements({ firingAlerts: () => [] });

  it('counts `for` from the alert’s startsAt, and names it for problem statements', () => {
    const result = evaluateSignal(signal, defaults, firing, INITIAL_SIGNAL_STATE, NOW);
    expect(result.holds).toBe(true);
    expect(result.state).toEqual({ active: true, conditionSince: NOW - 3 * MIN });
    expect(result.values).toEqual({
      alert: 'HighErrorRate',
      labels: '{env="prod",service="checkout"}',
      summary: 'Checkout fails',
      alerts: '1',
      'labels.env': 'prod',
      'labels.service': 'checkout',
      'annotations.summary': 'Checkout fails',
    });
  });

  it('clears as soon as no alert fires', () => {
    const active = { active: true, conditionSince: NOW - 3 * MIN };
    expect(evaluateSignal(signal, defaults, quiet, active, NOW).state).toEqual({ active: false });
  });

  it('in success criteria, holds while no matching alert fires, for its `for`', () => {
    const first = evaluateSignal(signal, defaults, quiet, INITIAL_SIGNAL_STATE, NOW, 'resolves');
    expect(first.holds).toBe(false);
    expect(first.description).toContain('not firing; fires after 2m');
    const later = evaluateSignal(signal, defaults, quiet, first.state, NOW + 2 * MIN, 'resolves');
    expect(later.holds).toBe(true);
    expect(evaluateSignal(signal, defaults, firing, later.state, NOW + 3 * MIN, 'resolves').holds).toBe(
      false,
    );
  });
});
