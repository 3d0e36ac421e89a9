/**
 * The outbox dispatcher: claims due rows with a lease, carries each out — a message to its channel, any other
 * row through the daemon's effect executor — and settles it: delivered with its receipt, or failed and retried,
 * or dead-lettered. Nothing is lost and nothing is sent twice under one key: every attempt of a row carries the
 * row id as its idempotency key, a row stays in the outbox until it is settled, and the store hands out an
 * incident's messages to one channel strictly in order (a newer one waits while an older one is retried).
 *
 * The retry rule, in words a user can check (docs/decisions/006-delivery-retries.md): a failed delivery is tried
 * again after 1 s, 2 s, 4 s … doubling up to 5 min (with jitter; a receiver's `Retry-After` wins), and is given
 * up on — dead-lettered — only once it has failed `maxAttempts` times (8) AND its message is at least
 * `giveUpAfterMs` old (1 h). So a receiver down for 10 minutes, or 59, loses nothing; one that refuses the
 * message outright (a non-retriable answer: 404, a bad credential, an unknown channel) dead-letters it at once.
 * A dead letter goes on the incident's timeline (a `delivery-dead-lettered` event through `applyEvent`) and the
 * message goes to its fallback channel (the channel's own `fallback`, else the escalation policy's).
 *
 * Each channel gets at most its `concurrency` deliveries in flight and its `ratePerMinute` (`channel-limits.ts`):
 * rows over a limit are left in the outbox, not failed. A delivery that outlasts the channel's `timeout`
 * (measured on the injected clock) is abandoned and retried under the same key.
 *
 * It wakes when poked (after every committed decision), when a retry or a rate token falls due, and every
 * `pollMs` otherwise. A row it is still working on and claims again (its lease ran out during a long `wait`) is
 * not started twice.
 */
import type { Dispatcher } from 'undici';
import type { DeliveryReceipt } from '../channels/channel.js';
import { deliverMessage } from '../channels/deliver.js';
import { DELIVERY_TIMEOUT_MS } from '../channels/post-json.js';
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import type { SystemEvent } from '../engine/index.js';
import type { OutboxRow } from '../store/engine-records.js';
import type { Store } from '../store/index.js';
import type { Channel, Workspace } from '../workspace/model.js';
import { formatDuration } from '../workspace/values.js';
import { retryDelay, type BackoffOptions } from './backoff.js';
import { ChannelLimits } from './channel-limits.js';
import { errorText, type DaemonLogger } from './logger.js';
import type { ChannelMessage } from './messages.js';
import { releaseOrphanedClaims } from './orphaned-claims.js';
import { MESSAGE_ROW_KIND, messageRowId } from './outbox-rows.js';

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_GIVE_UP_AFTER_MS = 3_600_000;
export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_POLL_MS = 1000;
const BATCH = 16;
/** Message deliveries in flight at once, over all channels. */
const MAX_IN_FLIGHT = 32;
/** How long `stop` lets deliveries in flight finish before aborting them. */
const STOP_GRACE_MS = 5000;
/** Receipts read per page when a channel asks for the earlier ones. */
const RECEIPT_PAGE = 1000;

export interface OutboxDispatcherOptions {
  store: Store;
  clock: Clock;
  logger: DaemonLogger;
  /** The workspace as it is now: channels are looked up at delivery time. */
  workspace: () => Workspace;
  /** Carries out a row that is not a message; resolves with its receipt, rejects to retry. */
  execute: (row: OutboxRow, signal: AbortSignal) => Promise<unknown>;
  /** Hands an event to the engine (the daemon's `shell.applyEvent`): how a dead letter reaches the timeline. */
  applyEvent?: (event: SystemEvent) => Promise<unknown>;
  /** Failed attempts before a row may be dead-lettered. Default 8. */
  maxAttempts?: number;
  /** Age of a row (since the decision that wrote it) before it may be dead-lettered. Default 1 h. */
  giveUpAfterMs?: number;
  leaseMs?: number;
  pollMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Connection pool for deliveries; undici's global one when absent. */
  http?: Dispatcher;
  /** Sends one message to its channel: `deliverMessage` unless a test looks at what it is given. */
  deliver?: typeof deliverMessage;
  /** Told how each attempt ended and how long it took on the clock, once settled (the daemon's metrics). */
  onSettled?: (row: OutboxRow, outcome: 'delivered' | 'failed', ms: number) => void;
}

interface InFlight {
  /** The latest claim's attempt number: settling with an older one would be refused as stale. */
  attempt: number;
  /** Messages count against the in-flight caps; actions (mostly waiting) do not, so they cannot starve them. */
  message: boolean;
  done: Promise<void>;
}

