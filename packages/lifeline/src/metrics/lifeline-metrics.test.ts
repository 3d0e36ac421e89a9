/**
 * `LifelineMetrics` fed by hand: counters and histograms move with check results, deliveries and store calls;
 * gauges are computed from the tracked sources at scrape time (and only then); each instance has its own
 * registry.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/check-result.js';
import { fakeMeasurements } from '../engine/signals/index.js';
import type { OutboxStats } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { LifelineMetrics } from './lifeline-metrics.js';
import type { IncidentView, MetricSources } from './metric-sources.js';
import { sample, series } from './test-support/read-metrics.js';

const NOW = 1_767_225_600_000;

function result(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    integration: 'payments',
    check: 'charges-up',
    kind: 'http',
    ok: true,
    class: 'ok',
    latencyMs: 120,
    signature: 'ok',
    message: 'ok',
    startedAt: NOW,
    attempts: 1,
    ...overrides,
  };
}

const workspace = {
  severities: [{ id: 'SEV1' }, { id: 'SEV2' }],
  channels: [
    { id: 'hook', kind: 'webhook' },
    { id: 'pager', kind: 'pagerduty' },
  ],
  integrations: [
    { id: 'payments', slo: { availability: 0.999, errorRate: { below: 0.01 } } },
    { id: 'shipping', slo: { window: 3_600_000 } },
    { id: 'maps' },
  ],
} as unknown as Workspace;

function incident(id: string, severity: string, status: IncidentView['status']): IncidentView {
  return { id, severity, status, timeline: [] };
}

function sources(overrides: Partial<MetricSources> = {}): MetricSources {
  return {
    workspace: () => workspace,
    incidents: () => [],
    measurements: () => fakeMeasurements(),
    outboxStats: () =>
      Promise.resolve({ counts: { pending: 0, delivering: 0, delivered: 0, dead: 0 } } as OutboxStats),
    now: () => NOW,
    ...overrides,
  };
}

describe('LifelineMetrics', () => {
  it('counts check results and observes their duration by integration, check and class', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    metrics.checkResult(result({ latencyMs: 120 }));
    metrics.checkResult(result({ latencyMs: 80 }));
    metrics.checkResult(result({ ok: false, class: 'timeout', latencyMs: 2000 }));
    const ok = { integration: 'payments', check: 'charges-up', class: 'ok' };
    const timeout = { ...ok, class: 'timeout' };
    expect(await sample(metrics, 'lifeline_check_results_total', ok)).toBe(2);
    expect(await sample(metrics, 'lifeline_check_results_total', timeout)).toBe(1);
    expect(await sample(metrics, 'lifeline_check_duration_seconds_count', ok)).toBe(2);
    expect(await sample(metrics, 'lifeline_check_duration_seconds_sum', ok)).toBeCloseTo(0.2);
    expect(await sample(metrics, 'lifeline_check_duration_seconds_bucket', { ...ok, le: 0.1 })).toBe(1);
    expect(await sample(metrics, 'lifeline_check_duration_seconds_sum', timeout)).toBeCloseTo(2);
  });

  it('observes the scheduling lag of scheduled runs only', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    metrics.checkResult(result({ scheduledAt: NOW - 30 }));
    metrics.checkResult(result({ scheduledAt: NOW - 2000 }));
    // A run a playbook step started has no scheduled time: no lag.
    metrics.checkResult(result());
    expect(await sample(metrics, 'lifeline_scheduler_lag_seconds_count')).toBe(2);
    expect(await sample(metrics, 'lifeline_scheduler_lag_seconds_sum')).toBeCloseTo(2.03);
    expect(await sample(metrics, 'lifeline_scheduler_lag_seconds_bucket', { le: 0.05 })).toBe(1);
  });

  it('times message deliveries by channel kind and outcome, and ignores action rows', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    metrics.track(sources());
    metrics.settled({ kind: 'notify', channel: 'hook' }, 'delivered', 300);
    metrics.settled({ kind: 'notify', channel: 'pager' }, 'failed', 1500);
    metrics.settled({ kind: 'notify', channel: 'gone' }, 'failed', 10);
    metrics.settled({ kind: 'http-call' }, 'delivered', 60_000);
    expect(await series(metrics, 'lifeline_delivery_duration_seconds_count')).toEqual({
      'channel_kind=webhook,outcome=delivered': 1,
      'channel_kind=pagerduty,outcome=failed': 1,
      'channel_kind=unknown,outcome=failed': 1,
    });
    const sum = { channel_kind: 'webhook', outcome: 'delivered' };
    expect(await sample(metrics, 'lifeline_delivery_duration_seconds_sum', sum)).toBeCloseTo(0.3);
  });

  it('observes store operations by name', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    metrics.storeOperation('claimOutbox', 0.002);
    metrics.storeOperation('claimOutbox', 0.004);
    const labels = { operation: 'claimOutbox' };
    expect(await sample(metrics, 'lifeline_store_operation_duration_seconds_count', labels)).toBe(2);
    expect(await sample(metrics, 'lifeline_store_operation_duration_seconds_sum', labels)).toBeCloseTo(0.006);
  });

  it('counts open incidents by severity and status at scrape time, with zeros for the workspace severities', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    let incidents = [
      incident('INC-1', 'SEV1', 'triggered'),
      incident('INC-2', 'SEV1', 'triggered'),
      incident('INC-3', 'SEV2', 'acknowledged'),
      incident('INC-4', 'SEV2', 'resolved'),
    ];
    metrics.track(sources({ incidents: () => incidents }));
    const open = await series(metrics, 'lifeline_incidents_open');
    expect(open).toMatchObject({
      'severity=SEV1,status=triggered': 2,
      'severity=SEV2,status=acknowledged': 1,
      'severity=SEV1,status=mitigated': 0,
    });
    expect(Object.keys(open)).toHaveLength(6);
    expect(Object.keys(open).some((k) => k.includes('resolved'))).toBe(false);

    incidents = [incident('INC-3', 'SEV2', 'mitigated')];
    expect(await series(metrics, 'lifeline_incidents_open')).toMatchObject({
      'severity=SEV1,status=triggered': 0,
      'severity=SEV2,status=acknowledged': 0,
      'severity=SEV2,status=mitigated': 1,
    });
  });

  it('reads the outbox once per scrape for its three gauges', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    let reads = 0;
    metrics.track(
      sources({
        outboxStats: () => {
          reads += 1;
          return Promise.resolve({
            counts: { pending: 3, delivering: 1, delivered: 40, dead: 2 },
            oldestPendingAgeMs: 12_500,
          });
        },
      }),
    );
    const text = await metrics.text();
    expect(reads).toBe(1);
    expect(text).toContain('\nlifeline_outbox_pending 4\n');
    expect(text).toContain('\nlifeline_outbox_dead 2\n');
    expect(text).toContain('\nlifeline_outbox_oldest_pending_age_seconds 12.5\n');
  });

  it('leaves the outbox gauges empty when the store cannot answer, rather than failing the scrape', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    metrics.track(sources({ outboxStats: () => Promise.reject(new Error('store-closed')) }));
    const text = await metrics.text();
    expect(text).toContain('# TYPE lifeline_outbox_pending gauge');
    expect(text).not.toMatch(/^lifeline_outbox_pending /m);
  });

  it('reports SLO attainment over the SLO window and the objective, for integrations with an slo', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    const asked: { integration: string; windowMs: number }[] = [];
    metrics.track(
      sources({
        measurements: () =>
          fakeMeasurements({
            errorRate: (key, windowMs) => {
              asked.push({ integration: key.integration, windowMs });
              return key.integration === 'payments' ? { rate: 0.002, count: 500 } : undefined;
            },
          }),
      }),
    );
    expect(await series(metrics, 'lifeline_slo_attainment_ratio')).toEqual({ 'integration=payments': 0.998 });
    // The stricter of `availability: 99.9%` and `errorRate.below: 1%`; `shipping` sets no target.
    expect(await series(metrics, 'lifeline_slo_objective_ratio')).toEqual({ 'integration=payments': 0.999 });
    expect(asked).toContainEqual({ integration: 'payments', windowMs: 30 * 86_400_000 });
    expect(asked).toContainEqual({ integration: 'shipping', windowMs: 3_600_000 });
    expect(asked.some((a) => a.integration === 'maps')).toBe(false);
  });

  it('computes nothing while no daemon is tracked, and stops when untracked', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    let reads = 0;
    const untrack = metrics.track(
      sources({
        incidents: () => {
          reads += 1;
          return [incident('INC-1', 'SEV1', 'triggered')];
        },
      }),
    );
    reads = 0;
    untrack();
    expect(await series(metrics, 'lifeline_incidents_open')).toEqual({});
    expect(reads).toBe(0);
  });

  it('counts response-target breaches committed after tracking began', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    const before: IncidentView = {
      ...incident('INC-1', 'SEV2', 'triggered'),
      timeline: [
        { at: 1, actor: 'engine', kind: 'target-breached', text: '', episode: 1, target: 'acknowledge' },
      ],
    };
    metrics.track(sources({ incidents: () => [before] }));
    metrics.committed('INC-1', {
      ...before,
      severity: 'SEV1',
      timeline: [
        ...before.timeline,
        { at: 2, actor: 'engine', kind: 'target-breached', text: '', episode: 1, target: 'resolve' },
        { at: 2, actor: 'engine', kind: 'severity-changed', text: '', episode: 1, target: 'resolve' },
      ],
    });
    expect(await series(metrics, 'lifeline_response_target_breaches_total')).toEqual({
      'severity=SEV2,target=resolve': 1,
    });
  });

  it('keeps each instance separate, and adds process metrics with the lifeline_ prefix by default', async () => {
    const a = new LifelineMetrics();
    const b = new LifelineMetrics({ defaultMetrics: false });
    a.checkResult(result());
    expect(
      await sample(b, 'lifeline_check_results_total', {
        integration: 'payments',
        check: 'charges-up',
        class: 'ok',
      }),
    ).toBeUndefined();
    const text = await a.text();
    expect(text).toMatch(/^lifeline_process_cpu_seconds_total /m);
    expect(text).toMatch(/^lifeline_nodejs_heap_size_used_bytes /m);
    expect(text).toMatch(/^lifeline_nodejs_active_handles\{type="/m);
    expect(text).not.toContain('lifeline_nodejs_active_handles_total');
    expect(await b.text()).not.toContain('lifeline_process_');
    expect(a.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
