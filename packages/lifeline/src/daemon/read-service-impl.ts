/**
 * The `ReadService` over the store and the workspace in use. Health numbers come from the stored rollups rather
 * than the in-memory windows: those are sized for what the workspace's signals read, while the API promises the
 * same windows (5m, 1h, 24h) and the SLO's window for every integration. Incidents are read through the
 * `IncidentService`, which owns them; this module only adds the response-target countdowns at `now`.
 *
 * @example
 * const read = createReadService({ store, clock, workspace: () => status.workspace, incidents: service });
 * const [stripe] = await read.integrations(signal);
 */
import type { CheckResult } from '../checks/check-result.js';
import type { Incident, ResponseTarget } from '../engine/index.js';
import { planPlaybook, stepLocator } from '../engine/plan/index.js';
import type { OutboxStatus, OutboxSummary } from '../store/engine-records.js';
import { estimateQuantile } from '../store/latency-histogram.js';
import { emptyAggregate, mergeAggregates, type RollupAggregate } from '../store/rollups.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../store/index.js';
import type { CheckRollup, RollupBucketMs, Store, StoredCheckResult } from '../store/store.js';
import { checksOf, type Integration, type Workspace } from '../workspace/model.js';
import type { IncidentService } from './incident-service.js';
import {
  HEALTH_WINDOWS,
  type CheckHealth,
  type DeliveryQuery,
  type DeliveryStatus,
  type HealthStatus,
  type HealthWindowName,
  type IntegrationDetail,
  type IntegrationHealth,
  type Page,
  type Percentile,
  type ReadService,
  type SeriesAnswer,
  type SeriesPoint,
  type SeriesQuery,
  type SeriesResolution,
  type SloAttainment,
  type TargetCountdown,
  type WindowStats,
} from './read-service.js';

export interface ReadServiceDeps {
  store: Store;
  clock: { now(): number };
  workspace: () => Workspace;
  incidents: IncidentService;
}

export const DEFAULT_SLO_WINDOW_MS = 30 * DAY_MS;
/** Most buckets one series answers: a chart has no use for more, and it bounds the work of one request. */
export const MAX_SERIES_BUCKETS = 5_000;
const OPEN_STATUSES = ['triggered', 'acknowledged', 'mitigated'] as const;
const RESOLUTION_MS: Readonly<Record<SeriesResolution, RollupBucketMs>> = {
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};
const PERCENTILE_QUANTILE: Readonly<Record<Percentile, number>> = {
  p50: 0.5,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  'p99.9': 0.999,
};
const DELIVERY_ROWS: Readonly<Record<DeliveryStatus, readonly OutboxStatus[]>> = {
  delivered: ['delivered'],
  pending: ['pending', 'delivering'],
  dead: ['dead'],
};

