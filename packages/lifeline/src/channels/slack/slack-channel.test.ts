import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { startSlackReceiver, type SlackReceiver } from '../test-support/slack-receiver.js';
import { slackBody } from './slack-blocks.js';
import { slackChannel } from './slack-channel.js';

let hookUrl = '';

describeChannelConformance({
  kind: 'slack',
  sender: slackChannel,
  start: async () => {
    const receiver = await startSlackReceiver();
    hookUrl = receiver.hookUrl;
    return receiver;
  },
  channel: () => ({ kind: 'slack', id: 'ops-slack', webhookUrl: { source: 'env', name: 'SLACK_HOOK' } }),
  get env() {
    return { SLACK_HOOK: hookUrl };
  },
  expectedKey: (key) => key,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('slack blocks', () => {
  let receiver: SlackReceiver | undefined;
  afterEach(() => receiver?.close());

  it('shows severity, problem, affected components, current step and response-target countdowns', () => {
    const body = slackBody(
      sampleMessage('escalation', 'ops', { link: 'https://lifeline.example/incidents/inc-42' }),
      T0,
    );
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(body.blocks[0]).toMatchObject({
      text: { type: 'plain_text', text: '[SEV1] inc-42 triggered (level 1)' },
    });
    expect(JSON.stringify(body.blocks[1])).toContain('*Problem:* Payments API p95 latency is 1.8s');
    const fields = (body.blocks[2] as unknown as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Incident*\ninc-42',
      '*Severity*\nSEV1',
      '*Status*\ntriggered',
      '*Affected*\npayments · POST /v1/charges · used by checkout',
      '*Current step*\ndegrade (step 2 of 4, running)',
      '*Acknowledge*\ndue in 5m (10:05 UTC)',
      '*Resolve*\ndue in 1h (11:00 UTC)',
    ]);
    expect(body.blocks[4]).toMatchObject({
      elements: [{ type: 'button', url: 'https://lifeline.example/incidents/inc-42' }],
    });
  });

  it('keeps an acknowledged update short and escapes mrkdwn control characters', () => {
    const ack = slackBody(sampleMessage('acknowledged', 'ops'), T0);
    expect(ack.blocks.map((b) => b.type)).toEqual(['section', 'context']);
    expect(JSON.stringify(ack.blocks[0])).toContain('acknowledged by alice');
    const hostile = slackBody(
      sampleMessage('escalation', 'ops', { problem: '<!channel> & <http://x|y>' }),
      T0,
    );
    expect(JSON.stringify(hostile.blocks[1])).toContain('&lt;!channel&gt; &amp; &lt;http://x|y&gt;');
  });

  it('cuts text at Block Kit limits instead of being refused, and the receiver accepts it', async () => {
    receiver = await startSlackReceiver();
    const long = sampleMessage('escalation', 'ops', { title: 'T'.repeat(400), problem: 'p'.repeat(5000) });
    await slackChannel.send({ kind: 'slack', id: 'ops', webhookUrl: { source: 'env', name: 'H' } }, long, {
      signal: new AbortController().signal,
      now: () => T0,
      idempotencyKey: 'k',
      resolveSecret: () => Promise.resolve(receiver!.hookUrl),
    });
    expect(receiver.violations()).toEqual([]);
    expect(receiver.deliveries()).toHaveLength(1);
  });

  it('says which channel refused without repeating the hook URL', async () => {
    receiver = await startSlackReceiver();
    const wrong = `${receiver.http.url}/services/T0001/B0001/wrong-secret-path`;
    const error = await slackChannel
      .send(
        { kind: 'slack', id: 'ops', webhookUrl: { source: 'env', name: 'H' } },
        sampleMessage('escalation', 'ops'),
        {
          signal: new AbortController().signal,
          now: () => T0,
          idempotencyKey: 'k',
          resolveSecret: () => Promise.resolve(wrong),
        },
      )
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringContaining('slack channel ops answered 404'),
    });
    expect((error as Error).message).not.toContain('wrong-secret-path');
  });
});
