/**
 * The check scheduler: runs every check at a fixed rate on its own stable phase, for 10,000 checks in one
 * process, with one timer for the whole schedule.
 *
 * - Due times come from `due-time.ts` (pure): slot `t ≡ hash(id) mod interval` from the epoch, so load spreads
 *   over the interval and a restart keeps each check's phase.
 * - A min-heap of next-due times is woken by a single `setTimeout` to the earliest one; no interval per check.
 * - Runs are independent promises: a slow check never delays another. If a check's previous run is still
 *   waiting or running at its next slot, that slot is skipped and counted (`skippedOverruns`), never queued.
 * - At most `maxPerHost` runs in flight per `host:port`; the rest wait in a FIFO per host, and the wait counts
 *   as scheduling lag (actual start − scheduled start), recorded for every run.
 * - Each run gets an AbortSignal that aborts at its timeout; a run that ignores it is abandoned `abandonAfterMs`
 *   later so it cannot hold a host slot for ever.
 * - A rejected (or throwing) run, or a throwing `onResult`, is reported to `onError`; the scheduler keeps going.
 *
 * Memory (measured, Node 20, 10,000 checks): ~180 bytes per scheduled check beyond the caller's entry (state,
 * heap slot, map entry); ~150 bytes per run waiting for a host slot; ~1.5 KB per running run, mostly its
 * AbortController. See `scheduler-load.test.ts` for the 10,000-check spread and the one-hour simulation.
 */
import type { CheckResult } from '../check-result.js';
import type { Clock, TimerHandle } from './clock.js';
import { firstDueAt, missedSlots, nextDueAt, stableOffset } from './due-time.js';
import { HostLimiter } from './host-limiter.js';
import { LagRecorder, type LagSummary } from './lag-recorder.js';
import { MinHeap } from './min-heap.js';
import { RunAbandonedError, cancelReason, timeoutReason } from './run-errors.js';
import { validateEntries, type ScheduleEntry } from './schedule-entry.js';

export type { ScheduleEntry } from './schedule-entry.js';

export const DEFAULT_MAX_PER_HOST = 8;
export const DEFAULT_ABANDON_AFTER_MS = 5_000;
/** Node's timers overflow above 2^31 − 1 ms (~24.8 days); longer waits re-arm on wake-up. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Which run an error came from. */
export interface RunContext {
  checkId: string;
  host: string;
  scheduledAt: number;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Runs in flight per host at most. Default 8. */
  maxPerHost?: number;
  /** Every result of a run that was not cancelled, with its scheduling lag. */
  onResult: (result: CheckResult, lagMs: number) => void;
  /** A run rejected or was abandoned, or `onResult` threw. Default: ignored (still counted in `stats().failed`). */
  onError?: (error: unknown, context: RunContext) => void;
  /** How long after aborting a run the scheduler stops waiting for it. Default 5,000 ms. */
  abandonAfterMs?: number;
  /** The phase of a check within its interval. Default `stableOffset` (hash of the id); tests pin it. */
  offsetOf?: (id: string, intervalMs: number) => number;
}

export interface SchedulerStats {
  /** Checks in the schedule. */
  scheduled: number;
  /** Runs started and not yet settled (including cancelled ones still winding down). */
  running: number;
  /** Runs due but waiting for a slot on their host. */
  waiting: number;
  /** Runs that produced a result delivered to `onResult`. */
  completed: number;
  /** Runs that rejected or were abandoned. */
  failed: number;
  /** Slots skipped because the check's previous run was still waiting or running. */
  skippedOverruns: number;
  /** Slots skipped because the process itself was stalled (event loop blocked, machine asleep) past them. */
  missedSlots: number;
  /** Runs given up on after ignoring their aborted signal. */
  abandoned: number;
  /** Lag (actual − scheduled start) over every run started since the scheduler was created. */
  lag: LagSummary;
}

interface CheckState {
  entry: ScheduleEntry;
  offsetMs: number;
  /** Next slot; `NaN` until the scheduler starts. */
  dueAt: number;
  /** Tie-break for equal due times, so the order never depends on heap internals. */
  seq: number;
  /** The run waiting or running for this check, if any. */
  current: Run | undefined;
}

interface Run {
  check: CheckState;
  /** The host whose slot this run holds or waits for (the entry's host may change while it runs). */
  host: string;
  scheduledAt: number;
  lagMs: number;
  phase: 'waiting' | 'running' | 'done';
  controller: AbortController | undefined;
  timeoutTimer: TimerHandle | undefined;
  abandonTimer: TimerHandle | undefined;
  /** Aborted by `stop` or by removal: whatever it settles with describes our cancellation, not the vendor. */
  cancelled: boolean;
}

const byDueAt = (a: CheckState, b: CheckState): number => a.dueAt - b.dueAt || a.seq - b.seq;

