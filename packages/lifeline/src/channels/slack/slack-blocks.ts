/**
 * A message as Slack Block Kit: a header with the title, the problem statement, the facts as section fields
 * (severity, status, affected components, current step, response-target countdowns), a context line and, when
 * the message has a link, a button. An `acknowledged` update is short: one line and the context.
 *
 * Format: Slack Block Kit reference (https://api.slack.com/reference/block-kit/blocks): at most 50 blocks; a
 * header's plain_text at most 150 characters; a section's text at most 3000 and its fields at most 10 of 2000; a
 * context at most 10 elements; a button's text at most 75 and its url at most 3000. Longer text is cut, not refused.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import { bodyOf, factsOf, kindLabel } from '../render.js';

const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;
const FIELD_LIMIT = 2000;
const MAX_FIELDS = 10;

export type SlackBlock = Record<string, unknown> & { type: string };

export interface SlackBody {
  /** The notification text (shown in notifications and by clients without blocks). */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's mrkdwn needs only these three escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function mrkdwn(text: string, limit = SECTION_LIMIT): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: cut(text, limit) };
}

function contextBlock(message: ChannelMessage): SlackBlock {
  const parts = [`Lifeline · ${kindLabel(message.kind)}`, message.incidentId, `episode ${message.episode}`];
  return { type: 'context', elements: [mrkdwn(escapeMrkdwn(parts.join(' · ')))] };
}

export function slackBody(message: ChannelMessage, now: number): SlackBody {
  const text = cut(message.text, SECTION_LIMIT);
  if (message.kind === 'acknowledged') {
    return {
      text,
      blocks: [
        { type: 'section', text: mrkdwn(`:white_check_mark: *${escapeMrkdwn(message.title)}*`) },
        contextBlock(message),
      ],
    };
  }
  const body = bodyOf(message);
  const lines = [`*Problem:* ${escapeMrkdwn(message.problem)}`];
  if (body && body !== message.problem) lines.push(escapeMrkdwn(body));
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(message.title, HEADER_LIMIT), emoji: true } },
    { type: 'section', text: mrkdwn(lines.join('\n')) },
    {
      type: 'section',
      fields: factsOf(message, now)
        .slice(0, MAX_FIELDS)
        .map((f) => mrkdwn(`*${escapeMrkdwn(f.title)}*\n${escapeMrkdwn(f.value)}`, FIELD_LIMIT)),
    },
    contextBlock(message),
  ];
  if (message.link) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in Lifeline' },
          url: message.link,
          action_id: 'open-incident',
        },
      ],
    });
  }
  return { text, blocks };
}
