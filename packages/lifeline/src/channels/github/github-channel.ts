/**
 * The `github` channel: the first message of an incident opens an issue in the repository (its number becomes
 * the receipt's `providerId`); later ones comment on it, found through `priorReceipts`; `resolved` comments and
 * closes it as completed. The token is a secret: resolved at delivery, never in an error.
 *
 * Protocol: GitHub REST API 2022-11-28 (https://docs.github.com/rest/issues): POST /repos/{owner}/{repo}/issues →
 * 201 `{ number, html_url }`; POST …/issues/{number}/comments → 201; PATCH …/issues/{number} → 200. A bearer
 * token, `Accept: application/vnd.github+json`, a `User-Agent`; 401 bad credentials, 403/404 no access (final),
 * 403/429 with `Retry-After` for rate limits. `apiUrl` is `https://<host>/api/v3` on GitHub Enterprise Server.
 */
import {
  priorProviderId,
  type ChannelSender,
  type DeliveryContext,
  type DeliveryReceipt,
} from '../channel.js';
import { sendJson, sendOptions, type PostResult } from '../post-json.js';
import { githubIssue, githubMarkdown } from './github-issue.js';

export const GITHUB_API_URL = 'https://api.github.com';

type GithubChannel = Parameters<ChannelSender<'github'>['send']>[0];
type Message = Parameters<ChannelSender<'github'>['send']>[1];

async function deliver(
  channel: GithubChannel,
  message: Message,
  context: DeliveryContext,
): Promise<{ answer: PostResult; number: string }> {
  const token = await context.resolveSecret(channel.token);
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'idempotency-key': context.idempotencyKey,
  };
  const options = sendOptions(context, `github channel ${channel.id}`, [token]);
  const [owner, repo] = channel.repository.split('/') as [string, string];
  const issues = `${(channel.apiUrl ?? GITHUB_API_URL).replace(/\/+$/, '')}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues`;
  const now = context.now();
  let number = await priorProviderId(context, 'github');
  let answer: PostResult;
  if (number === undefined) {
    answer = await sendJson('POST', issues, JSON.stringify(githubIssue(message, now)), headers, options);
    const created = (answer.json as { number?: unknown } | undefined)?.number;
    if (typeof created !== 'number') throw new Error(`${options.what}: the created issue has no number`);
    number = String(created);
  } else {
    const body = JSON.stringify({ body: githubMarkdown(message, now, true) });
    answer = await sendJson('POST', `${issues}/${number}/comments`, body, headers, options);
  }
  if (message.kind === 'resolved') {
    const body = JSON.stringify({ state: 'closed', state_reason: 'completed' });
    answer = await sendJson('PATCH', `${issues}/${number}`, body, headers, options);
  }
  return { answer, number };
}

export const githubChannel: ChannelSender<'github'> = {
  kind: 'github',
  async send(channel, message, context): Promise<DeliveryReceipt> {
    const { answer, number } = await deliver(channel, message, context);
    return {
      channel: channel.id,
      kind: 'github',
      status: answer.status,
      at: context.now(),
      response: answer.response,
      providerId: number,
    };
  },
};
