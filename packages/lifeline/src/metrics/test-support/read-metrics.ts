/** Test-only: reads one sample of a `LifelineMetrics` the way a scrape would (collect callbacks included). */
import type { LifelineMetrics } from '../lifeline-metrics.js';

export type Labels = Record<string, string | number>;

/**
 * The value of the series `sampleName` (a metric name, or a histogram's `_count` / `_sum` / `_bucket`) with
 * exactly these labels; undefined when there is no such series.
 */
export async function sample(
  metrics: LifelineMetrics,
  sampleName: string,
  labels: Labels = {},
): Promise<number | undefined> {
  const all = await metrics.registry.getMetricsAsJSON();
  for (const metric of all) {
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      if (name === sampleName && sameLabels(value.labels as Labels, labels)) return value.value;
    }
  }
  return undefined;
}

/** Every series of `sampleName` as `labels → value`, labels written `k=v,k=v` in key order. */
export async function series(metrics: LifelineMetrics, sampleName: string): Promise<Record<string, number>> {
  const all = await metrics.registry.getMetricsAsJSON();
  const found: Record<string, number> = {};
  for (const metric of all) {
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      if (name !== sampleName) continue;
      const key = Object.entries(value.labels as Labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      found[key] = value.value;
    }
  }
  return found;
}

function sameLabels(actual: Labels, wanted: Labels): boolean {
  const keys = Object.keys(actual);
  return (
    keys.length === Object.keys(wanted).length && keys.every((k) => String(actual[k]) === String(wanted[k]))
  );
}
