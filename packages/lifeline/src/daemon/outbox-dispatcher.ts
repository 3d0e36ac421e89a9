/**
 * The outbox dispatcher: claims due rows with a lease, carries each out — a message to its channel, any other
 * row through the daemon's effect executor — and settles it: delivered with its receipt, or failed and retried
 * with exponential backoff and jitter (a receiver's `Retry-After` honoured), or dead-lettered after `maxAttempts`
 * (or at once for a non-retriable failure), in which case a message goes to its fallback channel (the channel's
 * own `fallback`, else the escalation policy's `fallbackChannel`).
 *
 * It wakes when poked (after every committed decision), when a retry falls due, and every `pollMs` otherwise.
 * A row it is still working on and claims again (its lease ran out during a long `wait`) is not started twice.
 */
import type { Dispatcher } from 'undici';
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import type { OutboxRow } from '../store/engine-records.js';
import type { Store } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { retryDelay, type BackoffOptions } from './backoff.js';
import { deliverMessage } from '../channels/deliver.js';
import { errorText, type DaemonLogger } from './logger.js';
import type { ChannelMessage } from './messages.js';
import { MESSAGE_ROW_KIND, messageRowId } from './outbox-rows.js';

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_POLL_MS = 1000;
const BATCH = 16;
/** Message deliveries in flight at once. */
const MAX_IN_FLIGHT = 32;
/** How long `stop` lets deliveries in flight finish before aborting them. */
const STOP_GRACE_MS = 5000;

export interface OutboxDispatcherOptions {
  store: Store;
  clock: Clock;
  logger: DaemonLogger;
  /** The workspace as it is now: channels are looked up at delivery time. */
  workspace: () => Workspace;
  /** Carries out a row that is not a message; resolves with its receipt, rejects to retry. */
  execute: (row: OutboxRow, signal: AbortSignal) => Promise<unknown>;
  maxAttempts?: number;
  leaseMs?: number;
  pollMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Connection pool for deliveries; undici's global one when absent. */
  http?: Dispatcher;
}

interface InFlight {
  /** The latest claim's attempt number: settling with an older one would be refused as stale. */
  attempt: number;
  /** Messages count against the in-flight cap; actions (mostly waiting) do not, so they cannot starve them. */
  message: boolean;
  done: Promise<void>;
}

