/**
 * The daemon's live events (`GET /api/v1/events`): what changed — incidents after each commit, check and
 * integration status changes — kept in a bounded ring so a client that lost its connection gets exactly what
 * it missed, and handed to the connected listeners. Nothing here is durable: the store is the truth, and a
 * client that cannot resume (its last id is older than the ring or from another daemon run) is told to
 * `reset`, i.e. reload its state through the API and listen again from now.
 *
 * Ids are `<run>-<seq>`: the run is fixed per hub (start time in base 36 and a random part), the sequence
 * counts from 1. An id from another run is never mistaken for one of this run, so a restart never replays
 * the wrong events.
 *
 * @example
 * const hub = new EventHub({ clock });
 * const { resume, close } = hub.open(request.headers['last-event-id'], (signal) => write(signal));
 */
import { randomBytes } from 'node:crypto';
import type { CheckResult } from '../checks/check-result.js';
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import type { Incident } from '../engine/index.js';
import { incidentSummary, type IncidentSummary, type LiveEvent, type LiveEventBody } from './live-event.js';
import { StatusTracker } from './status-tracker.js';

export const DEFAULT_EVENT_CAPACITY = 10_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface EventHubOptions {
  clock: Clock;
  /** Events kept for resuming (default 10,000). */
  capacity?: number;
  /** How often listeners get a heartbeat while any is connected (default 15 s). */
  heartbeatMs?: number;
  /** The run part of ids; default the clock's now in base 36 and four random hex digits. */
  runId?: string;
}

/** What a listener hears. `closed`: the daemon is stopping; end the stream. */
export type HubSignal = { kind: 'event'; event: LiveEvent } | { kind: 'heartbeat' } | { kind: 'closed' };

/** Why a client cannot resume from its last id. */
export type ResetReason = 'unknown-id' | 'too-old';

/**
 * Where a new listener starts: `live` (no last id), `replay` (these missed events first) or `reset` (reload
 * state; `lastEventId` is the newest id now, to resume from next time).
 */
export type Resume =
  | { kind: 'live' }
  | { kind: 'replay'; events: LiveEvent[] }
  | { kind: 'reset'; reason: ResetReason; lastEventId: string };

export type HubListener = (signal: HubSignal) => void;

export class EventHub {
  readonly runId: string;
  private readonly capacity: number;
  private readonly heartbeatMs: number;
  private readonly ring: (LiveEvent | undefined)[];
  private seq = 0;
  private readonly listeners = new Set<HubListener>();
  private readonly statuses = new StatusTracker();
  /** The last summary sent per incident, to skip commits that changed nothing a listener sees. */
  private readonly sentIncidents = new Map<string, Omit<IncidentSummary, 'updatedAt'>>();
  private heartbeat: TimerHandle | undefined;
  private closed = false;

  constructor(private readonly options: EventHubOptions) {
    this.capacity = Math.max(1, options.capacity ?? DEFAULT_EVENT_CAPACITY);
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.ring = new Array<LiveEvent | undefined>(this.capacity);
    this.runId = options.runId ?? `${options.clock.now().toString(36)}${randomBytes(2).toString('hex')}`;
  }

  /** The id of the newest event (`<run>-0` before the first). */
  get lastEventId(): string {
    return `${this.runId}-${this.seq}`;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** After a commit concerning `incident`: its summary, unless it reads as the one sent last. */
  publishIncident(incident: Incident): void {
    const summary = incidentSummary(incident, this.options.clock.now());
    const { updatedAt: _updatedAt, ...seen } = summary;
    const last = this.sentIncidents.get(incident.id);
    if (last && sameSummary(last, seen)) return;
    this.sentIncidents.set(incident.id, seen);
    this.publish({ type: 'incident', data: summary });
  }

  /** After each check result: `check-status` and `integration-status` when they changed. */
  publishCheckResult(result: CheckResult): void {
    const changes = this.statuses.observe(result);
    if (changes.check) this.publish({ type: 'check-status', data: changes.check });
    for (const change of changes.integrations) this.publish({ type: 'integration-status', data: change });
  }

  /** After a workspace reload: forgets removed checks (their integrations' status may change). */
  retainChecks(checkIds: ReadonlySet<string>): void {
    for (const change of this.statuses.retain(checkIds, this.options.clock.now()))
      this.publish({ type: 'integration-status', data: change });
  }

  /** Numbers `body`, keeps it for resuming and hands it to every listener. */
  publish(body: LiveEventBody): LiveEvent {
    this.seq += 1;
    const event = { ...body, id: `${this.runId}-${this.seq}` } as LiveEvent;
    this.ring[this.seq % this.capacity] = event;
    for (const listener of [...this.listeners]) listener({ kind: 'event', event });
    return event;
  }

  /** Where a client that last saw `lastEventId` resumes (see `Resume`). */
  resume(lastEventId: string | undefined): Resume {
    if (lastEventId === undefined || lastEventId === '') return { kind: 'live' };
    const seq = this.seqOf(lastEventId);
    if (seq === undefined) return { kind: 'reset', reason: 'unknown-id', lastEventId: this.lastEventId };
    const oldest = Math.max(1, this.seq - this.capacity + 1);
    if (seq < oldest - 1) return { kind: 'reset', reason: 'too-old', lastEventId: this.lastEventId };
    const events: LiveEvent[] = [];
    for (let s = seq + 1; s <= this.seq; s++) events.push(this.ring[s % this.capacity] as LiveEvent);
    return { kind: 'replay', events };
  }

  /**
   * Resumes from `lastEventId` and listens from then on, with nothing lost or doubled in between. On a closed
   * hub, the listener hears `closed` at once.
   */
  open(lastEventId: string | undefined, listener: HubListener): { resume: Resume; close: () => void } {
    const resume = this.resume(lastEventId);
    if (this.closed) {
      queueMicrotask(() => listener({ kind: 'closed' }));
      return { resume, close: () => undefined };
    }
    this.listeners.add(listener);
    this.armHeartbeat();
    return {
      resume,
      close: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.disarmHeartbeat();
      },
    };
  }

  /** The daemon is stopping: every listener hears `closed` and is let go; new ones are closed at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disarmHeartbeat();
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener({ kind: 'closed' });
  }

  /** This run's sequence number in `id`; undefined for an id of another run or not ours at all. */
  private seqOf(id: string): number | undefined {
    const dash = id.lastIndexOf('-');
    if (dash <= 0 || id.slice(0, dash) !== this.runId) return undefined;
    const digits = id.slice(dash + 1);
    if (!/^\d{1,15}$/.test(digits)) return undefined;
    const seq = Number(digits);
    return seq <= this.seq ? seq : undefined;
  }

  private armHeartbeat(): void {
    if (this.heartbeat !== undefined || this.heartbeatMs <= 0) return;
    this.heartbeat = this.options.clock.setTimeout(() => {
      this.heartbeat = undefined;
      for (const listener of [...this.listeners]) listener({ kind: 'heartbeat' });
      if (this.listeners.size > 0) this.armHeartbeat();
    }, this.heartbeatMs);
  }

  private disarmHeartbeat(): void {
    if (this.heartbeat === undefined) return;
    this.options.clock.clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }
}

function sameSummary(a: Omit<IncidentSummary, 'updatedAt'>, b: Omit<IncidentSummary, 'updatedAt'>): boolean {
  return (
    a.id === b.id &&
    a.integration === b.integration &&
    a.status === b.status &&
    a.severity === b.severity &&
    a.problem === b.problem
  );
}
