/**
 * The daemon's Prometheus metrics, served at `GET /metrics` (docs/metrics.md lists them). One instance owns its
 * own prom-client `Registry` — never the global default one — so two daemons in one process (tests) never share
 * a series. Events that happen anyway are counted as they happen (a check result, a delivery, a store call, a
 * committed breach: O(1) each); what is a state rather than an event (open incidents, outbox backlog, SLO
 * attainment) is computed only when someone scrapes, in prom-client `collect` callbacks.
 *
 * Cardinality is bounded by the workspace: check series are integration × check × class (a check sees a few of
 * the 11 classes), incidents severity × status, deliveries channel kind × outcome, store calls one per method.
 *
 * @example
 *   const metrics = new LifelineMetrics();
 *   const daemon = await startDaemon({ workspace, metrics });
 *   const app = createServer({ service: daemon.service, metrics });
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CheckResult } from '../checks/check-result.js';
import { MESSAGE_ROW_KIND } from '../daemon/outbox-rows.js';
import type { OutboxRow, OutboxStats } from '../store/index.js';
import type { IncidentView, MetricSources } from './metric-sources.js';
import { ResponseTargetBreaches } from './response-target-breaches.js';
import { sloReadings, type SloReading } from './slo-attainment.js';

/** How a delivery attempt ended: delivered, or failed (to be retried, or dead-lettered). */
export type DeliveryOutcome = 'delivered' | 'failed';

export interface LifelineMetricsOptions {
  /** Process and Node.js metrics (`lifeline_process_*`, `lifeline_nodejs_*`). Default true. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for the store's outbox counts. Default 5 s. */
  storeTimeoutMs?: number;
}

