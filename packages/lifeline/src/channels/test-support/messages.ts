/**
 * Test-only: channel messages as the daemon builds them, one per kind, for one incident of the payments
 * integration, with every field the richer renderers use.
 */
import type { ChannelMessage, MessageKind } from '../../daemon/messages.js';

/** The instant every channel test runs at. */
export const T0 = Date.UTC(2025, 2, 14, 10, 0, 0);

const TITLES: Record<MessageKind, string> = {
  escalation: '[SEV1] inc-42 triggered (level 1)',
  breach: '[SEV1] inc-42 triggered: acknowledge target breached (level 2)',
  acknowledged: '[SEV1] inc-42 acknowledged by alice',
  resolved: '[SEV1] inc-42 resolved',
  step: 'inc-42: switched payments to degraded mode',
  ticket: '[SEV1] inc-42: follow up on payments latency',
  approval: 'inc-42 needs an approval (payments-team): step failover',
  manual: 'inc-42 needs a manual step (payments-team): call-vendor',
};

const STATUS: Record<MessageKind, ChannelMessage['status']> = {
  escalation: 'triggered',
  breach: 'triggered',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  step: 'acknowledged',
  ticket: 'acknowledged',
  approval: 'acknowledged',
  manual: 'acknowledged',
};

export function sampleMessage(
  kind: MessageKind,
  channel: string,
  fields: Partial<ChannelMessage> = {},
): ChannelMessage {
  const title = TITLES[kind];
  const problem = 'Payments API p95 latency is 1.8s (threshold 800ms) on POST /v1/charges';
  return {
    effectId: `inc-42:notify:1:${kind}`,
    incidentId: 'inc-42',
    kind,
    channel,
    title,
    text: `${title}: ${problem}`,
    severity: 'SEV1',
    status: STATUS[kind],
    problem,
    episode: 1,
    level: 0,
    people: ['alice'],
    affected: { integration: 'payments', endpoints: ['POST /v1/charges'], dependents: ['checkout'] },
    currentStep: { id: 'degrade', status: 'running', position: 2, count: 4 },
    targets: [
      { kind: 'acknowledge', dueAt: T0 + 5 * 60_000, status: 'at-risk' },
      { kind: 'resolve', dueAt: T0 + 60 * 60_000, status: 'pending' },
    ],
    triggeredAt: T0 - 10 * 60_000,
    ...(kind === 'acknowledged' ? { acknowledgedBy: 'alice' } : {}),
    ...fields,
  };
}
