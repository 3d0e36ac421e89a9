/**
 * The imperative shell around the engine: the one place events become committed decisions. `applyEvent` runs on a
 * serial queue: `decideChanges` against the current state, persist exactly those changes (the incident, its new
 * timeline entries, the timers it created or settled, effects as outbox rows, counters and criteria states) with
 * one `applyDecision` transaction, and only once that committed, apply the changes to the state in memory and tell
 * the dispatcher there is work. A failed write applies nothing, so memory never runs ahead of the store.
 *
 * The state in memory is the shell's own (`ShellState`) and changes in place: a decision costs O(one incident),
 * not a copy of every incident and timer (see docs/decisions/007-engine-decisions-return-changes.md).
 *
 * Durable timers: one clock timer points at the engine's next timer; on wake every due timer becomes a
 * `timer-due` event, in (dueAt, id) order. Overdue timers of a restarted daemon fire the same way, at once. A
 * `TimerQueue` keeps the pending timers in that order, so no commit scans every timer of every open incident.
 */
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import {
  decideChanges,
  groupOpenIncidents,
  type Decision,
  type EngineConfig,
  type EngineEvent,
  type EngineState,
  type Effect,
  type Incident,
  type OpenIncidentGroups,
  type StateChanges,
  type Timer,
  type TimerIndex,
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
  /**
   * The state to continue from, e.g. fresh from `stateFromSnapshot`. The shell takes it over and changes it in
   * place (copying ~100,000 timers would cost a restart ~0.2 s): hand it a state nothing else uses.
   */
  state: EngineState;
  criteria: CriteriaWatch;
  logger: DaemonLogger;
  /** Aborts store calls on shutdown. */
  signal: AbortSignal;
  /**
   * Called after each committed decision (the dispatcher then looks for new outbox rows). `decision.state` is the
   * shell's live state, already changed by the decision; read it there and then, do not keep it.
   */
  onCommitted: (decision: Decision) => void;
}

export class EngineShell {
  private readonly queue = new SerialQueue();
  private readonly own: ShellState;
  private config: EngineConfig;
  private timer: TimerHandle | undefined;
  private stopped = true;
  /** Pending timers whose incident is not in the state (orphans): not woken for again. */
  private readonly stuck = new Set<string>();
  /** Pending timers in due order; entries the state no longer has pending are dropped as they surface. */
  private readonly pending: TimerQueue;
  #committed = 0;
  #open: { committed: number; groups: OpenIncidentGroups } | undefined;

  constructor(private readonly options: EngineShellOptions) {
    const timers = Object.values(options.state.timers);
    this.own = new ShellState(options.state, timers);
    this.config = options.config;
    this.pending = new TimerQueue(timers);
  }

  /**
   * The engine state in memory: a live, read-only view that changes in place as decisions commit. The incident
   * and timer objects in it are replaced, never changed, so an incident read from it stays as it was; the records
   * holding them do not (copy them if you need the state of one moment).
   */
  get state(): EngineState {
    return this.own.state;
  }

  private get current(): EngineState {
    return this.own.state;
  }

  /**
   * How many decisions this shell has committed. Incidents change only through commits, so anything read from
   * them (a list page, open counts) is still current while this number is unchanged.
   */
  get committed(): number {
    return this.#committed;
  }

  /**
   * The open incidents grouped by playbook and integration, regrouped only after a commit: health probes, lists
   * and every result's criteria ask far more often than incidents change. Read-only, like `state`.
   */
  openIncidents(): OpenIncidentGroups {
    if (this.#open?.committed !== this.#committed) {
      this.#open = { committed: this.#committed, groups: groupOpenIncidents(this.own.state) };
    }
    return this.#open.groups;
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
    const { changes, ...decided } = decideChanges(this.config, this.current, event, now, this.own.index);
    const decision: Decision = { state: this.current, ...decided };
    if (!changes) return decision;
    const criteria = this.options.criteria.takeDirty();
    const change = this.changeOf(changes, decision.effects, now, criteria);
    try {
      await this.options.store.applyDecision(change, { signal: this.options.signal });
    } catch (error) {
      this.options.criteria.restoreDirty(criteria);
      throw error;
    }
    this.own.apply(changes);
    this.#committed++;
    for (const timer of changes.timers.values()) this.pending.push(timer);
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
    if (!this.own.adopt(incident, timers)) return;
    this.#open = undefined; // not a commit, but the incidents in memory changed
    for (const timer of timers) this.pending.push(this.current.timers[timer.id] ?? timer);
  }

