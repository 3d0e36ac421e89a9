/**
 * The imperative shell around `decide`: the one place events become committed decisions. `applyEvent` runs on a
 * serial queue: decide against the current state, persist the diff (the incident, its new timeline entries,
 * changed timers, effects as outbox rows, counters and criteria states) with one `applyDecision` transaction,
 * and only once that committed, swap the in-memory state and tell the dispatcher there is work. A failed write
 * leaves the state as it was, so memory never runs ahead of the store.
 *
 * Durable timers: one clock timer points at the engine's next timer; on wake every due timer becomes a
 * `timer-due` event, in (dueAt, id) order. Overdue timers of a restarted daemon fire the same way, at once. A
 * `TimerQueue` keeps the pending timers in that order, so no commit scans every timer of every open incident.
 */
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import {
  decide,
  type Decision,
  type EngineConfig,
  type EngineEvent,
  type EngineState,
  type Incident,
  type Timer,
} from '../engine/index.js';
import type { DecisionChange, EngineStateEntry } from '../store/engine-records.js';
import type { Store } from '../store/index.js';
import type { CriteriaWatch } from './criteria-watch.js';
import { errorText, type DaemonLogger } from './logger.js';
import { outboxRowsOf } from './outbox-rows.js';
import { SerialQueue } from './serial-queue.js';
import { countersEntry, incidentRows } from './state-records.js';
import { TimerQueue } from './timer-queue.js';

/** Node timers overflow above 2^31 − 1 ms; a longer wait re-arms on wake-up. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** After a failed timer decision (store down), try again this much later rather than spinning. */
const TIMER_RETRY_MS = 1000;

export interface EngineShellOptions {
  store: Store;
  clock: Clock;
  config: EngineConfig;
  state: EngineState;
  criteria: CriteriaWatch;
  logger: DaemonLogger;
  /** Aborts store calls on shutdown. */
  signal: AbortSignal;
  /** Called after each committed decision (the dispatcher then looks for new outbox rows). */
  onCommitted: (decision: Decision) => void;
}

export class EngineShell {
  private readonly queue = new SerialQueue();
  private current: EngineState;
  private config: EngineConfig;
  private timer: TimerHandle | undefined;
  private stopped = true;
  /** Pending timers whose incident is not in the state (orphans): not woken for again. */
  private readonly stuck = new Set<string>();
  /** Pending timers in due order; entries the state no longer has pending are dropped as they surface. */
  private readonly pending: TimerQueue;

  constructor(private readonly options: EngineShellOptions) {
    this.current = options.state;
    this.config = options.config;
    this.pending = new TimerQueue(Object.values(options.state.timers));
  }

  get state(): EngineState {
    return this.current;
  }

  get engineConfig(): EngineConfig {
    return this.config;
  }

  setConfig(config: EngineConfig): void {
    this.config = config;
  }

  /** Decides and commits one event, after every event queued before it. */
  applyEvent(event: EngineEvent): Promise<Decision> {
    return this.queue.run(() => this.applyNow(event));
  }

  /** Runs `task` on the decision queue; inside it, use `applyNow`, never `applyEvent` (that would deadlock). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  /** Decides and commits at once; only from inside `exclusive`. */
  async applyNow(event: EngineEvent): Promise<Decision> {
    const now = this.options.clock.now();
    const before = this.current;
    const decision = decide(this.config, before, event, now);
    if (decision.outcome.kind !== 'ok' || decision.incidentId === undefined) return decision;
    const criteria = this.options.criteria.takeDirty();
    const change = this.changeOf(before, decision, now, criteria);
    try {
      await this.options.store.applyDecision(change, { signal: this.options.signal });
    } catch (error) {
      this.options.criteria.restoreDirty(criteria);
      throw error;
    }
    this.current = decision.state;
    for (const row of change.timers ?? []) {
      const timer = this.current.timers[row.id];
      if (timer) this.pending.push(timer);
    }
    this.arm();
    try {
      this.options.onCommitted(decision);
    } catch (error) {
      this.options.logger.error('after-commit hook failed', { error: errorText(error) });
    }
    return decision;
  }

  /** Writes criteria states changed outside any decision (e.g. a trigger that started holding). */
  flushCriteria(): Promise<void> {
    return this.queue.run(async () => {
      const entries = this.options.criteria.takeDirty();
      if (entries.length === 0) return;
      try {
        await this.options.store.applyDecision({ engineState: entries }, { signal: this.options.signal });
      } catch (error) {
        this.options.criteria.restoreDirty(entries);
        throw error;
      }
    });
  }

