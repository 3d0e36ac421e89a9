import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import type { DeliveryContext, DeliveryReceipt } from '../channel.js';
import { startGithubReceiver, type GithubReceiver } from '../test-support/github-receiver.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { escapeMarkdown } from './github-issue.js';
import { githubChannel } from './github-channel.js';

const OPTIONS = { repository: 'acme/payments', token: 'ghp_0123456789abcdefSECRET' };

const channelFor = (url: string) => ({
  kind: 'github' as const,
  id: 'ops-gh',
  repository: OPTIONS.repository,
  token: { source: 'env' as const, name: 'GH_TOKEN' },
  apiUrl: url,
});

describeChannelConformance({
  kind: 'github',
  sender: githubChannel,
  start: () => startGithubReceiver(OPTIONS),
  channel: (receiver) => channelFor(receiver.http.url),
  env: { GH_TOKEN: OPTIONS.token },
  expectedKey: (key) => key,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('github channel', () => {
  let receiver: GithubReceiver;
  afterEach(() => receiver.close());
  const receipts: DeliveryReceipt[] = [];
  afterEach(() => {
    receipts.length = 0;
  });

  const send = async (kind: Parameters<typeof sampleMessage>[0], usePrior = true) => {
    const context: DeliveryContext = {
      signal: new AbortController().signal,
      now: () => T0,
      idempotencyKey: `inc-42:${kind}@ops-gh`,
      resolveSecret: () => Promise.resolve(OPTIONS.token),
      ...(usePrior ? { priorReceipts: () => Promise.resolve([...receipts]) } : {}),
    };
    const receipt = await githubChannel.send(
      channelFor(receiver.http.url),
      sampleMessage(kind, 'ops-gh'),
      context,
    );
    receipts.push(receipt);
    return receipt;
  };

  it('opens an issue, comments on updates and closes it as completed on resolve', async () => {
    receiver = await startGithubReceiver(OPTIONS);
    expect(await send('escalation')).toMatchObject({ status: 201, providerId: '1' });
    await send('acknowledged');
    expect(await send('resolved')).toMatchObject({ status: 200, providerId: '1' });
    expect(receiver.violations()).toEqual([]);
    const issue = receiver.issues.get(1)!;
    expect(issue).toMatchObject({
      title: '[SEV1] inc-42 triggered (level 1)',
      labels: ['lifeline', 'severity:SEV1'],
      state: 'closed',
      stateReason: 'completed',
    });
    expect(issue.body).toContain('| Current step | degrade (step 2 of 4, running) |');
    expect(issue.comments).toHaveLength(2);
    expect(issue.comments[1]).toContain('inc-42 resolved');
    expect(receiver.issues.size).toBe(1);
  });

  it('opens a new issue when no earlier receipt names one, and closes it straight away on resolve', async () => {
    receiver = await startGithubReceiver(OPTIONS);
    await send('resolved', false);
    expect(receiver.issues.get(1)).toMatchObject({ state: 'closed', comments: [] });
  });

  it('keeps incident text from mentioning people or linking issues', () => {
    expect(escapeMarkdown('ping @alice about #12 in *bold*')).toBe(
      'ping @\u200balice about #\u200b12 in \\*bold\\*',
    );
  });
});