/** The statuses an incident counts as open in. */
const OPEN_STATUSES = ['triggered', 'acknowledged', 'mitigated'] as const;
/** prom-client default metrics that are gauges with a `_total` suffix. */
const MISNAMED_DEFAULT_METRICS = [
  'lifeline_nodejs_active_handles_total',
  'lifeline_nodejs_active_requests_total',
  'lifeline_nodejs_active_resources_total',
];
const CHECK_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30];
const DELIVERY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class LifelineMetrics {
  readonly registry = new Registry();
  private sources: MetricSources | undefined;
  private readonly breaches = new ResponseTargetBreaches((severity, target) =>
    this.targetBreaches.inc({ severity, target }),
  );
  /** The outbox counts of the scrape in progress, shared by the three outbox gauges. */
  private outboxRead: Promise<OutboxStats | undefined> | undefined;
  private sloRead: SloReading[] | undefined;

  private readonly checkDuration = new Histogram({
    name: 'lifeline_check_duration_seconds',
    help: 'Duration of check runs (the result latency), by integration, check and result class.',
    labelNames: ['integration', 'check', 'class'] as const,
    buckets: CHECK_BUCKETS,
    registers: [this.registry],
  });
  private readonly checkResults = new Counter({
    name: 'lifeline_check_results_total',
    help: 'Check results recorded (scheduled runs and runs started by playbook steps), by integration, check and class.',
    labelNames: ['integration', 'check', 'class'] as const,
    registers: [this.registry],
  });
  private readonly schedulerLag = new Histogram({
    name: 'lifeline_scheduler_lag_seconds',
    help: 'How late scheduled check runs started: actual start minus scheduled start.',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });
  private readonly targetBreaches = new Counter({
    name: 'lifeline_response_target_breaches_total',
    help: 'Response targets breached, by the severity the incident had when it breached and the target (acknowledge, firstAction, resolve).',
    labelNames: ['severity', 'target'] as const,
    registers: [this.registry],
  });
  private readonly deliveryDuration = new Histogram({
    name: 'lifeline_delivery_duration_seconds',
    help: 'Duration of message delivery attempts to channels, by channel kind and outcome (delivered or failed).',
    labelNames: ['channel_kind', 'outcome'] as const,
    buckets: DELIVERY_BUCKETS,
    registers: [this.registry],
  });
  private readonly storeDuration = new Histogram({
    name: 'lifeline_store_operation_duration_seconds',
    help: 'Duration of store calls, by operation (the Store method).',
    labelNames: ['operation'] as const,
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });

  constructor(private readonly options: LifelineMetricsOptions = {}) {
    this.gauge(
      'lifeline_incidents_open',
      'Incidents not yet resolved, by severity and status.',
      ['severity', 'status'],
      (gauge, sources) => {
        for (const severity of sources.workspace().severities) {
          for (const status of OPEN_STATUSES) gauge.set({ severity: severity.id, status }, 0);
        }
        for (const incident of sources.incidents()) {
          if (incident.status !== 'resolved')
            gauge.inc({ severity: incident.severity, status: incident.status });
        }
      },
    );
    this.sloGauge(
      'lifeline_slo_attainment_ratio',
      "Fraction of the integration's check results that were ok over its SLO window (slo.window, default 30d), as far back as the daemon keeps counts: the whole window when a burn-rate signal reads the integration, else the rolling windows' span (5m to 1h). Only integrations with an slo and results.",
      (reading) => reading.attainment,
    );
    this.sloGauge(
      'lifeline_slo_objective_ratio',
      "The integration's SLO objective as a ratio: 1 minus its error budget (errorRate.below, or 1 - availability, the stricter).",
      (reading) => reading.objective,
    );
    this.outboxGauge(
      'lifeline_outbox_pending',
      'Outbox rows (messages and actions) not yet delivered: pending or being delivered.',
      (stats) => stats.counts.pending + stats.counts.delivering,
    );
    this.outboxGauge(
      'lifeline_outbox_dead',
      'Outbox rows given up on (dead letters).',
      (stats) => stats.counts.dead,
    );
    this.outboxGauge(
      'lifeline_outbox_oldest_pending_age_seconds',
      'Age of the oldest outbox row not yet delivered; 0 when there is none. A growing value means delivery is stuck.',
      (stats) => (stats.oldestPendingAgeMs ?? 0) / 1000,
    );
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'lifeline_' });
      // Gauges named like counters break the naming conventions (promtool flags them); their per-type
      // siblings (`lifeline_nodejs_active_handles{type}`, …) carry the same numbers.
      for (const name of MISNAMED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    }
  }

  /** The content type of `text()`: the Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in the Prometheus text format (what `GET /metrics` returns). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Reads the gauges from a running daemon until the returned function is called (at stop). The incidents in
   * memory now are the starting point of breach counting. One daemon at a time: a second call replaces the first.
   */
  track(sources: MetricSources): () => void {
    this.sources = sources;
    this.breaches.prime(sources.incidents());
    return () => {
      if (this.sources === sources) this.sources = undefined;
    };
  }

  /** A check result was recorded. */
  checkResult(result: CheckResult): void {
    const labels = { integration: result.integration, check: result.check, class: result.class };
    this.checkResults.inc(labels);
    this.checkDuration.observe(labels, Math.max(0, result.latencyMs) / 1000);
    if (result.scheduledAt !== undefined) {
      this.schedulerLag.observe(Math.max(0, result.startedAt - result.scheduledAt) / 1000);
    }
  }

  /** A decision on incident `id` was committed; `incident` is it now (undefined if no longer in memory). */
  committed(id: string, incident: IncidentView | undefined): void {
    this.breaches.committed(id, incident);
  }

  /** An outbox row's attempt ended; only messages count as deliveries (actions are not timed here). */
  settled(row: Pick<OutboxRow, 'kind' | 'channel'>, outcome: DeliveryOutcome, ms: number): void {
    if (row.kind !== MESSAGE_ROW_KIND) return;
    const channel = row.channel ?? '';
    const kind =
      channel === ''
        ? 'none'
        : (this.sources?.workspace().channels.find((c) => c.id === channel)?.kind ?? 'unknown');
    this.deliveryDuration.observe({ channel_kind: kind, outcome }, Math.max(0, ms) / 1000);
  }

  /** A store call took `seconds` (see `measured-store.ts`). */
  readonly storeOperation = (operation: string, seconds: number): void => {
    this.storeDuration.observe({ operation }, seconds);
  };

  /** A labelled gauge filled at scrape time from the tracked daemon; empty while none is tracked. */
  private gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (gauge: Gauge<L>, sources: MetricSources) => void,
  ): void {
    const current = () => this.sources;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect(this: Gauge<L>) {
        this.reset();
        const sources = current();
        if (sources) fill(this, sources);
      },
    });
  }

  /** A gauge per integration over the scrape's SLO readings; an integration without the value is left out. */
  private sloGauge(name: string, help: string, value: (reading: SloReading) => number | undefined): void {
    this.gauge(name, help, ['integration'], (gauge, sources) => {
      for (const reading of this.readSlos(sources)) {
        const measured = value(reading);
        if (measured !== undefined) gauge.set({ integration: reading.integration }, measured);
      }
    });
  }

  /**
   * The SLO readings once per scrape, however many gauges show them: the registry collects every gauge in one
   * synchronous pass, so the readings are kept until the next microtask.
   */
  private readSlos(sources: MetricSources): SloReading[] {
    if (!this.sloRead) {
      this.sloRead = sloReadings(sources.workspace().integrations, sources.measurements(), sources.now());
      queueMicrotask(() => {
        this.sloRead = undefined;
      });
    }
    return this.sloRead;
  }

  /** An unlabelled gauge over the scrape's outbox counts; absent when the store could not answer. */
  private outboxGauge(name: string, help: string, value: (stats: OutboxStats) => number): void {
    const read = () => this.readOutbox();
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect(this: Gauge) {
        const stats = await read();
        // Absent rather than a made-up 0 (`/healthz` says why the store did not answer).
        if (stats === undefined) this.remove({});
        else this.set(value(stats));
      },
    });
  }

  /** One store query per scrape, however many gauges read it; a store that cannot answer leaves them empty. */
  private readOutbox(): Promise<OutboxStats | undefined> {
    const sources = this.sources;
    if (!sources) return Promise.resolve(undefined);
    this.outboxRead ??= sources
      .outboxStats(AbortSignal.timeout(this.options.storeTimeoutMs ?? 5000))
      .catch(() => undefined)
      .finally(() => {
        this.outboxRead = undefined;
      });
    return this.outboxRead;
  }
}
