import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import type { DeliveryContext } from '../channel.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import {
  startWebhookReceiver,
  verifyWebhook,
  type WebhookReceiver,
} from '../test-support/webhook-receiver.js';
import { webhookChannel } from './webhook-channel.js';

const SECRET = 'whsec-0123456789-conformance-secret';

describeChannelConformance({
  kind: 'webhook',
  sender: webhookChannel,
  start: () => startWebhookReceiver({ secret: SECRET, now: () => T0 }),
  channel: (receiver) => ({
    kind: 'webhook',
    id: 'ops-hook',
    url: `${receiver.http.url}/hooks/lifeline`,
    secret: { source: 'env', name: 'HOOK_SECRET' },
  }),
  env: { HOOK_SECRET: SECRET },
  expectedKey: (key) => key,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('webhook channel', () => {
  let receiver: WebhookReceiver | undefined;
  afterEach(() => receiver?.close());

  const context = (now: number): DeliveryContext => ({
    signal: new AbortController().signal,
    now: () => now,
    idempotencyKey: 'inc-42:notify:1:escalation@ops-hook',
    resolveSecret: () => Promise.resolve(SECRET),
  });

  it('signs the body so a receiver can verify it, and a receiver refuses a replay of an old one', async () => {
    let receiverNow = T0;
    receiver = await startWebhookReceiver({ secret: SECRET, now: () => receiverNow });
    const channel = {
      kind: 'webhook' as const,
      id: 'ops-hook',
      url: receiver.http.url,
      secret: { source: 'env' as const, name: 'S' },
    };
    await webhookChannel.send(channel, sampleMessage('escalation', 'ops-hook'), context(T0));
    expect(receiver.deliveries()).toHaveLength(1);
    const request = receiver.http.requests[0]!;
    expect(verifyWebhook(SECRET, request, T0)).toBeUndefined();
    expect(verifyWebhook(SECRET, { ...request, raw: request.raw.replace('SEV1', 'SEV3') }, T0)).toBe(
      'bad signature',
    );
    expect(verifyWebhook('another-secret', request, T0)).toBe('bad signature');
    receiverNow = T0 + 10 * 60_000;
    const replay = await webhookChannel
      .send(channel, sampleMessage('escalation', 'ops-hook'), context(T0))
      .catch((e: Error) => e);
    expect(replay).toMatchObject({ name: 'NonRetriableError' });
    expect(receiver.refused).toEqual(['stale timestamp (replay?)']);
  });

  it('sends the documented body: the message model with ISO times, and no signature without a secret', async () => {
    receiver = await startWebhookReceiver({ secret: SECRET, now: () => T0 });
    const channel = { kind: 'webhook' as const, id: 'ops-hook', url: receiver.http.url };
    await webhookChannel
      .send(channel, sampleMessage('breach', 'ops-hook'), context(T0))
      .catch(() => undefined);
    const request = receiver.http.requests[0]!;
    expect(request.headers['x-lifeline-signature']).toBeUndefined();
    expect(request.headers['x-lifeline-timestamp']).toBe(String(T0 / 1000));
    expect(request.json).toMatchObject({
      id: 'inc-42:notify:1:escalation@ops-hook',
      incident: 'inc-42',
      kind: 'breach',
      severity: 'SEV1',
      affected: { integration: 'payments', endpoints: ['POST /v1/charges'], dependents: ['checkout'] },
      currentStep: { id: 'degrade', position: 2, count: 4 },
      targets: [
        { kind: 'acknowledge', dueAt: new Date(T0 + 300_000).toISOString(), status: 'at-risk' },
        expect.anything(),
      ],
      sentAt: new Date(T0).toISOString(),
    });
  });
});
