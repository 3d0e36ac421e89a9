/**
 * The channel port: how one message reaches one kind of channel. Each kind is a small sender in its own folder
 * (`webhook/webhook-channel.ts`, `slack/slack-channel.ts`); a new kind is a copy of the nearest. Senders signal what the
 * dispatcher should do by the errors they throw, recognised by name: `NonRetriableError` (dead-letter now),
 * `RetryAfterError` (the receiver said when), anything else (retry with backoff).
 */
import type { Dispatcher } from 'undici';
import type { Channel } from '../workspace/model.js';
import type { SecretReference } from '../workspace/values.js';
import type { ChannelMessage } from '../daemon/messages.js';

/** What a delivery proved, stored with the outbox row. */
export interface DeliveryReceipt {
  channel: string;
  kind: Channel['kind'];
  /** HTTP status of the receiver's answer. */
  status: number;
  /** Epoch ms. */
  at: number;
  /** A short excerpt of the answer, for the record. */
  response?: string;
}

export interface DeliveryContext {
  signal: AbortSignal;
  now: () => number;
  /** Resolves a secret of the channel at the moment of use; the value is never stored or logged. */
  resolveSecret: (ref: SecretReference) => Promise<string>;
  /** The outbox row id: receivers that honour it drop redeliveries. */
  idempotencyKey: string;
  /** The daemon's connection pool (closed when it stops); undici's global one when absent. */
  http?: Dispatcher;
}

export interface ChannelSender<K extends Channel['kind'] = Channel['kind']> {
  readonly kind: K;
  send(
    channel: Extract<Channel, { kind: K }>,
    message: ChannelMessage,
    context: DeliveryContext,
  ): Promise<DeliveryReceipt>;
}
