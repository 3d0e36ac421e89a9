import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import type { DeliveryContext, DeliveryReceipt } from '../channel.js';
import { startJiraReceiver, type JiraReceiver } from '../test-support/jira-receiver.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { jiraChannel } from './jira-channel.js';

const AUTH = { username: 'bot@example.com', token: 'jira-token-0123456789-secret' };

const channelFor = (url: string, extra: { resolveTransition?: string } = {}) => ({
  kind: 'jira' as const,
  id: 'ops-jira',
  baseUrl: `${url}/`,
  project: 'OPS',
  username: AUTH.username,
  token: { source: 'env' as const, name: 'JIRA_TOKEN' },
  priorities: { SEV1: 'Highest', SEV2: 'High' },
  ...extra,
});

describeChannelConformance({
  kind: 'jira',
  sender: jiraChannel,
  start: () => startJiraReceiver(AUTH),
  channel: (receiver) => channelFor(receiver.http.url),
  env: { JIRA_TOKEN: AUTH.token },
  expectedKey: (key) => key,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('jira channel', () => {
  let receiver: JiraReceiver;
  afterEach(() => receiver.close());

  const receipts: DeliveryReceipt[] = [];
  const send = async (
    kind: Parameters<typeof sampleMessage>[0],
    extra: { resolveTransition?: string } = {},
  ) => {
    const context: DeliveryContext = {
      signal: new AbortController().signal,
      now: () => T0,
      idempotencyKey: `inc-42:${kind}@ops-jira`,
      resolveSecret: () => Promise.resolve(AUTH.token),
      priorReceipts: () => Promise.resolve([...receipts]),
    };
    const receipt = await jiraChannel.send(
      channelFor(receiver.http.url, extra),
      sampleMessage(kind, 'ops-jira'),
      context,
    );
    receipts.push(receipt);
    return receipt;
  };
  afterEach(() => {
    receipts.length = 0;
  });

  it('creates one issue with the mapped priority, comments on updates and transitions it on resolve', async () => {
    receiver = await startJiraReceiver(AUTH);
    expect(await send('escalation')).toMatchObject({ status: 201, providerId: 'OPS-1' });
    await send('acknowledged');
    await send('resolved');
    expect(receiver.violations()).toEqual([]);
    expect([...receiver.issues.keys()]).toEqual(['OPS-1']);
    const issue = receiver.issues.get('OPS-1')!;
    expect(issue.fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Incident' },
      summary: '[SEV1] inc-42 triggered (level 1)',
      priority: { name: 'Highest' },
      labels: ['lifeline', 'lifeline-inc-42'],
    });
    expect(issue.status).toBe('Done');
    expect(JSON.stringify(issue.comments[0])).toContain('acknowledged by alice');
    expect(JSON.stringify(issue.comments[1])).toContain('[SEV1] inc-42 resolved');
    expect(receipts.map((r) => r.providerId)).toEqual(['OPS-1', 'OPS-1', 'OPS-1']);
  });

  it('uses the channel’s resolve transition, and says which exist when it is missing', async () => {
    receiver = await startJiraReceiver(AUTH);
    await send('escalation');
    const error = await send('resolved', { resolveTransition: 'Closed' }).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message:
        'jira channel ops-jira: issue OPS-1 has no transition "Closed" (available: To Do, In Progress, Done); set resolveTransition',
    });
    await send('resolved', { resolveTransition: 'in progress' });
    expect(receiver.issues.get('OPS-1')?.status).toBe('In Progress');
  });

  it('omits the priority for a severity the channel does not map', async () => {
    receiver = await startJiraReceiver(AUTH);
    const context: DeliveryContext = {
      signal: new AbortController().signal,
      now: () => T0,
      idempotencyKey: 'k',
      resolveSecret: () => Promise.resolve(AUTH.token),
    };
    await jiraChannel.send(
      channelFor(receiver.http.url),
      sampleMessage('escalation', 'ops-jira', { severity: 'SEV4' }),
      context,
    );
    expect(receiver.issues.get('OPS-1')?.fields.priority).toBeUndefined();
  });
});
