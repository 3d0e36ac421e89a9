import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import type { DeliveryContext } from '../channel.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { startPagerDutyReceiver, type PagerDutyReceiver } from '../test-support/pagerduty-receiver.js';
import { pagerdutySeverity } from './pagerduty-event.js';
import { pagerdutyChannel } from './pagerduty-channel.js';

const ROUTING_KEY = 'R0123456789abcdef0123456789ABCDE';

describeChannelConformance({
  kind: 'pagerduty',
  sender: pagerdutyChannel,
  start: () => startPagerDutyReceiver(ROUTING_KEY),
  channel: (receiver) => ({
    kind: 'pagerduty',
    id: 'pd',
    routingKey: { source: 'env', name: 'PD_KEY' },
    url: receiver.http.url,
  }),
  env: { PD_KEY: ROUTING_KEY },
  // PagerDuty dedupes by dedup_key: every message of an incident lands on the incident's alert.
  expectedKey: (_key, message) => message.incidentId,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('pagerduty channel', () => {
  let receiver: PagerDutyReceiver | undefined;
  afterEach(() => receiver?.close());

  const context = (key: string, routingKey = ROUTING_KEY): DeliveryContext => ({
    signal: new AbortController().signal,
    now: () => T0,
    idempotencyKey: key,
    resolveSecret: () => Promise.resolve(routingKey),
  });
  const channel = (severities?: Record<string, 'critical' | 'error' | 'warning' | 'info'>) => ({
    kind: 'pagerduty' as const,
    id: 'pd',
    routingKey: { source: 'env' as const, name: 'PD_KEY' },
    url: `${receiver!.http.url}/`,
    ...(severities ? { severities } : {}),
  });

  it('maps severities: SEV1 critical, SEV2 error, SEV3 warning, others info, the channel map first', () => {
    expect(
      ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'P1', 'sev-02', 'warning', 'minor'].map((s) => pagerdutySeverity(s)),
    ).toEqual(['critical', 'error', 'warning', 'info', 'critical', 'error', 'warning', 'info']);
    expect(pagerdutySeverity('SEV1', { SEV1: 'error' })).toBe('error');
  });

  it('triggers, acknowledges and resolves one alert keyed by the incident, with custom details', async () => {
    receiver = await startPagerDutyReceiver(ROUTING_KEY);
    const trigger = await pagerdutyChannel.send(
      channel({ SEV1: 'error' }),
      sampleMessage('escalation', 'pd'),
      context('a'),
    );
    expect(trigger).toMatchObject({ status: 202, providerId: 'inc-42' });
    await pagerdutyChannel.send(channel(), sampleMessage('breach', 'pd'), context('b'));
    expect(receiver.alerts.get('inc-42')).toMatchObject({
      status: 'triggered',
      events: 2,
      severity: 'error',
    });
    await pagerdutyChannel.send(channel(), sampleMessage('acknowledged', 'pd'), context('c'));
    expect(receiver.alerts.get('inc-42')?.status).toBe('acknowledged');
    await pagerdutyChannel.send(channel(), sampleMessage('resolved', 'pd'), context('d'));
    expect(receiver.alerts.get('inc-42')?.status).toBe('resolved');
    expect(receiver.violations()).toEqual([]);
    const [first, , ack] = receiver.events();
    expect(first).toMatchObject({
      event_action: 'trigger',
      dedup_key: 'inc-42',
      payload: {
        severity: 'error',
        source: 'payments',
        component: 'payments',
        timestamp: new Date(T0 - 600_000).toISOString(),
        custom_details: { Severity: 'SEV1', 'Current step': 'degrade (step 2 of 4, running)' },
      },
    });
    expect(ack).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: 'inc-42',
      client: 'Lifeline',
    });
  });

  it('treats 400 invalid event as final, naming the problem but not the routing key', async () => {
    receiver = await startPagerDutyReceiver(ROUTING_KEY);
    const wrongKey = 'Wrong456789abcdef0123456789ABCDEF';
    const error = await pagerdutyChannel
      .send(channel(), sampleMessage('escalation', 'pd'), context('x', wrongKey))
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'NonRetriableError',
      message: expect.stringMatching(/answered 400 .*invalid event/),
    });
    expect(receiver.alerts.size).toBe(0);
  });

  it('retries a 503 without Retry-After as a plain retriable error', async () => {
    receiver = await startPagerDutyReceiver(ROUTING_KEY);
    receiver.http.fail({ kind: 'unavailable' });
    const error = await pagerdutyChannel
      .send(channel(), sampleMessage('escalation', 'pd'), context('y'))
      .catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Error', message: expect.stringContaining('answered 503') });
  });
});
