/**
 * How each integration is doing right now, kept up to date by the daemon instead of recomputed per request: the
 * integrations list (`GET /api/v1/integrations`) reads its status and its 5m/1h windows from here, so a list
 * request costs O(page size × 61 minute buckets) and never touches the store. Detail pages, series and SLOs still
 * read rollups, for one integration at a time.
 *
 * Per integration the board holds a ring of 61 minute buckets (a 1 h window that starts mid-minute overlaps 61
 * minutes, matching how rollup windows are cut) and the latest result per check. Each bucket has a count, the
 * failures, min/max latency and a dense log-scale histogram of 70 buckets: 4 per doubling from 1 ms to ~120 s,
 * each exactly two buckets of the stored rollup layout (`latency-histogram.ts`), so a warm start from minute
 * rollups gives the same numbers as live updates would have. Memory: 70 × 61 × 4 bytes plus ~2 KB ≈ 19 KB per
 * integration, ~19 MB for 1,000 integrations.
 *
 * Error bound: a percentile is interpolated inside the bucket holding its rank and clamped to the observed
 * min/max, so it lies in the same bucket as the true value: at most 2^(1/4) ≈ 19 % above or below it (below 1 ms,
 * within 1 ms). Counts, failures and error rates are exact.
 *
 * @example
 * const board = new HealthBoard(clock);
 * await board.warm(store, workspace, signal);
 * board.record(result); // from the check pipeline's onResult hook
 * board.windows('stripe', LIST_WINDOWS);
 */
import type { CheckResult } from '../checks/check-result.js';
import { bucketBounds, bucketIndex, OVERFLOW_BUCKET } from '../store/latency-histogram.js';
import { MINUTE_MS, minuteStart } from '../store/rollups.js';
import type { CheckRollup, Store } from '../store/store.js';
import type { Workspace } from '../workspace/model.js';
import type { WindowStats } from './read-service.js';

/** Minute buckets kept per integration: enough for a 1 h window that starts part-way through a minute. */
export const BOARD_MINUTES = 61;

/** The board bucket of a stored-layout bucket: 0 stays 0, then two stored buckets per board bucket. */
function boardBucketOf(storedIndex: number): number {
  if (storedIndex === 0) return 0;
  if (storedIndex === OVERFLOW_BUCKET) return BOARD_OVERFLOW;
  return Math.ceil(storedIndex / 2);
}
const BOARD_OVERFLOW = Math.ceil((OVERFLOW_BUCKET - 1) / 2) + 1;
export const BOARD_BUCKETS = BOARD_OVERFLOW + 1;
/** `[lower, upper)` of each board bucket in ms, from the stored buckets it is made of. */
const BOARD_BOUNDS: readonly { lower: number; upper: number }[] = (() => {
  const bounds = Array.from({ length: BOARD_BUCKETS }, () => ({ lower: Infinity, upper: 0 }));
  for (let stored = 0; stored <= OVERFLOW_BUCKET; stored++) {
    const own = bucketBounds(stored);
    const board = bounds[boardBucketOf(stored)]!;
    board.lower = Math.min(board.lower, own.lower);
    board.upper = Math.max(board.upper, own.upper);
  }
  return bounds;
})();

/** One integration's minute ring and latest results. */
class Lane {
  /** Start of the minute each slot holds, or -1 for none. */
  readonly minute = new Float64Array(BOARD_MINUTES).fill(-1);
  readonly count = new Uint32Array(BOARD_MINUTES);
  readonly failures = new Uint32Array(BOARD_MINUTES);
  readonly min = new Float64Array(BOARD_MINUTES).fill(Infinity);
  readonly max = new Float64Array(BOARD_MINUTES).fill(-Infinity);
  readonly histogram = new Uint32Array(BOARD_MINUTES * BOARD_BUCKETS);
  readonly latest = new Map<string, CheckResult>();
  /** Bumped on every change, so readers can cache what they derived from the lane. */
  version = 0;

  /** The slot for `minute`, emptied if it held an older minute; undefined when the minute is older than the ring. */
  slot(minute: number): number | undefined {
    const slot = (minute / MINUTE_MS) % BOARD_MINUTES;
    const held = this.minute[slot]!;
    if (held === minute) return slot;
    if (held > minute) return undefined;
    this.minute[slot] = minute;
    this.count[slot] = 0;
    this.failures[slot] = 0;
    this.min[slot] = Infinity;
    this.max[slot] = -Infinity;
    this.histogram.fill(0, slot * BOARD_BUCKETS, (slot + 1) * BOARD_BUCKETS);
    return slot;
  }
}

export class HealthBoard {
  readonly #lanes = new Map<string, Lane>();
  readonly #clock: { now(): number };
  #warming: Promise<void> | undefined;

  constructor(clock: { now(): number }) {
    this.#clock = clock;
  }

