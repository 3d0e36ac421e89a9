import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import type { DeliveryContext, DeliveryReceipt } from '../channel.js';
import { startEmailReceiver, type EmailReceiver } from '../test-support/email-receiver.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { messageIdOf } from './email-content.js';
import { emailChannel } from './email-channel.js';

const SMTP = { username: 'lifeline', password: 'smtp-pass-0123456789-secret' };

const channelFor = (port: number, extra: { subjectPrefix?: string } = {}) => ({
  kind: 'email' as const,
  id: 'ops-mail',
  smtp: {
    host: '127.0.0.1',
    port,
    secure: false,
    username: SMTP.username,
    password: { source: 'env' as const, name: 'SMTP_PASS' },
  },
  from: 'lifeline@example.com',
  to: ['oncall@example.com', 'payments@example.com'],
  ...extra,
});

describeChannelConformance({
  kind: 'email',
  sender: emailChannel,
  start: () => startEmailReceiver(SMTP),
  channel: (receiver) => channelFor(receiver.port),
  env: { SMTP_PASS: SMTP.password },
  expectedKey: (key) => messageIdOf(key),
  retryAfter: false,
  refusalReason: (status) =>
    ({ 400: /SMTP 554/, 401: /credential was refused \(SMTP 535\)/, 403: /SMTP 553/, 404: /SMTP 550/ })[
      status
    ],
});

describe('email channel', () => {
  let receiver: EmailReceiver;
  afterEach(() => receiver.close());

  const context = (key: string, prior: DeliveryReceipt[] = []): DeliveryContext => ({
    signal: new AbortController().signal,
    now: () => T0,
    idempotencyKey: key,
    resolveSecret: () => Promise.resolve(SMTP.password),
    priorReceipts: () => Promise.resolve(prior),
  });

  it('sends text and HTML that say the same thing, with the subject prefix and a Message-ID from the key', async () => {
    receiver = await startEmailReceiver(SMTP);
    const message = sampleMessage('escalation', 'ops-mail', { problem: 'Latency <b>high</b> & rising' });
    const receipt = await emailChannel.send(
      channelFor(receiver.port, { subjectPrefix: '[lifeline]' }),
      message,
      context('inc-42:n:1@ops-mail'),
    );
    expect(receipt).toMatchObject({
      kind: 'email',
      status: 250,
      providerId: '<inc-42%3An%3A1%40ops-mail@lifeline>',
    });
    expect(receiver.violations()).toEqual([]);
    const mail = receiver.mails[0]!;
    expect(mail.subject).toBe('[lifeline] [SEV1] inc-42 triggered (level 1)');
    expect(mail.messageId).toBe('<inc-42%3An%3A1%40ops-mail@lifeline>');
    expect(mail.text).toContain('Problem: Latency <b>high</b> & rising');
    expect(mail.text).toContain('Acknowledge: due in 5m (10:05 UTC)');
    expect(mail.html).toContain('Latency &lt;b&gt;high&lt;/b&gt; &amp; rising');
    expect(mail.html).toContain('<th align="left">Current step</th><td>degrade (step 2 of 4, running)</td>');
    expect(mail.headers.get('x-lifeline-incident')).toBe('inc-42');
    expect(
      (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address)),
    ).toEqual(['oncall@example.com', 'payments@example.com']);
  });

  it('threads later messages of the incident on the earlier ones', async () => {
    receiver = await startEmailReceiver(SMTP);
    const first = await emailChannel.send(
      channelFor(receiver.port),
      sampleMessage('escalation', 'ops-mail'),
      context('a'),
    );
    await emailChannel.send(
      channelFor(receiver.port),
      sampleMessage('resolved', 'ops-mail'),
      context('b', [first]),
    );
    expect(receiver.mails[1]?.references).toBe(first.providerId);
    expect(receiver.mails[1]?.subject).toBe('[SEV1] inc-42 resolved');
  });

  it('refuses wrong credentials as final without naming the password', async () => {
    receiver = await startEmailReceiver({ ...SMTP, password: 'another-password-entirely' });
    const error = await emailChannel
      .send(channelFor(receiver.port), sampleMessage('escalation', 'ops-mail'), context('c'))
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringContaining('credential was refused (SMTP 535)'),
    });
    expect((error as Error).message).not.toContain(SMTP.password);
  });
});
