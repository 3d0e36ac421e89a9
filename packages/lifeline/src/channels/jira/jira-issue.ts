/**
 * A message as Jira Cloud content: the fields of a new issue (project, issue type, summary, priority mapped from
 * the severity, labels, an ADF description) and ADF comment bodies for later messages of the incident.
 *
 * Format: Jira Cloud REST API v3 "Create issue" (https://developer.atlassian.com/cloud/jira/platform/rest/v3/
 * api-group-issues/#api-rest-api-3-issue-post): `fields.project.key`, `fields.issuetype.name`, `fields.summary`
 * (at most 255 characters, one line), `fields.priority.name`, `fields.labels` (no spaces), `fields.description`
 * in Atlassian Document Format (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/:
 * `{ type: "doc", version: 1, content: [...] }`, text nodes never empty); "Add comment" takes `{ body: <ADF> }`;
 * "Transition issue" takes `{ transition: { id }, update: { comment: [{ add: { body: <ADF> } }] } }`.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import type { Channel } from '../../workspace/model.js';
import { bodyOf, factsOf } from '../render.js';

export type AdfNode = { type: string } & Record<string, unknown>;
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

const SUMMARY_LIMIT = 255;
export const DEFAULT_ISSUE_TYPE = 'Incident';

function text(value: string, marks?: { type: string; attrs?: Record<string, unknown> }[]): AdfNode {
  return { type: 'text', text: value, ...(marks ? { marks } : {}) };
}

function paragraph(...content: AdfNode[]): AdfNode {
  return { type: 'paragraph', content };
}

/** ADF refuses empty text nodes: blank lines become nothing. */
function paragraphs(value: string): AdfNode[] {
  return value
    .split(/\n{2,}/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => paragraph(text(part)));
}

/** The message as ADF: title (for comments), problem, body, facts as a list, link. */
export function adfOf(message: ChannelMessage, now: number, withTitle: boolean): AdfDoc {
  const content: AdfNode[] = [];
  if (withTitle) content.push(paragraph(text(message.title, [{ type: 'strong' }])));
  content.push(paragraph(text('Problem: ', [{ type: 'strong' }]), text(message.problem)));
  const body = bodyOf(message);
  if (body && body !== message.problem) content.push(...paragraphs(body));
  const facts = factsOf(message, now);
  content.push({
    type: 'bulletList',
    content: facts.map((f) => ({
      type: 'listItem',
      content: [paragraph(text(`${f.title}: `, [{ type: 'strong' }]), text(f.value))],
    })),
  });
  if (message.link) {
    content.push(paragraph(text('Open in Lifeline', [{ type: 'link', attrs: { href: message.link } }])));
  }
  return { type: 'doc', version: 1, content };
}

export function jiraSummary(message: ChannelMessage): string {
  const line = message.title.replace(/\s+/g, ' ').trim();
  return line.length <= SUMMARY_LIMIT ? line : `${line.slice(0, SUMMARY_LIMIT - 1)}…`;
}

/** Labels may not hold spaces: anything else than letters, digits, `_`, `-`, `.` becomes `-`. */
function label(value: string): string {
  return value.replace(/[^A-Za-z0-9_.-]/g, '-');
}

export function issueFields(
  channel: Extract<Channel, { kind: 'jira' }>,
  message: ChannelMessage,
  now: number,
): { fields: Record<string, unknown> } {
  const priority = channel.priorities?.[message.severity];
  return {
    fields: {
      project: { key: channel.project },
      issuetype: { name: channel.issueType ?? DEFAULT_ISSUE_TYPE },
      summary: jiraSummary(message),
      description: adfOf(message, now, false),
      labels: ['lifeline', label(`lifeline-${message.incidentId}`)],
      ...(priority ? { priority: { name: priority } } : {}),
    },
  };
}
