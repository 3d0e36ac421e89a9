/**
 * Rolling windows over check results: per check and per integration, p50/p95/p99 latency, error rate and counts
 * by failure class over the last N minutes, updated as results arrive. What SLOs and signals ("p95 above 800 ms
 * for 2 min") are computed from.
 *
 * Each key keeps a ring of time slices (default 30 × 10 s = 5 min of retention); a result goes into the slice of
 * its `startedAt`, a slot is reused once its slice has left the retention, and a snapshot merges the slices inside
 * the requested window (HdrHistogram, values within 1%). Time comes from the results and from the `now` passed to
 * `snapshot`/`prune`, never from a clock, so the store is deterministic.
 *
 * The window is quantised to whole slices: a snapshot at `now` over `windowMs` covers the slice holding `now` and
 * the `ceil(windowMs / sliceMs) − 1` before it, i.e. between `windowMs − sliceMs` and `windowMs` of history.
 *
 * Memory per key (measured, Node 20, default 10 s slices × 5 min): ~0.5 KB with a single result; for a check
 * every 60 s ~1.0 KB, every 30 s ~1.7 KB, every 10 s ~4.3 KB; an integration key taking 10 checks every 10 s
 * ~8.6 KB. Hard bound: ~280 KB for a key receiving more than 256 results per slice (30 slices, each then an 8 KB
 * histogram). So 10,000 checks at 30 s plus their integrations take ~20 MB. Keys that received nothing within the
 * retention are dropped by `prune(now)`.
 */
import { FAILURE_CLASSES, type CheckResult, type FailureClass } from '../check-result.js';
import {
  addToSlice,
  mergeSlice,
  newLatencyHistogram,
  newSlice,
  resetSlice,
  type SliceTotals,
  type TimeSlice,
} from './time-slice.js';

export const DEFAULT_SLICE_MS = 10_000;
export const DEFAULT_RETENTION_MS = 300_000;

/** The window key of one check (check ids are unique in a workspace). */
export function checkWindowKey(checkId: string): string {
  return `check:${checkId}`;
}

/** The window key of one integration: every check of it together. */
export function integrationWindowKey(integrationId: string): string {
  return `integration:${integrationId}`;
}

export interface WindowStoreOptions {
  /** Width of one time slice: the granularity of windows and of expiry. Default 10 s. */
  sliceMs?: number;
  /** The longest window a snapshot may ask for; older slices are dropped. Default 5 min. */
  retentionMs?: number;
}

/** What happened to one key over one window. */
export interface WindowSnapshot {
  count: number;
  /** Results with `ok: false`. */
  failures: number;
  /** `failures / count`, 0 when there were no results. */
  errorRate: number;
  /** Latency percentiles in ms (HdrHistogram, within 1%); `null` when there were no results. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Results per failure class (every class present, 0 when none). */
  byClass: Record<FailureClass, number>;
}

export interface WindowStoreStats {
  keys: number;
  /** Slices holding a histogram rather than raw latencies (each ~8 KB). */
  histogramSlices: number;
  /** Records (counted per key) that arrived after their slice had already left the retention. */
  droppedLate: number;
}

interface KeyWindow {
  /** Slot `index mod ring.length` holds the slice with that index, or an older one, or nothing yet. */
  ring: (TimeSlice | undefined)[];
  /** The newest slice index recorded for this key. */
  newest: number;
}

/**
 * @example
 * const windows = new WindowStore();
 * windows.record(result); // into check:<id> and integration:<id>
 * const last5m = windows.snapshot(checkWindowKey('charges-up'), 300_000, Date.now());
 * if (last5m.p95 !== null && last5m.p95 > 800) { ... }
 */
export class WindowStore {
  readonly sliceMs: number;
  readonly retentionMs: number;
  private readonly ringSize: number;
  private readonly windows = new Map<string, KeyWindow>();
  /** One histogram reused by every snapshot to merge slices into. */
  private readonly scratch = newLatencyHistogram();
  private droppedLate = 0;

