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
  integration?: IntegrationStatusChange;
}

interface CheckState {
  integration: string;
  status: HealthStatus;
  class: FailureClass;
  startedAt: number;
}

export class StatusTracker {
  private readonly checks = new Map<string, CheckState>();
  private readonly integrations = new Map<string, HealthStatus>();

  /** The changes `result` makes; empty when the check's status and class stay what they were. */
  observe(result: CheckResult): StatusChanges {
    const before = this.checks.get(result.check);
    if (before && before.startedAt > result.startedAt) return {};
    const status = checkStatus(result);
    this.checks.set(result.check, {
      integration: result.integration,
      status,
      class: result.class,
      startedAt: result.startedAt,
    });
    if (before && before.status === status && before.class === result.class) return {};
    const check: CheckStatusChange = {
      integration: result.integration,
      check: result.check,
      status,
      class: result.class,
      ...(before ? { previous: before.status } : {}),
      message: result.message,
      at: result.startedAt,
    };
    const integration = this.recompute(result.integration, result.startedAt);
    // A check that moved integrations (a workspace edit) leaves its old one to be recomputed too.
    if (before && before.integration !== result.integration)
      this.recompute(before.integration, result.startedAt);
    return { check, ...(integration ? { integration } : {}) };
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
      touched.add(state.integration);
    }
    return [...touched].flatMap((integration) => this.recompute(integration, now) ?? []);
  }

  private recompute(integration: string, at: number): IntegrationStatusChange | undefined {
    const statuses = [...this.checks.values()]
      .filter((c) => c.integration === integration)
      .map((c) => c.status);
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