/**
 * @example
 * const scheduler = new Scheduler({ clock: systemClock, onResult: (result, lagMs) => windows.record(result) });
 * scheduler.schedule(checks.map((c) => ({ id: c.id, host: 'api.vendor.com:443', intervalMs: 30_000,
 *   timeoutMs: 10_000, run: (signal, scheduledAt) => runCheck(c, signal, scheduledAt) })));
 * scheduler.start();
 * // on shutdown
 * await scheduler.stop();
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly onResult: SchedulerOptions['onResult'];
  private readonly onError: NonNullable<SchedulerOptions['onError']>;
  private readonly abandonAfterMs: number;
  private readonly offsetOf: NonNullable<SchedulerOptions['offsetOf']>;
  private readonly limiter: HostLimiter<Run>;
  private readonly lag = new LagRecorder();
  private readonly heap = new MinHeap<CheckState>(byDueAt);
  private checks = new Map<string, CheckState>();
  private readonly inFlight = new Set<Run>();
  private idleWaiters: (() => void)[] = [];
  private started = false;
  private timer: TimerHandle | undefined;
  private timerAt = Number.NaN;
  private nextSeq = 0;
  private completed = 0;
  private failed = 0;
  private skippedOverruns = 0;
  private missed = 0;
  private abandoned = 0;

  constructor(options: SchedulerOptions) {
    this.clock = options.clock;
    this.onResult = options.onResult;
    this.onError = options.onError ?? (() => {});
    this.abandonAfterMs = options.abandonAfterMs ?? DEFAULT_ABANDON_AFTER_MS;
    this.offsetOf = options.offsetOf ?? stableOffset;
    this.limiter = new HostLimiter<Run>(options.maxPerHost ?? DEFAULT_MAX_PER_HOST);
  }

  /**
   * Replaces the whole schedule at once. A check whose id and interval are unchanged keeps its next slot (and
   * its run in flight); a changed interval moves it to its new phase; a removed check stops, its waiting run is
   * dropped and its running run aborted. Throws `ConfigError` (code `invalid-schedule`) listing every problem,
   * leaving the schedule untouched.
   */
  schedule(entries: readonly ScheduleEntry[]): void {
    validateEntries(entries);
    const now = this.clock.now();
    const next = new Map<string, CheckState>();
    for (const entry of entries) {
      let check = this.checks.get(entry.id);
      if (check === undefined) {
        check = { entry, offsetMs: 0, dueAt: Number.NaN, seq: this.nextSeq++, current: undefined };
        this.placePhase(check, now);
      } else if (check.entry.intervalMs !== entry.intervalMs) {
        check.entry = entry;
        this.placePhase(check, now);
      } else {
        check.entry = entry;
      }
      next.set(entry.id, check);
    }
    for (const [id, check] of this.checks) {
      if (!next.has(id)) this.cancel(check, 'removed');
    }
    this.checks = next;
    this.heap.rebuild([...next.values()]);
    this.arm();
  }

  /** Starts firing checks at their slots; the first slot of each is its next one from now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const now = this.clock.now();
    for (const check of this.checks.values()) {
      check.dueAt = firstDueAt(now, check.entry.intervalMs, check.offsetMs);
    }
    this.heap.rebuild([...this.checks.values()]);
    this.arm();
  }

  /**
   * Stops firing, drops waiting runs and aborts running ones; resolves when every run has settled or been
   * abandoned. Results of the aborted runs are not delivered. `start` may be called again afterwards.
   */
  stop(): Promise<void> {
    this.started = false;
    this.disarm();
    for (const run of this.limiter.drainWaiting()) this.drop(run);
    for (const run of [...this.inFlight]) this.abort(run, cancelReason(run.check.entry.id, 'stopped'), true);
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): SchedulerStats {
    return {
      scheduled: this.checks.size,
      running: this.inFlight.size,
      waiting: this.limiter.waiting,
      completed: this.completed,
      failed: this.failed,
      skippedOverruns: this.skippedOverruns,
      missedSlots: this.missed,
      abandoned: this.abandoned,
      lag: this.lag.summary(),
    };
  }

  /** The next slot of a check, or undefined if it is not scheduled or the scheduler has not started. */
  nextDueOf(id: string): number | undefined {
    const dueAt = this.checks.get(id)?.dueAt;
    return dueAt === undefined || Number.isNaN(dueAt) ? undefined : dueAt;
  }

  private placePhase(check: CheckState, now: number): void {
    const { id, intervalMs } = check.entry;
    const offset = this.offsetOf(id, intervalMs);
    check.offsetMs = ((offset % intervalMs) + intervalMs) % intervalMs;
    check.dueAt = this.started ? firstDueAt(now, intervalMs, check.offsetMs) : Number.NaN;
  }

  /** Points the single timer at the earliest slot (or clears it when there is nothing to wait for). */
  private arm(): void {
    const top = this.heap.peek();
    if (!this.started || top === undefined) {
      this.disarm();
      return;
    }
    if (this.timer !== undefined && this.timerAt === top.dueAt) return;
    this.disarm();
    const delay = Math.min(Math.max(0, top.dueAt - this.clock.now()), MAX_TIMER_DELAY_MS);
    this.timerAt = top.dueAt;
    this.timer = this.clock.setTimeout(this.onTimer, delay);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.NaN;
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Number.NaN;
    if (!this.started) return;
    const now = this.clock.now();
    // The top is moved to its next slot before its run is called, so a run that reschedules synchronously
    // finds a consistent heap; the loop re-reads the top each time for the same reason.
    for (let top = this.heap.peek(); top !== undefined && top.dueAt <= now; top = this.heap.peek()) {
      const scheduledAt = top.dueAt;
      top.dueAt = nextDueAt(scheduledAt, top.entry.intervalMs, now);
      this.missed += missedSlots(scheduledAt, top.dueAt, top.entry.intervalMs);
      this.heap.replaceTop(top);
      this.fire(top, scheduledAt);
      if (!this.started) return;
    }
    this.arm();
  };

  private fire(check: CheckState, scheduledAt: number): void {
    if (check.current !== undefined) {
      this.skippedOverruns++;
      return;
    }
    const run: Run = {
      check,
      host: check.entry.host,
      scheduledAt,
      lagMs: 0,
      phase: 'waiting',
      controller: undefined,
      timeoutTimer: undefined,
      abandonTimer: undefined,
      cancelled: false,
    };
    check.current = run;
    if (this.limiter.acquireOrEnqueue(run.host, run)) this.begin(run);
  }

  /** Starts a run that holds a slot on its host. */
  private begin(run: Run): void {
    const entry = run.check.entry;
    run.phase = 'running';
    run.lagMs = Math.max(0, this.clock.now() - run.scheduledAt);
    this.lag.record(run.lagMs);
    const controller = new AbortController();
    run.controller = controller;
    run.timeoutTimer = this.clock.setTimeout(() => {
      run.timeoutTimer = undefined;
      this.abort(run, timeoutReason(entry.id, entry.timeoutMs), false);
    }, entry.timeoutMs);
    this.inFlight.add(run);
    let outcome: Promise<CheckResult>;
    try {
      outcome = Promise.resolve(entry.run(controller.signal, run.scheduledAt));
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => this.fulfilled(run, result),
      (error: unknown) => this.rejected(run, error),
    );
  }

  private fulfilled(run: Run, result: CheckResult): void {
    if (!this.finish(run) || run.cancelled) return;
    this.completed++;
    try {
      this.onResult(result, run.lagMs);
    } catch (error) {
      this.report(error, run);
    }
  }

  private rejected(run: Run, error: unknown): void {
    if (!this.finish(run) || run.cancelled) return;
    this.failed++;
    this.report(error, run);
  }

  /** Aborts a running run and starts the grace period after which it is abandoned. */
  private abort(run: Run, reason: DOMException, cancel: boolean): void {
    if (run.phase !== 'running' || run.controller === undefined) return;
    if (cancel) run.cancelled = true;
    if (run.timeoutTimer !== undefined) this.clock.clearTimeout(run.timeoutTimer);
    run.timeoutTimer = undefined;
    if (run.abandonTimer === undefined) {
      run.abandonTimer = this.clock.setTimeout(() => {
        run.abandonTimer = undefined;
        if (!this.finish(run)) return;
        this.abandoned++;
        if (run.cancelled) return;
        this.failed++;
        this.report(new RunAbandonedError(run.check.entry.id, this.abandonAfterMs), run);
      }, this.abandonAfterMs);
    }
    if (!run.controller.signal.aborted) run.controller.abort(reason);
  }

  /** A removed check: its waiting run leaves the queue, its running run is aborted. */
  private cancel(check: CheckState, why: 'removed'): void {
    const run = check.current;
    if (run === undefined) return;
    if (run.phase === 'waiting') {
      this.limiter.removeWaiting(run.host, run);
      this.drop(run);
    } else {
      this.abort(run, cancelReason(check.entry.id, why), true);
    }
  }

  private drop(run: Run): void {
    run.phase = 'done';
    if (run.check.current === run) run.check.current = undefined;
  }

  /**
   * Ends a running run once (settled or abandoned): frees its check and its host slot, hands the slot to the
   * next waiting run. Returns false if it had already ended.
   */
  private finish(run: Run): boolean {
    if (run.phase !== 'running') return false;
    run.phase = 'done';
    if (run.timeoutTimer !== undefined) this.clock.clearTimeout(run.timeoutTimer);
    if (run.abandonTimer !== undefined) this.clock.clearTimeout(run.abandonTimer);
    run.timeoutTimer = undefined;
    run.abandonTimer = undefined;
    this.inFlight.delete(run);
    if (run.check.current === run) run.check.current = undefined;
    const next = this.limiter.release(run.host);
    if (next !== undefined) this.begin(next);
    if (this.inFlight.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    return true;
  }

  private report(error: unknown, run: Run): void {
    try {
      this.onError(error, { checkId: run.check.entry.id, host: run.host, scheduledAt: run.scheduledAt });
    } catch {
      // An error handler that throws has nowhere left to report to; the scheduler must keep going.
    }
  }
}