  constructor(options: WindowStoreOptions = {}) {
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    if (!Number.isSafeInteger(this.sliceMs) || this.sliceMs < 1) {
      throw new RangeError(`sliceMs must be a positive integer, got ${this.sliceMs}`);
    }
    if (!(this.retentionMs >= this.sliceMs) || !Number.isFinite(this.retentionMs)) {
      throw new RangeError(`retentionMs must be at least sliceMs (${this.sliceMs}), got ${this.retentionMs}`);
    }
    this.ringSize = Math.ceil(this.retentionMs / this.sliceMs);
  }

  /** Records a result under its check's key and its integration's key, at `at` (default: when it started). */
  record(result: CheckResult, at: number = result.startedAt): void {
    this.recordUnder(checkWindowKey(result.check), result, at);
    this.recordUnder(integrationWindowKey(result.integration), result, at);
  }

  /** Records a result under one key only (e.g. a per-endpoint or per-region key of the caller's own). */
  recordUnder(key: string, result: CheckResult, at: number = result.startedAt): void {
    const index = Math.floor(at / this.sliceMs);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = { ring: new Array<TimeSlice | undefined>(this.ringSize).fill(undefined), newest: index };
      this.windows.set(key, window);
    }
    if (index <= window.newest - this.ringSize) {
      this.droppedLate++;
      return;
    }
    if (index > window.newest) window.newest = index;
    const slot = this.slotOf(index);
    let slice = window.ring[slot];
    if (slice === undefined) {
      slice = newSlice(index);
      window.ring[slot] = slice;
    } else if (slice.index !== index) {
      resetSlice(slice, index);
    }
    addToSlice(slice, result.latencyMs, result.class, result.ok);
  }

  /**
   * The key's results over the `windowMs` ending at `now` (whole slices, see the module comment). `windowMs` may
   * not exceed the retention. An unknown key has an empty snapshot.
   */
  snapshot(key: string, windowMs: number, now: number): WindowSnapshot {
    const slices = Math.ceil(windowMs / this.sliceMs);
    if (!(slices >= 1) || slices > this.ringSize) {
      throw new RangeError(`windowMs must be in (0, ${this.retentionMs}], got ${windowMs}`);
    }
    const last = Math.floor(now / this.sliceMs);
    const first = last - slices + 1;
    this.scratch.reset();
    const totals: SliceTotals = {
      count: 0,
      failures: 0,
      classCounts: new Array<number>(FAILURE_CLASSES.length).fill(0),
      latencies: this.scratch,
    };
    for (const slice of this.windows.get(key)?.ring ?? []) {
      if (slice !== undefined && slice.index >= first && slice.index <= last) mergeSlice(totals, slice);
    }
    const byClass = Object.fromEntries(FAILURE_CLASSES.map((c, i) => [c, totals.classCounts[i] ?? 0]));
    const has = totals.count > 0;
    return {
      count: totals.count,
      failures: totals.failures,
      errorRate: has ? totals.failures / totals.count : 0,
      p50: has ? this.scratch.getValueAtPercentile(50) : null,
      p95: has ? this.scratch.getValueAtPercentile(95) : null,
      p99: has ? this.scratch.getValueAtPercentile(99) : null,
      byClass: byClass as Record<FailureClass, number>,
    };
  }

  /** Every key that has received a result and was not pruned or forgotten since. */
  keys(): string[] {
    return [...this.windows.keys()];
  }

  /** Drops keys that received nothing within the retention before `now` (removed checks); returns how many. */
  prune(now: number): number {
    const oldestKept = Math.floor(now / this.sliceMs) - this.ringSize + 1;
    let dropped = 0;
    for (const [key, window] of this.windows) {
      if (window.newest < oldestKept) {
        this.windows.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Forgets one key at once (e.g. its check was deleted from the workspace). */
  forget(key: string): void {
    this.windows.delete(key);
  }

  stats(): WindowStoreStats {
    let histogramSlices = 0;
    for (const window of this.windows.values()) {
      for (const slice of window.ring) if (slice?.histogram != null) histogramSlices++;
    }
    return { keys: this.windows.size, histogramSlices, droppedLate: this.droppedLate };
  }

  private slotOf(index: number): number {
    return ((index % this.ringSize) + this.ringSize) % this.ringSize;
  }
}
