/**
 * The channel port: how one message reaches one kind of channel. Each kind is a small sender in its own folder
 * (`webhook/webhook-channel.ts`, `slack/slack-channel.ts`); a new kind is a copy of the nearest. Senders signal what the
 * dispatcher should do by the errors they throw, recognised by name: `NonRetriableError` (dead-letter now),
 * `RetryAfterError` (the receiver said when), anything else (retry with backoff). Every kind passes the same
 * conformance suite (`conformance.ts`) against a real local receiver speaking the vendor's protocol.
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
  /**
   * What the receiver calls the thing it made, for later messages of the incident: the Jira issue key, the GitHub
   * issue number, the PagerDuty `dedup_key`, the SMTP Message-ID. Absent for Slack, Teams and webhooks.
   */
  providerId?: string;
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
  /**
   * Receipts of earlier delivered messages of the same incident to the same channel, oldest first: Jira and GitHub
   * find the issue to comment on or close in them (and create one when there is none).
   */
  priorReceipts?: () => Promise<DeliveryReceipt[]>;
  /** Longest one delivery may take (the channel's `timeout`); `DELIVERY_TIMEOUT_MS` (10 s) when absent. */
  timeoutMs?: number;
}

export interface ChannelSender<K extends Channel['kind'] = Channel['kind']> {
  readonly kind: K;
  send(
    channel: Extract<Channel, { kind: K }>,
    message: ChannelMessage,
    context: DeliveryContext,
  ): Promise<DeliveryReceipt>;
}

/** What the latest earlier delivery of this incident to this channel made (an issue key or number), if any. */
export async function priorProviderId(
  context: DeliveryContext,
  kind: Channel['kind'],
): Promise<string | undefined> {
  const receipts = (await context.priorReceipts?.()) ?? [];
  return receipts.filter((r) => r.kind === kind && r.providerId !== undefined).at(-1)?.providerId;
}
