/**
 * A message as GitHub issue content: a title and a Markdown body for a new issue, and Markdown comments for
 * later messages of the incident. Text from the incident is escaped so it cannot mention people or close issues.
 *
 * Format: GitHub REST API "Create an issue" (https://docs.github.com/rest/issues/issues#create-an-issue): `title`
 * (required), `body`, `labels`; "Create an issue comment" takes `{ body }` (at most 65536 characters); "Update an
 * issue" takes `{ state: "closed", state_reason: "completed" }`.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import { bodyOf, factsOf } from '../render.js';

const BODY_LIMIT = 65_536;
const TITLE_LIMIT = 256;

/** Keeps `@someone` and `#123` from pinging or linking, and Markdown from changing the layout. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]<>|])/g, '\\$1').replace(/([@#])(?=\w)/g, '$1\u200b');
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function githubMarkdown(message: ChannelMessage, now: number, withTitle: boolean): string {
  const lines: string[] = [];
  if (withTitle) lines.push(`**${escapeMarkdown(message.title)}**`, '');
  lines.push(`**Problem:** ${escapeMarkdown(message.problem)}`);
  const body = bodyOf(message);
  if (body && body !== message.problem) lines.push('', escapeMarkdown(body));
  lines.push('', '| | |', '|---|---|');
  for (const f of factsOf(message, now))
    lines.push(`| ${escapeMarkdown(f.title)} | ${escapeMarkdown(f.value)} |`);
  if (message.link) lines.push('', `[Open in Lifeline](${message.link})`);
  lines.push('', `<sub>Sent by Lifeline · ${escapeMarkdown(message.incidentId)}</sub>`);
  return cut(lines.join('\n'), BODY_LIMIT);
}

export function githubIssue(
  message: ChannelMessage,
  now: number,
): { title: string; body: string; labels: string[] } {
  return {
    title: cut(message.title.replace(/\s+/g, ' ').trim(), TITLE_LIMIT),
    body: githubMarkdown(message, now, false),
    labels: ['lifeline', `severity:${message.severity}`],
  };
}
