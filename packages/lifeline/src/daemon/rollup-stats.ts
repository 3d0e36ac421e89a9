/**
 * What the read API computes from stored rollups: an integration's series (points per minute, hour or day), and
 * counts, error rate and percentiles over merged rollups, for windows and SLOs.
 */
import { estimateQuantile } from '../store/latency-histogram.js';
import { emptyAggregate, mergeAggregates, type RollupAggregate } from '../store/rollups.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../store/index.js';
import type { CheckRollup, RollupBucketMs, Store } from '../store/store.js';
import type { Workspace } from '../workspace/model.js';
import type {
  SeriesAnswer,
  SeriesPoint,
  SeriesQuery,
  SeriesResolution,
  WindowStats,
} from './read-service.js';

/** Most buckets one series answers: a chart has no use for more, and it bounds the work of one request. */
export const MAX_SERIES_BUCKETS = 5_000;
const RESOLUTION_MS: Readonly<Record<SeriesResolution, RollupBucketMs>> = {
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};

export async function seriesOf(
  deps: { store: Pick<Store, 'checkRollups'>; clock: { now(): number }; workspace: () => Workspace },
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
    return { start: first.start, bucketMs: first.bucketMs, ...statsOf(total), byClass: total.byClass };
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

export function aggregate(rows: readonly CheckRollup[]): RollupAggregate {
  return rows.reduce<RollupAggregate>((sum, row) => mergeAggregates(sum, row), emptyAggregate());
}

export function quantileOf(total: RollupAggregate, quantile: number): number | null {
  if (total.count === 0) return null;
  return estimateQuantile(total.histogram, quantile, { min: total.latencyMinMs, max: total.latencyMaxMs });
}

export function windowStats(rows: readonly CheckRollup[], windowMs: number): WindowStats {
  return { windowMs, ...statsOf(aggregate(rows)) };
}

/** Counts, error rate and percentiles of merged rollups: what a window and a series point both show. */
function statsOf(total: RollupAggregate): Omit<WindowStats, 'windowMs'> {
  return {
    count: total.count,
    failures: total.failures,
    errorRate: total.count ? total.failures / total.count : null,
    p50: quantileOf(total, 0.5),
    p95: quantileOf(total, 0.95),
    p99: quantileOf(total, 0.99),
  };
}

/** An integration by its checks' latest results (`health-status.ts`); unknown before any result. */