  /**
   * Fills the board from the store, once: the last hour of minute rollups of each integration and the latest
   * result of each check. Later calls return the same promise; a failed warm is tried again on the next call.
   * Call it before results are recorded live (the daemon warms before its checks start).
   */
  warm(store: Store, workspace: Workspace, signal: AbortSignal): Promise<void> {
    this.#warming ??= this.#fill(store, workspace, signal).catch((error: unknown) => {
      this.#warming = undefined;
      throw error;
    });
    return this.#warming;
  }

  async #fill(store: Store, workspace: Workspace, signal: AbortSignal): Promise<void> {
    this.#lanes.clear();
    this.retain(workspace);
    const now = this.#clock.now();
    const since = minuteStart(now) - (BOARD_MINUTES - 1) * MINUTE_MS;
    for (const integration of workspace.integrations) {
      const rows = await store.checkRollups(
        { integration: integration.id, since, until: now, resolution: MINUTE_MS },
        { signal },
      );
      for (const row of rows) this.#addRollup(row);
    }
    for (const result of await store.latestCheckResults({ signal })) this.#noteLatest(result);
  }

  /** Keeps only the integrations of `workspace` (after a reload); new ones start empty. */
  retain(workspace: Workspace): void {
    const ids = new Set(workspace.integrations.map((integration) => integration.id));
    for (const id of this.#lanes.keys()) if (!ids.has(id)) this.#lanes.delete(id);
    for (const id of ids) if (!this.#lanes.has(id)) this.#lanes.set(id, new Lane());
  }

  /**
   * Changes with every result or rollup added to the integration (-1 when the board does not know it). With
   * the minute of `now` it keys anything derived from the board: windows only move at minute boundaries.
   */
  version(integration: string): number {
    return this.#lanes.get(integration)?.version ?? -1;
  }

  /** Adds one check result as it arrives. */
  record(result: CheckResult): void {
    const lane = this.#lanes.get(result.integration);
    if (!lane) return;
    lane.version++;
    this.#noteLatest(result);
    const slot = lane.slot(minuteStart(result.startedAt));
    if (slot === undefined) return;
    lane.count[slot]! += 1;
    if (!result.ok) lane.failures[slot]! += 1;
    lane.min[slot] = Math.min(lane.min[slot]!, result.latencyMs);
    lane.max[slot] = Math.max(lane.max[slot]!, result.latencyMs);
    lane.histogram[slot * BOARD_BUCKETS + boardBucketOf(bucketIndex(result.latencyMs))]! += 1;
  }

  /** The latest result of each of `checks` the board has seen for the integration. */
  latest(integration: string, checks: readonly string[]): CheckResult[] {
    const lane = this.#lanes.get(integration);
    if (!lane) return [];
    return checks.flatMap((check) => {
      const result = lane.latest.get(check);
      return result ? [result] : [];
    });
  }

  /** Stats over `[now - windowMs, now)` per named window: every minute bucket that overlaps it counts. */
  windows<Name extends string>(
    integration: string,
    windows: Readonly<Record<Name, number>>,
  ): Record<Name, WindowStats> {
    const now = this.#clock.now();
    const out = {} as Record<Name, WindowStats>;
    for (const [name, windowMs] of Object.entries(windows) as [Name, number][]) {
      out[name] = this.#stats(this.#lanes.get(integration), windowMs, now);
    }
    return out;
  }

  #stats(lane: Lane | undefined, windowMs: number, now: number): WindowStats {
    let count = 0;
    let failures = 0;
    let min = Infinity;
    let max = -Infinity;
    const histogram = new Uint32Array(BOARD_BUCKETS);
    if (lane) {
      for (let slot = 0; slot < BOARD_MINUTES; slot++) {
        const minute = lane.minute[slot]!;
        if (minute < 0 || minute + MINUTE_MS <= now - windowMs || minute > now || lane.count[slot] === 0)
          continue;
        count += lane.count[slot]!;
        failures += lane.failures[slot]!;
        min = Math.min(min, lane.min[slot]!);
        max = Math.max(max, lane.max[slot]!);
        const base = slot * BOARD_BUCKETS;
        for (let bucket = 0; bucket < BOARD_BUCKETS; bucket++)
          histogram[bucket]! += lane.histogram[base + bucket]!;
      }
    }
    const quantile = (q: number) => (count === 0 ? null : boardQuantile(histogram, count, q, min, max));
    return {
      windowMs,
      count,
      failures,
      errorRate: count ? failures / count : null,
      p50: quantile(0.5),
      p95: quantile(0.95),
      p99: quantile(0.99),
    };
  }

  #addRollup(row: CheckRollup): void {
    const lane = this.#lanes.get(row.integration);
    if (!lane || row.bucketMs !== MINUTE_MS || row.count === 0) return;
    lane.version++;
    const slot = lane.slot(row.start);
    if (slot === undefined) return;
    lane.count[slot]! += row.count;
    lane.failures[slot]! += row.failures;
    lane.min[slot] = Math.min(lane.min[slot]!, row.latencyMinMs);
    lane.max[slot] = Math.max(lane.max[slot]!, row.latencyMaxMs);
    for (const [index, n] of Object.entries(row.histogram)) {
      lane.histogram[slot * BOARD_BUCKETS + boardBucketOf(Number(index))]! += n;
    }
  }

  #noteLatest(result: CheckResult): void {
    const lane = this.#lanes.get(result.integration);
    if (!lane) return;
    const known = lane.latest.get(result.check);
    if (!known || known.startedAt <= result.startedAt) lane.latest.set(result.check, result);
  }
}

/** Same estimate as `estimateQuantile` in the store: the middle of the rank's slot, spread evenly in its bucket. */
function boardQuantile(histogram: Uint32Array, total: number, q: number, min: number, max: number): number {
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let index = 0; index < BOARD_BUCKETS; index++) {
    const count = histogram[index]!;
    if (count === 0) continue;
    if (seen + count < rank) {
      seen += count;
      continue;
    }
    const { lower, upper } = BOARD_BOUNDS[index]!;
    const top = upper === Infinity ? max : upper;
    const estimate = lower + ((top - lower) * (rank - seen - 0.5)) / count;
    return Math.min(Math.max(estimate, min), max);
  }
  return max;
}
