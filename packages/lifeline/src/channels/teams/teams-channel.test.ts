import { afterEach, describe, expect, it } from 'vitest';
import { describeChannelConformance } from '../conformance.js';
import { sampleMessage, T0 } from '../test-support/messages.js';
import { schemaCheck } from '../test-support/schema-check.js';
import {
  ADAPTIVE_CARD_15_SCHEMA,
  startTeamsReceiver,
  type TeamsReceiver,
} from '../test-support/teams-receiver.js';
import { teamsBody, teamsCard } from './teams-card.js';
import { teamsChannel } from './teams-channel.js';

let hookUrl = '';

describeChannelConformance({
  kind: 'teams',
  sender: teamsChannel,
  start: async () => {
    const receiver = await startTeamsReceiver();
    hookUrl = receiver.hookUrl;
    return receiver;
  },
  channel: () => ({ kind: 'teams', id: 'ops-teams', webhookUrl: { source: 'env', name: 'TEAMS_HOOK' } }),
  get env() {
    return { TEAMS_HOOK: hookUrl };
  },
  expectedKey: (key) => key,
  retryAfter: true,
  refusalReason: (status) => new RegExp(`answered ${status}`),
});

describe('teams card', () => {
  let receiver: TeamsReceiver | undefined;
  afterEach(() => receiver?.close());
  const checkCard = schemaCheck(ADAPTIVE_CARD_15_SCHEMA, 'card');

  it('is an Adaptive Card 1.5 with the title, the problem and the facts', () => {
    const card = teamsCard(sampleMessage('breach', 'ops', { link: 'https://lifeline.example/i/inc-42' }), T0);
    expect(checkCard(card)).toEqual([]);
    expect(card.version).toBe('1.5');
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', weight: 'Bolder', color: 'Attention' });
    const facts = card.body.find((b) => b.type === 'FactSet') as {
      facts: { title: string; value: string }[];
    };
    expect(facts.facts).toContainEqual({ title: 'Current step', value: 'degrade (step 2 of 4, running)' });
    expect(facts.facts).toContainEqual({ title: 'Acknowledge', value: 'due in 5m (10:05 UTC)' });
    expect(card.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open in Lifeline', url: 'https://lifeline.example/i/inc-42' },
    ]);
  });

  it('fails the schema when a card element is misspelt (the check can fail)', () => {
    const card = teamsCard(sampleMessage('escalation', 'ops'), T0);
    const broken = { ...card, body: [{ type: 'TextBlock', text: 'x', weight: 'Bold' }] };
    expect(checkCard(broken)).not.toEqual([]);
  });

  it('posts the card in the workflow envelope, and an acknowledgement as one line', async () => {
    receiver = await startTeamsReceiver();
    const context = {
      signal: new AbortController().signal,
      now: () => T0,
      idempotencyKey: 'k',
      resolveSecret: () => Promise.resolve(receiver!.hookUrl),
    };
    const channel = { kind: 'teams' as const, id: 'ops', webhookUrl: { source: 'env' as const, name: 'H' } };
    const receipt = await teamsChannel.send(channel, sampleMessage('acknowledged', 'ops'), context);
    expect(receipt.status).toBe(202);
    expect(receiver.violations()).toEqual([]);
    const card = receiver.cards()[0] as { body: { text: string }[] };
    expect(card.body[0]?.text).toBe('[SEV1] inc-42 acknowledged by alice');
    expect(teamsBody(sampleMessage('resolved', 'ops'), T0).attachments[0]?.contentType).toBe(
      'application/vnd.microsoft.card.adaptive',
    );
  });
});
