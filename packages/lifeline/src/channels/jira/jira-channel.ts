/**
 * The `jira` channel: the first message of an incident creates an issue (its key becomes the receipt's
 * `providerId`); later ones comment on it, found through `priorReceipts`; `resolved` applies the channel's
 * `resolveTransition` (default `Done`) with the comment in the same request, so a retry never half-resolves.
 * The API token is a secret: resolved at delivery, never in an error.
 *
 * Protocol: Jira Cloud REST API v3 (https://developer.atlassian.com/cloud/jira/platform/rest/v3/): POST
 * /rest/api/3/issue → 201 `{ id, key, self }`; POST /rest/api/3/issue/{key}/comment → 201; GET and POST
 * /rest/api/3/issue/{key}/transitions → 200 `{ transitions: [{ id, name, to }] }` / 204. Basic auth with the
 * account email and an API token, or a bearer token (Data Center personal access token) without `username`.
 */
import { NonRetriableError } from '../../errors.js';
import {
  priorProviderId,
  type ChannelSender,
  type DeliveryContext,
  type DeliveryReceipt,
} from '../channel.js';
import { sendJson, sendOptions, type SendOptions } from '../post-json.js';
import { adfOf, issueFields } from './jira-issue.js';

type JiraChannel = Parameters<ChannelSender<'jira'>['send']>[0];

export const DEFAULT_RESOLVE_TRANSITION = 'Done';

async function transitionId(
  api: string,
  key: string,
  wanted: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<string> {
  const answer = await sendJson(
    'GET',
    `${api}/issue/${encodeURIComponent(key)}/transitions`,
    undefined,
    headers,
    options,
  );
  const transitions = ((answer.json as { transitions?: unknown } | undefined)?.transitions ?? []) as {
    id?: string;
    name?: string;
    to?: { name?: string };
  }[];
  const lower = wanted.toLowerCase();
  const match = transitions.find(
    (t) => t.name?.toLowerCase() === lower || t.to?.name?.toLowerCase() === lower,
  );
  if (!match?.id) {
    const names =
      transitions
        .map((t) => t.name)
        .filter(Boolean)
        .join(', ') || 'none';
    throw new NonRetriableError(
      `${options.what}: issue ${key} has no transition "${wanted}" (available: ${names}); set resolveTransition`,
    );
  }
  return match.id;
}

async function deliver(
  channel: JiraChannel,
  message: Parameters<ChannelSender<'jira'>['send']>[1],
  context: DeliveryContext,
) {
  const token = await context.resolveSecret(channel.token);
  const authorization = channel.username
    ? `Basic ${Buffer.from(`${channel.username}:${token}`).toString('base64')}`
    : `Bearer ${token}`;
  const headers = {
    authorization,
    accept: 'application/json',
    'idempotency-key': context.idempotencyKey,
  };
  const options = sendOptions(context, `jira channel ${channel.id}`, [token, authorization.split(' ')[1]!]);
  const api = `${channel.baseUrl.replace(/\/+$/, '')}/rest/api/3`;
  const now = context.now();
  const existing = await priorProviderId(context, 'jira');
  if (existing === undefined) {
    const created = await sendJson(
      'POST',
      `${api}/issue`,
      JSON.stringify(issueFields(channel, message, now)),
      headers,
      options,
    );
    const key = (created.json as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string') throw new Error(`${options.what}: the created issue has no key`);
    if (message.kind !== 'resolved') return { answer: created, key };
    const id = await transitionId(
      api,
      key,
      channel.resolveTransition ?? DEFAULT_RESOLVE_TRANSITION,
      headers,
      options,
    );
    const body = JSON.stringify({ transition: { id } });
    return {
      answer: await sendJson(
        'POST',
        `${api}/issue/${encodeURIComponent(key)}/transitions`,
        body,
        headers,
        options,
      ),
      key,
    };
  }
  const issue = encodeURIComponent(existing);
  const comment = adfOf(message, now, true);
  if (message.kind === 'resolved') {
    const id = await transitionId(
      api,
      existing,
      channel.resolveTransition ?? DEFAULT_RESOLVE_TRANSITION,
      headers,
      options,
    );
    const body = JSON.stringify({ transition: { id }, update: { comment: [{ add: { body: comment } }] } });
    return {
      answer: await sendJson('POST', `${api}/issue/${issue}/transitions`, body, headers, options),
      key: existing,
    };
  }
  const body = JSON.stringify({ body: comment });
  return {
    answer: await sendJson('POST', `${api}/issue/${issue}/comment`, body, headers, options),
    key: existing,
  };
}

export const jiraChannel: ChannelSender<'jira'> = {
  kind: 'jira',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const { answer, key } = await deliver(channel, message, context);
    return {
      channel: channel.id,
      kind: 'jira',
      status: answer.status,
      at: context.now(),
      response: answer.response,
      providerId: key,
    };
  },
};