  /**
   * Drops incidents resolved longer than `keepMs` ago (they can no longer reopen) and their timers from memory;
   * the store keeps them. Returns the ids dropped. Only from inside `exclusive`.
   */
  prune(now: number, keepMs: number): string[] {
    this.#open = undefined;
    return this.own.prune(now, keepMs);
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

  /** The rows of a decision, from its changes and the state before it (not yet changed). */
  private changeOf(
    changes: StateChanges,
    effects: readonly Effect[],
    now: number,
    criteria: EngineStateEntry[],
  ): DecisionChange {
    const { incidents } = this.current;
    const id = changes.incident.id;
    const previous = Object.hasOwn(incidents, id) ? incidents[id] : undefined;
    const rows = incidentRows(previous, changes, now);
    const outbox = effects.flatMap((effect) => {
      const incident =
        effect.incidentId === id
          ? changes.incident
          : Object.hasOwn(incidents, effect.incidentId)
            ? incidents[effect.incidentId]
            : undefined;
      return incident ? outboxRowsOf(this.config, incident, effect, now) : [];
    });
    const engineState = [...criteria];
    const next = changes.nextIncidentNumber;
    if (next !== undefined && next !== this.current.nextIncidentNumber)
      engineState.push(countersEntry({ nextIncidentNumber: next }));
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

/**
 * The shell's own engine state, changed in place, and its index of timers by incident (what lets `decideChanges`
 * find one incident's timers without a scan). It takes over the state handed in (its records change in place);
 * incident and timer objects in them are replaced, never mutated. Exported for the engine benchmark, which
 * measures the core the same way the shell runs it.
 */
export class ShellState {
  /** Incident id → ids of its timers in `state` (settled ones too, so a pruned incident takes them all along). */
  private readonly timerIds = new Map<string, Set<string>>();
  readonly index: TimerIndex = {
    timersOf: (incidentId) => {
      const timers: Timer[] = [];
      for (const id of this.timerIds.get(incidentId) ?? []) {
        const timer = this.state.timers[id];
        if (timer) timers.push(timer);
      }
      return timers;
    },
  };

  /** `timers`: the state's timers, when the caller already listed them. */
  constructor(
    readonly state: EngineState,
    timers: Iterable<Timer> = Object.values(state.timers),
  ) {
    for (const timer of timers) this.indexTimer(timer);
  }

  /** Applies a committed decision's changes: the in-place twin of the engine's `applyChanges`. */
  apply(changes: StateChanges): void {
    const { state } = this;
    setOwn(state.incidents, changes.incident.id, changes.incident);
    for (const [id, timer] of changes.timers) {
      setOwn(state.timers, id, timer);
      this.indexTimer(timer);
    }
    for (const [signature, id] of Object.entries(changes.signatures ?? {}))
      setOwn(state.signatures, signature, id);
    if (changes.nextIncidentNumber !== undefined) state.nextIncidentNumber = changes.nextIncidentNumber;
  }

  /** Adds an incident read back from the store and its timers (those already held win); false if it was there. */
  adopt(incident: Incident, timers: readonly Timer[]): boolean {
    const { state } = this;
    if (Object.hasOwn(state.incidents, incident.id)) return false;
    setOwn(state.incidents, incident.id, incident);
    for (const timer of timers) {
      if (Object.hasOwn(state.timers, timer.id)) continue;
      setOwn(state.timers, timer.id, timer);
      this.indexTimer(timer);
    }
    return true;
  }

  /** Drops incidents resolved longer than `keepMs` ago, with their timers and signature entries; their ids. */
  prune(now: number, keepMs: number): string[] {
    const { state } = this;
    const gone = Object.values(state.incidents)
      .filter((i) => i.status === 'resolved' && (i.resolvedAt ?? now) < now - keepMs)
      .map((i) => i.id);
    for (const id of gone) {
      const incident = state.incidents[id]!;
      delete state.incidents[id];
      for (const timerId of this.timerIds.get(id) ?? []) delete state.timers[timerId];
      this.timerIds.delete(id);
      if (Object.hasOwn(state.signatures, incident.signature) && state.signatures[incident.signature] === id)
        delete state.signatures[incident.signature];
    }
    return gone;
  }

  private indexTimer(timer: Timer): void {
    const ids = this.timerIds.get(timer.incidentId);
    if (ids) ids.add(timer.id);
    else this.timerIds.set(timer.incidentId, new Set([timer.id]));
  }
}

/** Sets an own property, even for the key `__proto__` (signatures come from outside). */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}
