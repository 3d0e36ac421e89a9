/**
 * Everything the daemon keeps in memory about recent check results, behind one `record(result)`: the rolling
 * windows, the latest results and the minute counts, sized for what the workspace's signals read, plus the
 * `Measurements` view of them. On start it is warmed from the store (raw results for the rolling windows,
 * minute rollups for long windows) so a restarted daemon evaluates signals against the same past.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import {
  DEFAULT_SLICE_MS,
  WindowStore,
  checkWindowKey,
  integrationWindowKey,
} from '../checks/windows/index.js';
import type { Measurements } from '../engine/signals/index.js';
import { MINUTE_MS, type Store } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { LatestResults } from './latest-results.js';
import { measurementNeeds } from './measurement-needs.js';
import { DaemonMeasurements } from './measurements.js';
import { MinuteCounts } from './minute-counts.js';

export class ResultWindows {
  private windows: WindowStore;
  private latest: LatestResults;
  private readonly minutes = new MinuteCounts();
  private view: DaemonMeasurements;

  constructor(
    workspace: Workspace,
    private readonly sliceMs: number = DEFAULT_SLICE_MS,
  ) {
    const needs = measurementNeeds(workspace, sliceMs);
    this.windows = new WindowStore({ sliceMs, retentionMs: needs.retentionMs });
    this.latest = new LatestResults(needs.retentionMs);
    this.view = new DaemonMeasurements(this.windows, this.latest, this.minutes);
    this.configure(workspace);
  }

  get measurements(): Measurements {
    return this.view;
  }

  /** The failure signature of the check's latest result when it failed. */
  failingSignature(check: string): string | undefined {
    return this.latest.failingSignature(check);
  }

  get retentionMs(): number {
    return this.windows.retentionMs;
  }

  /**
   * Resizes for a reloaded workspace. The rolling windows are rebuilt only when they must keep longer (their
   * size is fixed at creation); the latest results and minute counts of kept keys survive.
   */
  configure(workspace: Workspace): void {
    const needs = measurementNeeds(workspace, this.sliceMs);
    if (needs.retentionMs > this.windows.retentionMs) {
      this.windows = new WindowStore({ sliceMs: this.sliceMs, retentionMs: needs.retentionMs });
      this.latest = new LatestResults(needs.retentionMs);
      this.view = new DaemonMeasurements(this.windows, this.latest, this.minutes);
    }
    this.latest.sampleKeys(needs.sampleKeys);
    this.minutes.track(needs.longWindows);
  }

  record(result: CheckResult): void {
    this.windows.record(result);
    this.latest.record(result);
    const failures = result.ok ? 0 : 1;
    const byClass: Partial<Record<FailureClass, number>> = { [result.class]: 1 };
    for (const key of [checkWindowKey(result.check), integrationWindowKey(result.integration)]) {
      this.minutes.add(key, result.startedAt, 1, failures, byClass);
    }
  }

  /** Drops keys nothing was recorded under within the retention (removed checks). */
  prune(now: number): void {
    this.windows.prune(now);
  }

  /**
   * Loads the recent past from the store: raw results of the retention into the rolling windows and latest
   * results, minute rollups into the long windows. Best effort: a store that cannot answer leaves them empty.
   */
  async warm(store: Store, workspace: Workspace, now: number, signal: AbortSignal): Promise<void> {
    const since = now - this.windows.retentionMs;
    let cursor: string | undefined;
    const results: CheckResult[] = [];
    do {
      const page = await store.listCheckResults(
        { since, limit: 1000, ...(cursor ? { cursor } : {}) },
        { signal },
      );
      results.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined && results.length < 100_000);
    // Oldest first, so "since when has this class held" comes out as it did live.
    for (const result of results.reverse()) {
      this.windows.record(result);
      this.latest.record(result);
    }
    const longest = Math.max(0, ...[...measurementNeeds(workspace, this.sliceMs).longWindows.values()]);
    if (longest === 0) return;
    for (const integration of workspace.integrations) {
      const rows = await store.checkRollups(
        { integration: integration.id, since: now - longest, until: now, resolution: MINUTE_MS },
        { signal },
      );
      for (const row of rows) {
        for (const key of [checkWindowKey(row.check), integrationWindowKey(row.integration)]) {
          this.minutes.add(key, row.start, row.count, row.failures, row.byClass);
        }
      }
    }
  }
}
