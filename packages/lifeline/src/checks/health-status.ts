/**
 * Health from check results, one set of rules for every reader — the read API's integration list, the health
 * board and the live events — so a dashboard's first load and its live updates always agree: a check is up when
 * its latest result passed, degraded when it was `slow`, down otherwise; an integration is down when all its
 * checks are down, up when all are up, degraded in between.
 */
import type { CheckResult } from './check-result.js';

export type CheckHealth = 'up' | 'degraded' | 'down';

export function checkStatus(result: Pick<CheckResult, 'ok' | 'class'>): CheckHealth {
  if (result.ok) return 'up';
  return result.class === 'slow' ? 'degraded' : 'down';
}

/** The integration's status from its checks' statuses; undefined when it has none yet. */
export function combinedStatus(statuses: readonly CheckHealth[]): CheckHealth | undefined {
  if (statuses.length === 0) return undefined;
  if (statuses.every((status) => status === 'down')) return 'down';
  return statuses.every((status) => status === 'up') ? 'up' : 'degraded';
}