export class OutboxDispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly wakeups = new Set<TimerHandle>();
  private readonly deliveries = new AbortController();
  private readonly actions = new AbortController();
  private poll: TimerHandle | undefined;
  private pumping = false;
  private again = false;
  private running = false;

  constructor(private readonly options: OutboxDispatcherOptions) {}

  start(): void {
    this.running = true;
    this.poke();
  }

  /** Looks for due rows now (after a commit, or when a retry fell due). */
  poke(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /**
   * Stops claiming; lets deliveries in flight finish (aborting them after a grace period) and aborts long
   * actions at once. An aborted action's row is handed back at once, so the next daemon picks it up.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.poll !== undefined) this.options.clock.clearTimeout(this.poll);
    for (const handle of this.wakeups) this.options.clock.clearTimeout(handle);
    this.wakeups.clear();
    this.actions.abort(new DOMException('the daemon is stopping', 'AbortError'));
    const grace = setTimeout(
      () => this.deliveries.abort(new DOMException('the daemon is stopping', 'AbortError')),
      STOP_GRACE_MS,
    );
    while (this.pumping || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
      if (this.pumping) await new Promise((resolve) => setImmediate(resolve));
    }
    clearTimeout(grace);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const room = MAX_IN_FLIGHT - [...this.inFlight.values()].filter((f) => f.message).length;
        if (room <= 0) break;
        const limit = Math.min(BATCH, room);
        const rows = await this.options.store.claimOutbox(this.options.clock.now(), {
          limit,
          leaseMs: this.options.leaseMs ?? DEFAULT_LEASE_MS,
        });
        for (const row of rows) {
          const running = this.inFlight.get(row.id);
          if (running) running.attempt = row.attempts;
          else this.begin(row);
        }
        if (rows.length === limit) this.again = true;
      } while (this.again && this.running);
    } catch (error) {
      if (this.running) this.options.logger.error('claiming outbox rows failed', { error: errorText(error) });
    } finally {
      this.pumping = false;
      this.armPoll();
    }
  }

  private armPoll(): void {
    if (this.poll !== undefined) this.options.clock.clearTimeout(this.poll);
    this.poll = undefined;
    if (!this.running) return;
    this.poll = this.options.clock.setTimeout(() => {
      this.poll = undefined;
      this.poke();
    }, this.options.pollMs ?? DEFAULT_POLL_MS);
  }

  private wakeAt(at: number): void {
    if (!this.running) return;
    const handle = this.options.clock.setTimeout(
      () => {
        this.wakeups.delete(handle);
        this.poke();
      },
      Math.max(0, at - this.options.clock.now()),
    );
    this.wakeups.add(handle);
  }

  private begin(row: OutboxRow): void {
    const entry: InFlight = {
      attempt: row.attempts,
      message: row.kind === MESSAGE_ROW_KIND,
      done: Promise.resolve(),
    };
    entry.done = this.process(row, entry)
      .catch((error: unknown) =>
        this.options.logger.error('settling an outbox row failed', { row: row.id, error: errorText(error) }),
      )
      .finally(() => {
        this.inFlight.delete(row.id);
        this.poke();
      });
    this.inFlight.set(row.id, entry);
  }

  private async process(row: OutboxRow, entry: InFlight): Promise<void> {
    let receipt: unknown;
    try {
      receipt = await this.carryOut(row);
    } catch (error) {
      await this.failed(row, entry, error);
      return;
    }
    await this.options.store.completeOutbox(row.id, receipt ?? null, { attempt: entry.attempt });
  }

  private carryOut(row: OutboxRow): Promise<unknown> {
    if (row.kind === MESSAGE_ROW_KIND) {
      return deliverMessage(this.options.workspace(), row.payload as ChannelMessage, {
        signal: this.deliveries.signal,
        now: () => this.options.clock.now(),
        idempotencyKey: row.id,
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(this.options.http ? { http: this.options.http } : {}),
      });
    }
    if (row.kind === 'follow-up') {
      // Follow-up tracking (owners, due dates, reminders) is a later issue; the row is the record for now.
      return Promise.resolve({ recorded: true });
    }
    return this.options.execute(row, this.actions.signal);
  }

  private async failed(row: OutboxRow, entry: InFlight, error: unknown): Promise<void> {
    const now = this.options.clock.now();
    const text = errorText(error);
    if (this.actions.signal.aborted && row.kind !== MESSAGE_ROW_KIND) {
      await this.options.store.failOutbox(
        row.id,
        { error: text, nextAttemptAt: now },
        { attempt: entry.attempt },
      );
      return;
    }
    const name = error instanceof Error ? error.name : '';
    const final = name === 'NonRetriableError' || name === 'ConfigError';
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (final || entry.attempt >= maxAttempts) {
      const reason = final ? text : `${text} (gave up after ${entry.attempt} attempts)`;
      await this.options.store.failOutbox(row.id, { error: reason, dead: true }, { attempt: entry.attempt });
      this.options.logger.warn('outbox row dead-lettered', { row: row.id, error: reason });
      if (row.kind === MESSAGE_ROW_KIND) await this.fallBack(row, now);
      return;
    }
    const retryAfter =
      name === 'RetryAfterError' ? (error as { retryAfterMs?: number }).retryAfterMs : undefined;
    const nextAttemptAt =
      now + retryDelay(entry.attempt, this.options.backoff, this.options.random, retryAfter);
    await this.options.store.failOutbox(row.id, { error: text, nextAttemptAt }, { attempt: entry.attempt });
    this.wakeAt(nextAttemptAt);
  }

  /** Re-sends a dead-lettered message to the fallback channel, once per effect and channel (the id dedupes). */
  private async fallBack(row: OutboxRow, now: number): Promise<void> {
    const message = row.payload as ChannelMessage;
    const declared = this.options.workspace().channels.find((c) => c.id === message.channel);
    const fallback = declared?.fallback ?? message.fallbackChannel;
    if (fallback === undefined || fallback === message.channel) return;
    const payload: ChannelMessage = { ...message, channel: fallback, fallbackFor: row.id };
    await this.options.store.applyDecision({
      outbox: [
        {
          id: messageRowId(message.effectId, fallback),
          incidentId: row.incidentId,
          kind: MESSAGE_ROW_KIND,
          channel: fallback,
          payload,
          createdAt: now,
        },
      ],
    });
    this.options.logger.info('message re-sent to the fallback channel', { row: row.id, channel: fallback });
    this.poke();
  }
}
