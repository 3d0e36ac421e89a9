/**
 * The `slack` channel: an incoming-webhook POST of `{ text, blocks }` (rendered by `slack-blocks.ts`). The webhook
 * URL is a secret, resolved at delivery and never repeated in an error. Slack ignores `Idempotency-Key`, but
 * sending it costs nothing and lets a proxy or a test receiver dedupe.
 *
 * Protocol: Slack incoming webhooks (https://api.slack.com/messaging/webhooks): 200 `ok`; 400 `invalid_payload`
 * or `invalid_blocks`; 403 `invalid_token` / `action_prohibited`; 404 `no_service` / `channel_not_found`; 410
 * `channel_is_archived`; 429 with `Retry-After`.
 */
import type { ChannelSender, DeliveryReceipt } from '../channel.js';
import { postJson, secretUrl, sendOptions } from '../post-json.js';
import { slackBody } from './slack-blocks.js';

export const slackChannel: ChannelSender<'slack'> = {
  kind: 'slack',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const what = `slack channel ${channel.id}`;
    const url = await context.resolveSecret(channel.webhookUrl);
    const path = secretUrl(url, what).pathname;
    const answer = await postJson(
      url,
      JSON.stringify(slackBody(message, context.now())),
      { 'idempotency-key': context.idempotencyKey },
      sendOptions(context, what, [url, path]),
    );
    return {
      channel: channel.id,
      kind: 'slack',
      status: answer.status,
      at: context.now(),
      response: answer.response,
    };
  },
};
