/**
 * Turns the stream of check results into status changes: a check's status (up / degraded / down, from its
 * failure class) and its integration's (the worst of its checks'). Live listeners hear about a change, not
 * about every result, so a daemon running hundreds of checks a minute sends a handful of events while nothing
 * changes. Results can arrive out of order (a slow run finishing after a fast one): the newest start wins.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import { checkStatus, combinedStatus } from '../checks/health-status.js';
import type { CheckStatusChange, HealthStatus, IntegrationStatusChange } from './live-event.js';

export interface StatusChanges {
  check?: CheckStatusChange;
  /** Its integration's change; also its former integration's, when a workspace edit moved the check. */
  integrations: IntegrationStatusChange[];
}

interface CheckState {
  integration: string;
  status: HealthStatus;
  class: FailureClass;
  startedAt: number;
}

export class StatusTracker {
  private readonly checks = new Map<string, CheckState>();
  /** The checks seen of each integration: a status change recomputes one integration, not all checks. */
  private readonly checksOf = new Map<string, Set<string>>();
  private readonly integrations = new Map<string, HealthStatus>();

  /** The changes `result` makes; none when the check's status, class and integration stay what they were. */
  observe(result: CheckResult): StatusChanges {
    const before = this.checks.get(result.check);
    if (before && before.startedAt > result.startedAt) return { integrations: [] };
    const status = checkStatus(result);
    this.checks.set(result.check, {
      integration: result.integration,
      status,
      class: result.class,
      startedAt: result.startedAt,
    });
    const moved = before !== undefined && before.integration !== result.integration;
    if (before === undefined || moved) {
      if (before) this.checksOf.get(before.integration)?.delete(result.check);
      const own = this.checksOf.get(result.integration);
      if (own) own.add(result.check);
      else this.checksOf.set(result.integration, new Set([result.check]));
    }
    const same = before !== undefined && before.status === status && before.class === result.class;
    if (same && !moved) return { integrations: [] };
    const check: CheckStatusChange | undefined = same
      ? undefined
      : {
          integration: result.integration,
          check: result.check,
          status,
          class: result.class,
          ...(before ? { previous: before.status } : {}),
          message: result.message,
          at: result.startedAt,
        };
    const integrations = [
      this.recompute(result.integration, result.startedAt),
      // A check that moved integrations (a workspace edit) leaves its old one to be recomputed too.
      moved ? this.recompute(before.integration, result.startedAt) : undefined,
    ].filter((change): change is IntegrationStatusChange => change !== undefined);
    return { ...(check ? { check } : {}), integrations };
  }

  /**
   * Forgets checks no longer in the workspace, so a removed failing check does not hold its integration down;
   * returns the integration statuses that changed (to `up` when nothing is left to say otherwise).
   */
  retain(checkIds: ReadonlySet<string>, now: number): IntegrationStatusChange[] {
    const touched = new Set<string>();
    for (const [id, state] of this.checks) {
      if (checkIds.has(id)) continue;
      this.checks.delete(id);
      this.checksOf.get(state.integration)?.delete(id);
      touched.add(state.integration);
    }
    return [...touched].flatMap((integration) => this.recompute(integration, now) ?? []);
  }

  private recompute(integration: string, at: number): IntegrationStatusChange | undefined {
    const statuses = [...(this.checksOf.get(integration) ?? [])].map((id) => this.checks.get(id)!.status);
    const status = combinedStatus(statuses);
    const previous = this.integrations.get(integration);
    if (status === undefined) {
      this.integrations.delete(integration);
      return previous === undefined || previous === 'up'
        ? undefined
        : { integration, status: 'up', previous, at };
    }
    if (status === previous) return undefined;
    this.integrations.set(integration, status);
    return { integration, status, ...(previous ? { previous } : {}), at };
  }
}
