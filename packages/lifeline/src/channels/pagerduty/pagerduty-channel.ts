/**
 * The `pagerduty` channel: one Events API v2 event per message (built by `pagerduty-event.ts`), POSTed to
 * `<url>/v2/enqueue`. The routing key is a secret: it travels in the body, as the API requires, and is cut out of
 * every error. The receipt's `providerId` is the `dedup_key` PagerDuty confirmed.
 *
 * Protocol: PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/overview/): 202 `{ status:
 * "success", message, dedup_key }`; 400 `{ status: "invalid event", errors: [...] }` is final; 429 (too many events
 * for the routing key) and 5xx are retried, with `Retry-After` when given.
 */
import type { ChannelSender, DeliveryReceipt } from '../channel.js';
import { postJson, sendOptions } from '../post-json.js';
import { pagerdutyEvent } from './pagerduty-event.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';

export const pagerdutyChannel: ChannelSender<'pagerduty'> = {
  kind: 'pagerduty',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const routingKey = await context.resolveSecret(channel.routingKey);
    const event = pagerdutyEvent(channel, message, routingKey, context.now());
    const base = (channel.url ?? PAGERDUTY_EVENTS_URL).replace(/\/+$/, '');
    const answer = await postJson(
      `${base}/v2/enqueue`,
      JSON.stringify(event),
      { 'idempotency-key': context.idempotencyKey },
      sendOptions(context, `pagerduty channel ${channel.id}`, [routingKey]),
    );
    const confirmed = (answer.json as { dedup_key?: unknown } | undefined)?.dedup_key;
    return {
      channel: channel.id,
      kind: 'pagerduty',
      status: answer.status,
      at: context.now(),
      response: answer.response,
      providerId: typeof confirmed === 'string' ? confirmed : event.dedup_key,
    };
  },
};
