/**
 * The `slack` channel: an incoming-webhook POST of `{ text, blocks }` (minimal Block Kit: the title, the body,
 * and a context line with incident, severity and status). The webhook URL is a secret, resolved at delivery.
 * Slack ignores `Idempotency-Key`, but sending it costs nothing and lets a proxy or a test receiver dedupe.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import type { ChannelSender, DeliveryReceipt } from '../channel.js';
import { postJson } from '../post-json.js';

/** Slack's limit for a section's text; longer text is cut rather than refused. */
const SECTION_LIMIT = 3000;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackBody(message: ChannelMessage): { text: string; blocks: unknown[] } {
  const body = message.text.startsWith(message.title)
    ? message.text.slice(message.title.length).replace(/^[:\s]+/, '')
    : message.text;
  return {
    text: message.text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: escape(`*${message.title}*\n${body}`).slice(0, SECTION_LIMIT) },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: escape(`${message.incidentId} · ${message.severity} · ${message.status}`) },
        ],
      },
    ],
  };
}

export const slackChannel: ChannelSender<'slack'> = {
  kind: 'slack',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const url = await context.resolveSecret(channel.webhookUrl);
    const answer = await postJson(
      url,
      JSON.stringify(slackBody(message)),
      { 'idempotency-key': context.idempotencyKey },
      {
        signal: context.signal,
        now: context.now,
        what: `slack channel ${channel.id}`,
        ...(context.http ? { http: context.http } : {}),
      },
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
