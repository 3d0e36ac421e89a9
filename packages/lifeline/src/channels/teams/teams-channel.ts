/**
 * The `teams` channel: a POST of an Adaptive Card (rendered by `teams-card.ts`) to a Teams workflow webhook. The
 * webhook URL holds its signature, so it is a secret: resolved at delivery and never repeated in an error. Teams
 * ignores `Idempotency-Key`; it is sent so a proxy or a test receiver can dedupe.
 *
 * Protocol: Teams workflow webhooks (Power Automate "When a Teams webhook request is received") answer 202
 * Accepted; 400 for a body that is not a card; 401/403 for a bad signature; 429 with `Retry-After`.
 */
import type { ChannelSender, DeliveryReceipt } from '../channel.js';
import { postJson, secretUrl, sendOptions } from '../post-json.js';
import { teamsBody } from './teams-card.js';

export const teamsChannel: ChannelSender<'teams'> = {
  kind: 'teams',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const what = `teams channel ${channel.id}`;
    const url = await context.resolveSecret(channel.webhookUrl);
    const parsed = secretUrl(url, what);
    const answer = await postJson(
      url,
      JSON.stringify(teamsBody(message, context.now())),
      { 'idempotency-key': context.idempotencyKey },
      sendOptions(context, what, [url, parsed.pathname, ...parsed.searchParams.values()]),
    );
    return {
      channel: channel.id,
      kind: 'teams',
      status: answer.status,
      at: context.now(),
      response: answer.response,
    };
  },
};
