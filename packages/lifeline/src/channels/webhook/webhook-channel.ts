/**
 * The `webhook` channel: the message as JSON, POSTed to the channel's URL with `Idempotency-Key: <row id>` and
 * `X-Lifeline-Timestamp`; with a `secret`, also `X-Lifeline-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">`, so a receiver can check who sent it and refuse a replay of an old one. The body's
 * schema is ours and documented in docs/channels.md (and encoded in test-support/webhook-receiver.ts).
 *
 * @example a receiver's check
 *   const expected = 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
 */
import { createHmac } from 'node:crypto';
import type { ChannelMessage } from '../../daemon/messages.js';
import type { ChannelSender, DeliveryContext, DeliveryReceipt } from '../channel.js';
import { postJson, sendOptions } from '../post-json.js';

/** The body a webhook receiver gets (documented for receivers; extend, never rename). */
export interface WebhookBody {
  id: string;
  incident: string;
  kind: ChannelMessage['kind'];
  title: string;
  text: string;
  severity: string;
  status: string;
  problem: string;
  episode: number;
  level?: number;
  cycle?: number;
  people: string[];
  /** ISO 8601 time of this delivery attempt. */
  sentAt: string;
  /** Added in 0.2 (absent on messages written by older versions). */
  affected?: { integration: string; endpoints: string[]; dependents: string[] };
  currentStep?: { id: string; status: string; position: number; count: number };
  /** Response targets not met yet, with ISO 8601 due times. */
  targets?: { kind: string; dueAt: string; status: string }[];
  acknowledgedBy?: string;
  link?: string;
}

export function webhookBody(message: ChannelMessage, id: string, now: number): WebhookBody {
  return {
    id,
    incident: message.incidentId,
    kind: message.kind,
    title: message.title,
    text: message.text,
    severity: message.severity,
    status: message.status,
    problem: message.problem,
    episode: message.episode,
    ...(message.level !== undefined ? { level: message.level } : {}),
    ...(message.cycle !== undefined ? { cycle: message.cycle } : {}),
    people: message.people,
    sentAt: new Date(now).toISOString(),
    ...(message.affected ? { affected: message.affected } : {}),
    ...(message.currentStep ? { currentStep: message.currentStep } : {}),
    ...(message.targets
      ? {
          targets: message.targets.map((t) => ({
            kind: t.kind,
            dueAt: new Date(t.dueAt).toISOString(),
            status: t.status,
          })),
        }
      : {}),
    ...(message.acknowledgedBy ? { acknowledgedBy: message.acknowledgedBy } : {}),
    ...(message.link ? { link: message.link } : {}),
  };
}

/** `sha256=<hex>` over `<timestamp>.<body>`. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const webhookChannel: ChannelSender<'webhook'> = {
  kind: 'webhook',
  async send(channel, message, context: DeliveryContext): Promise<DeliveryReceipt> {
    const now = context.now();
    const body = JSON.stringify(webhookBody(message, context.idempotencyKey, now));
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'idempotency-key': context.idempotencyKey,
      'x-lifeline-timestamp': timestamp,
    };
    const secret = channel.secret ? await context.resolveSecret(channel.secret) : undefined;
    if (secret !== undefined) headers['x-lifeline-signature'] = webhookSignature(secret, timestamp, body);
    const answer = await postJson(
      channel.url,
      body,
      headers,
      sendOptions(context, `webhook ${channel.id}`, secret !== undefined ? [secret] : []),
    );
    return {
      channel: channel.id,
      kind: 'webhook',
      status: answer.status,
      at: context.now(),
      response: answer.response,
    };
  },
};