export class OutboxDispatcher {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly wakeups = new Set<TimerHandle>();
  private readonly deliveries = new AbortController();
  private readonly actions = new AbortController();
  private readonly limits: ChannelLimits;
  private poll: TimerHandle | undefined;
  private tokenWake: { at: number; handle: TimerHandle } | undefined;
  private pumping = false;
  private pumped: Promise<void> = Promise.resolve();
  private again = false;
  private running = false;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.limits = new ChannelLimits(options.clock);
  }

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
    this.pumping = true;
    this.pumped = this.pump();
  }

  /**
   * Hands back the rows a crashed daemon left `delivering`, so their lanes need not wait for the lease to run out
   * (see `orphaned-claims.ts`). For a starting daemon, before `start`. Resolves with how many there were.
   */
  releaseOrphanedClaims(signal?: AbortSignal): Promise<number> {
    const { store, clock, logger } = this.options;
    return releaseOrphanedClaims({ store, clock, logger }, signal);
  }

  /** Resolves once nothing is being claimed or carried out (tests wait on it between steps of a fake clock). */
  async idle(): Promise<void> {
    while (this.pumping || this.inFlight.size > 0) {
      await this.pumped;
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
    }
  }

  /**
   * Stops claiming; lets deliveries in flight finish (aborting them after a grace period) and aborts long
   * actions at once. An aborted action's row is handed back at once, so the next daemon picks it up.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.poll !== undefined) this.options.clock.clearTimeout(this.poll);
    if (this.tokenWake) this.options.clock.clearTimeout(this.tokenWake.handle);
    this.tokenWake = undefined;
    for (const handle of this.wakeups) this.options.clock.clearTimeout(handle);
    this.wakeups.clear();
    this.actions.abort(new DOMException('the daemon is stopping', 'AbortError'));
    const grace = setTimeout(
      () => this.deliveries.abort(new DOMException('the daemon is stopping', 'AbortError')),
      STOP_GRACE_MS,
    );
    await this.idle();
    clearTimeout(grace);
  }

  private async pump(): Promise<void> {
    try {
      do {
        this.again = false;
        const room = MAX_IN_FLIGHT - [...this.inFlight.values()].filter((f) => f.message).length;
        if (room <= 0) break;
        const limit = Math.min(BATCH, room);
        const rows = await this.options.store.claimOutbox(this.options.clock.now(), {
          limit,
          leaseMs: this.options.leaseMs ?? DEFAULT_LEASE_MS,
          channelLimits: this.limits.room(this.options.workspace().channels),
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
      this.armTokenWake();
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

  /** Looks again the moment a rate-limited channel gets its next token, so its messages keep their pace. */
  private armTokenWake(): void {
    const at = this.limits.nextToken();
    if (!this.running || at === undefined || this.tokenWake?.at === at) return;
    if (this.tokenWake) this.options.clock.clearTimeout(this.tokenWake.handle);
    const handle = this.options.clock.setTimeout(
      () => {
        this.tokenWake = undefined;
        this.poke();
      },
      Math.max(0, at - this.options.clock.now()),
    );
    this.tokenWake = { at, handle };
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
    const message = row.kind === MESSAGE_ROW_KIND;
    const lane = row.channel ?? '';
    const entry: InFlight = { attempt: row.attempts, message, done: Promise.resolve() };
    if (message) this.limits.started(this.channelOf(lane), lane);
    entry.done = this.process(row, entry)
      .catch((error: unknown) =>
        this.options.logger.error('settling an outbox row failed', { row: row.id, error: errorText(error) }),
      )
      .finally(() => {
        this.inFlight.delete(row.id);
        if (message) this.limits.finished(lane);
        this.poke();
      });
    this.inFlight.set(row.id, entry);
  }

  private channelOf(id: string): Channel | undefined {
    return this.options.workspace().channels.find((c) => c.id === id);
  }

  private async process(row: OutboxRow, entry: InFlight): Promise<void> {
    const startedAt = this.options.clock.now();
    let receipt: unknown;
    try {
      receipt = await this.carryOut(row);
    } catch (error) {
      const ms = this.options.clock.now() - startedAt;
      await this.failed(row, entry, error);
      this.options.onSettled?.(row, 'failed', ms);
      return;
    }
    const ms = this.options.clock.now() - startedAt;
    await this.options.store.completeOutbox(row.id, receipt ?? null, { attempt: entry.attempt });
    this.options.onSettled?.(row, 'delivered', ms);
  }

  private carryOut(row: OutboxRow): Promise<unknown> {
    if (row.kind === MESSAGE_ROW_KIND) return this.deliver(row, row.payload as ChannelMessage);
    if (row.kind === 'follow-up') {
      // Follow-up tracking (owners, due dates, reminders) is a later issue; the row is the record for now.
      return Promise.resolve({ recorded: true });
    }
    return this.options.execute(row, this.actions.signal);
  }

  /** One attempt of a message, abandoned (and so retried) when it outlasts the channel's timeout. */
  private async deliver(row: OutboxRow, message: ChannelMessage): Promise<DeliveryReceipt> {
    const { clock } = this.options;
    const timeoutMs = this.channelOf(message.channel)?.timeout ?? DELIVERY_TIMEOUT_MS;
    const deadline = new AbortController();
    const timer = clock.setTimeout(
      () => deadline.abort(new DOMException('the delivery timed out', 'TimeoutError')),
      timeoutMs,
    );
    try {
      const deliver = this.options.deliver ?? deliverMessage;
      return await deliver(this.options.workspace(), message, {
        signal: AbortSignal.any([this.deliveries.signal, deadline.signal]),
        now: () => clock.now(),
        idempotencyKey: row.id,
        ...(message.channel !== '' ? { priorReceipts: () => this.priorReceipts(row, message.channel) } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(this.options.http ? { http: this.options.http } : {}),
      });
    } catch (error) {
      if (deadline.signal.aborted && !this.deliveries.signal.aborted) {
        throw new Error(`channel ${message.channel} did not answer within ${formatDuration(timeoutMs)}`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  /** What the channel got earlier for this incident, oldest first: Jira and GitHub find their issue in it. */
  private async priorReceipts(row: OutboxRow, channel: string): Promise<DeliveryReceipt[]> {
    const receipts: DeliveryReceipt[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.store.listOutbox(
        {
          incident: row.incidentId,
          channel,
          status: 'delivered',
          limit: RECEIPT_PAGE,
          ...(cursor ? { cursor } : {}),
        },
        { signal: this.deliveries.signal },
      );
      for (const item of page.items) {
        if (item.id !== row.id && isReceipt(item.receipt)) receipts.push(item.receipt);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return receipts.reverse();
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
    const age = now - row.createdAt;
    if (
      final ||
      (entry.attempt >= maxAttempts && age >= (this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS))
    ) {
      const reason = final ? text : `${text} (gave up after ${entry.attempt} attempts over ${spoken(age)})`;
      const settled = await this.options.store.failOutbox(
        row.id,
        { error: reason, dead: true },
        { attempt: entry.attempt },
      );
      if (settled.kind !== 'settled') return;
      this.options.logger.warn('outbox row dead-lettered', { row: row.id, error: reason });
      if (row.kind === MESSAGE_ROW_KIND) {
        await this.recordDeadLetter(row, reason);
        await this.fallBack(row, now);
      }
      return;
    }
    const retryAfter =
      name === 'RetryAfterError' ? (error as { retryAfterMs?: number }).retryAfterMs : undefined;
    const nextAttemptAt =
      now + retryDelay(entry.attempt, this.options.backoff, this.options.random, retryAfter);
    await this.options.store.failOutbox(row.id, { error: text, nextAttemptAt }, { attempt: entry.attempt });
    this.wakeAt(nextAttemptAt);
  }

  /** Puts the dead letter on the incident's timeline; the row already says so if that fails. */
  private async recordDeadLetter(row: OutboxRow, reason: string): Promise<void> {
    if (!this.options.applyEvent) return;
    const message = row.payload as ChannelMessage;
    try {
      await this.options.applyEvent({
        kind: 'delivery-dead-lettered',
        incidentId: row.incidentId,
        channel: message.channel === '' ? '(none)' : message.channel,
        reason,
        rowId: row.id,
      });
    } catch (error) {
      this.options.logger.warn('the dead letter did not reach the timeline', {
        row: row.id,
        error: errorText(error),
      });
    }
  }

  /** Re-sends a dead-lettered message to the fallback channel, once per effect and channel (the id dedupes). */
  private async fallBack(row: OutboxRow, now: number): Promise<void> {
    const message = row.payload as ChannelMessage;
    const fallback = this.channelOf(message.channel)?.fallback ?? message.fallbackChannel;
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

function isReceipt(value: unknown): value is DeliveryReceipt {
  return (
    typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'number'
  );
}

/** `1h`, `62m`, `45s`: a duration rounded down to whole minutes (seconds below one), for a person to read. */
function spoken(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return formatDuration(seconds >= 60 ? Math.floor(seconds / 60) * 60_000 : seconds * 1000);
}