export function createReadService(deps: ReadServiceDeps): ReadService {
  const { store, clock } = deps;

  async function healthOf(
    integration: Integration,
    latest: readonly StoredCheckResult[],
    openIncidents: number,
    now: number,
    signal: AbortSignal,
  ): Promise<IntegrationHealth> {
    const longest = Math.max(...Object.values(HEALTH_WINDOWS));
    const rows = await store.checkRollups(
      { integration: integration.id, since: now - longest, until: now, resolution: MINUTE_MS },
      { signal },
    );
    const windows = Object.fromEntries(
      Object.entries(HEALTH_WINDOWS).map(([name, windowMs]) => [
        name,
        windowStats(
          rows.filter((row) => row.start + row.bucketMs > now - windowMs),
          windowMs,
        ),
      ]),
    ) as Record<HealthWindowName, WindowStats>;
    const declared = new Set((integration.checks ?? []).map((check) => check.id));
    const own = latest.filter(
      (result) => result.integration === integration.id && declared.has(result.check),
    );
    const health: IntegrationHealth = {
      id: integration.id,
      name: integration.name,
      ...(integration.vendor !== undefined ? { vendor: integration.vendor } : {}),
      owner: integration.owner,
      ...(integration.description !== undefined ? { description: integration.description } : {}),
      status: integrationStatus(own),
      lastResultAt: own.length ? Math.max(...own.map((result) => result.startedAt)) : null,
      openIncidents,
      windows,
    };
    if (integration.slo) health.slo = await sloAttainment(integration, now, signal);
    return health;
  }

  async function sloAttainment(integration: Integration, now: number, signal: AbortSignal) {
    const slo = integration.slo!;
    const windowMs = slo.window ?? DEFAULT_SLO_WINDOW_MS;
    const rows = await store.checkRollups(
      { integration: integration.id, since: now - windowMs, until: now, resolution: HOUR_MS },
      { signal },
    );
    const total = aggregate(rows);
    const errorRate = total.count ? total.failures / total.count : null;
    const attainment: SloAttainment = {
      windowMs,
      latency: (slo.latency ?? []).map((target) => {
        const actualMs = quantileOf(total, PERCENTILE_QUANTILE[target.percentile]);
        return {
          percentile: target.percentile,
          belowMs: target.below,
          actualMs,
          met: actualMs === null ? null : actualMs < target.below,
        };
      }),
    };
    if (slo.availability !== undefined) {
      const actual = errorRate === null ? null : 1 - errorRate;
      attainment.availability = {
        target: slo.availability,
        actual,
        met: actual === null ? null : actual >= slo.availability,
      };
    }
    if (slo.errorRate !== undefined) {
      attainment.errorRate = {
        below: slo.errorRate.below,
        actual: errorRate,
        met: errorRate === null ? null : errorRate < slo.errorRate.below,
      };
    }
    return attainment;
  }

  /** Open incidents per integration, read through the service page by page. */
  async function openIncidentCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const status of OPEN_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await deps.incidents.listIncidents({
          status,
          limit: 500,
          ...(cursor !== undefined ? { cursor } : {}),
        });
        for (const incident of page.items) {
          counts.set(incident.integration, (counts.get(incident.integration) ?? 0) + 1);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return counts;
  }

  return {
    async integrations(signal) {
      const now = clock.now();
      const [latest, open] = await Promise.all([store.latestCheckResults({ signal }), openIncidentCounts()]);
      const out: IntegrationHealth[] = [];
      for (const integration of deps.workspace().integrations) {
        out.push(await healthOf(integration, latest, open.get(integration.id) ?? 0, now, signal));
      }
      return out;
    },

    async integration(id, signal) {
      const workspace = deps.workspace();
      const integration = workspace.integrations.find((candidate) => candidate.id === id);
      if (!integration) return undefined;
      const now = clock.now();
      const [latest, open] = await Promise.all([store.latestCheckResults({ signal }), openIncidentCounts()]);
      const health = await healthOf(integration, latest, open.get(id) ?? 0, now, signal);
      const checks: CheckHealth[] = checksOf(workspace)
        .filter((declared) => declared.integration.id === id)
        .map(({ check }) => {
          const result = latest.find((row) => row.integration === id && row.check === check.id) ?? null;
          return {
            id: check.id,
            ...(check.name !== undefined ? { name: check.name } : {}),
            kind: check.kind,
            intervalMs: check.every ?? workspace.defaults.checkIntervalMs,
            status: result ? checkStatus(result) : 'unknown',
            latest: result,
          };
        });
      const detail: IntegrationDetail = { ...health, checks };
      return detail;
    },

    async series(id, query, signal) {
      return seriesOf(deps, id, query, signal);
    },

    async results(query, signal) {
      const page = await store.listCheckResults(
        {
          ...(query.integration !== undefined ? { integration: query.integration } : {}),
          ...(query.check !== undefined ? { check: query.check } : {}),
          ...(query.class !== undefined ? { class: query.class } : {}),
          ...(query.ok !== undefined ? { ok: query.ok } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
      return pageOf(page.items, page.nextCursor);
    },

    async playbooks() {
      return deps.workspace().playbooks.map((playbook) => ({
        id: playbook.id,
        name: playbook.name,
        ...(playbook.description !== undefined ? { description: playbook.description } : {}),
        integration: playbook.integration,
        severity: playbook.severity,
        covers: [...(playbook.covers ?? [])],
        steps: playbook.steps.length,
      }));
    },

    async plan(id, values) {
      const workspace = deps.workspace();
      const result = planPlaybook(workspace, id, { values, locate: stepLocator(workspace) });
      return result.kind === 'ok' ? result.plan : undefined;
    },

    async deliveries(query: DeliveryQuery, signal) {
      const page = await store.listOutbox(
        {
          ...(query.status !== undefined ? { status: DELIVERY_ROWS[query.status] } : {}),
          ...(query.incident !== undefined ? { incident: query.incident } : {}),
          ...(query.channel !== undefined ? { channel: query.channel } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
      return pageOf<OutboxSummary>(page.items, page.nextCursor);
    },

    async incident(id) {
      const incident = await deps.incidents.getIncident(id);
      if (!incident) return undefined;
      const now = clock.now();
      return { ...incident, countdowns: countdownsOf(incident, now), now };
    },
  };
}

async function seriesOf(
  deps: ReadServiceDeps,
  id: string,
  query: SeriesQuery,
  signal: AbortSignal,
): Promise<SeriesAnswer> {
  const integration = deps.workspace().integrations.find((candidate) => candidate.id === id);
  if (!integration) return { kind: 'not-found' };
  if (query.check !== undefined && !(integration.checks ?? []).some((check) => check.id === query.check)) {
    return { kind: 'invalid', field: 'check', message: `is not a check of integration ${id}` };
  }
  const until = query.until ?? deps.clock.now();
  const since = query.since ?? until - DAY_MS;
  if (since >= until) return { kind: 'invalid', field: 'since', message: 'must be before `until`' };
  const resolution = query.resolution ?? defaultResolution(until - since);
  const bucketMs = RESOLUTION_MS[resolution];
  if ((until - since) / bucketMs > MAX_SERIES_BUCKETS) {
    return {
      kind: 'invalid',
      field: 'resolution',
      message: `gives more than ${MAX_SERIES_BUCKETS} buckets for this range; pick a coarser one or a shorter range`,
    };
  }
  const rows = await deps.store.checkRollups(
    {
      integration: id,
      ...(query.check !== undefined ? { check: query.check } : {}),
      since,
      until,
      resolution: bucketMs,
    },
    { signal },
  );
  // Rows come oldest first; checks of one bucket (and a coarser stored row) are added up per start.
  const buckets = new Map<string, CheckRollup[]>();
  for (const row of rows) {
    const key = `${row.start}/${row.bucketMs}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(row);
    else buckets.set(key, [row]);
  }
  const points: SeriesPoint[] = [...buckets.values()].map((bucket) => {
    const total = aggregate(bucket);
    const first = bucket[0]!;
    return {
      start: first.start,
      bucketMs: first.bucketMs,
      count: total.count,
      failures: total.failures,
      errorRate: total.count ? total.failures / total.count : null,
      p50: quantileOf(total, 0.5),
      p95: quantileOf(total, 0.95),
      p99: quantileOf(total, 0.99),
      byClass: total.byClass,
    };
  });
  return {
    kind: 'series',
    series: {
      integration: id,
      ...(query.check !== undefined ? { check: query.check } : {}),
      resolution,
      bucketMs,
      since,
      until,
      points,
    },
  };
}

function defaultResolution(rangeMs: number): SeriesResolution {
  if (rangeMs <= 48 * HOUR_MS) return 'minute';
  if (rangeMs <= 35 * DAY_MS) return 'hour';
  return 'day';
}

function aggregate(rows: readonly CheckRollup[]): RollupAggregate {
  return rows.reduce<RollupAggregate>((sum, row) => mergeAggregates(sum, row), emptyAggregate());
}

function quantileOf(total: RollupAggregate, quantile: number): number | null {
  if (total.count === 0) return null;
  return estimateQuantile(total.histogram, quantile, { min: total.latencyMinMs, max: total.latencyMaxMs });
}

function windowStats(rows: readonly CheckRollup[], windowMs: number): WindowStats {
  const total = aggregate(rows);
  return {
    windowMs,
    count: total.count,
    failures: total.failures,
    errorRate: total.count ? total.failures / total.count : null,
    p50: quantileOf(total, 0.5),
    p95: quantileOf(total, 0.95),
    p99: quantileOf(total, 0.99),
  };
}

/** A check by its latest result: passing is up, slow is degraded, any other failure is down. */
export function checkStatus(result: CheckResult): HealthStatus {
  if (result.ok) return 'up';
  return result.class === 'slow' ? 'degraded' : 'down';
}

/** An integration by its checks' latest results: down when all are down, degraded when any is not up. */
export function integrationStatus(latest: readonly CheckResult[]): HealthStatus {
  if (latest.length === 0) return 'unknown';
  const statuses = latest.map(checkStatus);
  if (statuses.every((status) => status === 'down')) return 'down';
  return statuses.every((status) => status === 'up') ? 'up' : 'degraded';
}

/** The clock of each response target at `now`; a met or cancelled target has no time left to count. */
export function countdownsOf(incident: Incident, now: number): TargetCountdown[] {
  return incident.targets.map((target: ResponseTarget) => ({
    kind: target.kind,
    status: target.status,
    dueAt: target.dueAt,
    remainingMs: target.status === 'met' || target.status === 'cancelled' ? null : target.dueAt - now,
  }));
}

function pageOf<T>(items: T[], nextCursor: string | undefined): Page<T> {
  return { items, ...(nextCursor !== undefined ? { nextCursor } : {}) };
}
