/**
 * SLO attainment per integration, from what the daemon already keeps in memory (no store query at scrape
 * time): the fraction of the integration's check results that were ok over its SLO window (`slo.window`,
 * default 30 d). The rolling windows answer windows longer than they keep over what they keep, so the ratio
 * covers the whole SLO window when a burn-rate signal reads the integration (its minute counts span it) and the
 * rolling windows' span (5 min to 1 h) otherwise. The objective is the one the burn rates use: 1 − the error
 * budget (`errorRate.below`, or 1 − `availability`, the stricter).
 */
import { DEFAULT_SLO_WINDOW_MS, errorBudget, type Measurements } from '../engine/signals/index.js';
import type { Integration } from '../workspace/model.js';

export interface SloReading {
  integration: string;
  /** Ok results / all results over the window; absent when the window holds no result. */
  attainment?: number;
  /** The target ratio; absent when the SLO sets no availability or error-rate target. */
  objective?: number;
}

/** One reading per integration that declares an `slo`. */
export function sloReadings(
  integrations: readonly Pick<Integration, 'id' | 'slo'>[],
  measurements: Measurements,
  now: number,
): SloReading[] {
  const readings: SloReading[] = [];
  for (const integration of integrations) {
    const slo = integration.slo;
    if (!slo) continue;
    const windowMs = slo.window ?? DEFAULT_SLO_WINDOW_MS;
    const rate = measurements.errorRate({ integration: integration.id }, windowMs, now);
    const budget = errorBudget(slo);
    readings.push({
      integration: integration.id,
      ...(rate && rate.count > 0 ? { attainment: 1 - rate.rate } : {}),
      ...(budget !== undefined ? { objective: Number((1 - budget).toPrecision(12)) } : {}),
    });
  }
  return readings;
}
