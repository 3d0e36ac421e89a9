/**
 * How many deliveries each channel may start now, so one busy channel neither floods its receiver nor starves
 * the others: at most `concurrency` in flight (default 4), and with `ratePerMinute` no more than that many a
 * minute, spread evenly — a bucket of one token, refilled every 60/rate seconds on the injected clock, so Slack
 * at 60 a minute gets one message a second rather than 60 at once and then 429s. A message over a limit is
 * simply not claimed yet: it waits in the outbox, is not failed and uses up no attempt.
 */
import type { Clock } from '../checks/scheduler/index.js';
import type { Channel } from '../workspace/model.js';

export const DEFAULT_CHANNEL_CONCURRENCY = 4;

type Limited = Pick<Channel, 'id' | 'ratePerMinute' | 'concurrency'>;

export class ChannelLimits {
  private readonly inFlight = new Map<string, number>();
  /** Per rate-limited channel: when its next token is there (epoch ms, the clock's). */
  private readonly nextTokenAt = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** How many more rows of each channel may be claimed now: the `channelLimits` of a claim. */
  room(channels: readonly Limited[]): Record<string, number> {
    const now = this.clock.now();
    const room: Record<string, number> = {};
    for (const channel of channels) {
      const slots = (channel.concurrency ?? DEFAULT_CHANNEL_CONCURRENCY) - this.running(channel.id);
      const tokens = channel.ratePerMinute === undefined ? slots : this.tokenAt(channel.id) <= now ? 1 : 0;
      room[channel.id] = Math.max(0, Math.min(slots, tokens));
    }
    return room;
  }

  /** A delivery to `channel` starts: it holds a slot until `finished`, and spends the channel's token. */
  started(channel: Limited | undefined, id: string): void {
    this.inFlight.set(id, this.running(id) + 1);
    if (channel?.ratePerMinute === undefined) return;
    const interval = 60_000 / channel.ratePerMinute;
    this.nextTokenAt.set(id, Math.max(this.clock.now(), this.tokenAt(id)) + interval);
  }

  finished(id: string): void {
    const left = this.running(id) - 1;
    if (left > 0) this.inFlight.set(id, left);
    else this.inFlight.delete(id);
  }

  running(id: string): number {
    return this.inFlight.get(id) ?? 0;
  }

  /** The earliest time a rate-limited channel gets its next token, if one is still to come. */
  nextToken(): number | undefined {
    const now = this.clock.now();
    let next: number | undefined;
    for (const [id, at] of this.nextTokenAt) {
      if (at <= now) this.nextTokenAt.delete(id);
      else next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }

  private tokenAt(id: string): number {
    return this.nextTokenAt.get(id) ?? Number.NEGATIVE_INFINITY;
  }
}