  /** Starts waking for timers; overdue ones fire now, in due order, before this resolves. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.wake();
  }

  /**
   * Adds an incident read back from the store (e.g. resolved long ago, so not loaded at start) to the state,
   * so a command on it can be decided. Only from inside `exclusive`.
   */
  adopt(incident: Incident, timers: readonly Timer[]): void {
    if (Object.hasOwn(this.current.incidents, incident.id)) return;
    const own = Object.fromEntries(timers.map((t) => [t.id, t] as const));
    this.current = {
      ...this.current,
      incidents: { ...this.current.incidents, [incident.id]: incident },
      timers: { ...own, ...this.current.timers },
    };
    for (const timer of timers) this.pending.push(this.current.timers[timer.id] ?? timer);
  }

  /**
   * Drops incidents resolved longer than `keepMs` ago (they can no longer reopen) and their timers from memory;
   * the store keeps them. Returns the ids dropped. Only from inside `exclusive`.
   */
  prune(now: number, keepMs: number): string[] {
    const gone = Object.values(this.current.incidents)
      .filter((i) => i.status === 'resolved' && (i.resolvedAt ?? now) < now - keepMs)
      .map((i) => i.id);
    if (gone.length === 0) return gone;
    const drop = new Set(gone);
    const keep = <T>(record: Record<string, T>, pick: (value: T) => string) =>
      Object.fromEntries(Object.entries(record).filter(([, value]) => !drop.has(pick(value))));
    this.current = {
      ...this.current,
      incidents: keep(this.current.incidents, (i) => i.id),
      timers: keep(this.current.timers, (t) => t.incidentId),
      signatures: keep(this.current.signatures, (id) => id),
    };
    return gone;
  }

  /** Stops waking and waits for the decisions already queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.disarm();
    await this.queue.idle();
  }

  /** Resolves once every queued decision settled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private changeOf(
    before: EngineState,
    decision: Decision,
    now: number,
    criteria: EngineStateEntry[],
  ): DecisionChange {
    const after = decision.state;
    const rows = incidentRows(before, after, decision.incidentId ?? '', now);
    const outbox = decision.effects.flatMap((effect) => {
      const incident = after.incidents[effect.incidentId];
      return incident ? outboxRowsOf(this.config, incident, effect, now) : [];
    });
    const engineState = [...criteria];
    if (after.nextIncidentNumber !== before.nextIncidentNumber) engineState.push(countersEntry(after));
    return { ...rows, outbox, engineState };
  }

  private nextDue(): Timer | undefined {
    return this.pending.peek(this.live);
  }

  /** Whether a queued timer is still pending in the state, due when it was queued, and not an orphan. */
  private readonly live = (timer: Timer): boolean => {
    const current = Object.hasOwn(this.current.timers, timer.id) ? this.current.timers[timer.id] : undefined;
    return current?.status === 'pending' && current.dueAt === timer.dueAt && !this.stuck.has(timer.id);
  };

  private arm(delayOverride?: number): void {
    if (this.stopped) return;
    this.disarm();
    const next = this.nextDue();
    if (!next && delayOverride === undefined) return;
    const wanted = delayOverride ?? Math.max(0, (next?.dueAt ?? 0) - this.options.clock.now());
    const wake = () =>
      void this.wake().catch((error: unknown) =>
        this.options.logger.error('waking for timers failed', { error: errorText(error) }),
      );
    this.timer = this.options.clock.setTimeout(wake, Math.min(wanted, MAX_DELAY_MS));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async wake(): Promise<void> {
    this.timer = undefined;
    let retry = false;
    await this.queue.run(async () => {
      const now = this.options.clock.now();
      const due = this.pending.takeDue(now, this.live);
      try {
        for (const timer of due) {
          if (this.stopped) return;
          if (this.current.timers[timer.id]?.status !== 'pending') continue;
          try {
            const decision = await this.applyNow({ kind: 'timer-due', timerId: timer.id });
            // Only a timer whose incident is gone can never be applied; any other refusal is about time (a
            // clock stepping back) and is retried when the timer is due again by this clock.
            if (decision.outcome.kind === 'not-found') {
              this.stuck.add(timer.id);
              this.options.logger.warn('a due timer was not applied', {
                timer: timer.id,
                outcome: decision.outcome,
              });
            }
          } catch (error) {
            this.options.logger.error('a due timer could not be committed; retrying', {
              timer: timer.id,
              error: errorText(error),
            });
            retry = true;
            return;
          }
        }
      } finally {
        // Taken but not fired (stopped, refused, failed to commit): back in the queue for the next wake.
        for (const timer of due) if (this.live(timer)) this.pending.push(this.current.timers[timer.id]!);
      }
    });
    if (retry) this.arm(TIMER_RETRY_MS);
    else this.arm();
  }
}
