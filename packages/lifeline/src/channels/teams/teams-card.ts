/**
 * A message as a Microsoft Teams Adaptive Card, wrapped the way a Teams workflow ("Post to a channel when a
 * webhook request is received") expects it: a `message` with one adaptive-card attachment. The card has the
 * title, the problem statement, a FactSet (severity, status, affected components, current step, response-target
 * countdowns) and, when the message has a link, an `Action.OpenUrl`. An `acknowledged` update is one line.
 *
 * Format: Adaptive Card schema 1.5 (https://adaptivecards.io/explorer/, http://adaptivecards.io/schemas/
 * adaptive-card.json) and the Teams webhook envelope (https://learn.microsoft.com/microsoftteams/platform/
 * webhooks-and-connectors/how-to/connectors-using: `type: message`, `attachments[].contentType`
 * `application/vnd.microsoft.card.adaptive`, `content` = the card). Teams renders at most about 28 KB.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import { bodyOf, factsOf, kindLabel } from '../render.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const TEXT_LIMIT = 2000;

export interface TeamsBody {
  type: 'message';
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: '1.5';
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
  msteams?: { width: 'Full' };
}

function cut(text: string): string {
  return text.length <= TEXT_LIMIT ? text : `${text.slice(0, TEXT_LIMIT - 1)}…`;
}

function textBlock(text: string, style: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text: cut(text), wrap: true, ...style };
}

const COLORS: Partial<Record<ChannelMessage['kind'], string>> = {
  escalation: 'Attention',
  breach: 'Attention',
  acknowledged: 'Accent',
  resolved: 'Good',
};

export function teamsCard(message: ChannelMessage, now: number): AdaptiveCard {
  const color = COLORS[message.kind] ?? 'Default';
  const context = textBlock(`Lifeline · ${kindLabel(message.kind)} · ${message.incidentId}`, {
    isSubtle: true,
    size: 'Small',
    spacing: 'None',
  });
  const body =
    message.kind === 'acknowledged'
      ? [textBlock(message.title, { weight: 'Bolder', color }), context]
      : [
          textBlock(message.title, { size: 'Large', weight: 'Bolder', color, style: 'heading' }),
          context,
          textBlock(`**Problem:** ${message.problem}`),
          ...(bodyOf(message) && bodyOf(message) !== message.problem ? [textBlock(bodyOf(message))] : []),
          {
            type: 'FactSet',
            facts: factsOf(message, now).map((f) => ({ title: f.title, value: cut(f.value) })),
          },
        ];
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    ...(message.link
      ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in Lifeline', url: message.link }] }
      : {}),
    msteams: { width: 'Full' },
  };
}

export function teamsBody(message: ChannelMessage, now: number): TeamsBody {
  return {
    type: 'message',
    attachments: [
      { contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: teamsCard(message, now) },
    ],
  };
}
