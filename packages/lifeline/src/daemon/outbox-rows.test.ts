/**
 * Effects as outbox rows on the acme workspace: messages fan out to one row per channel, people and teams are
 * reached through their teams' channels, nobody reachable becomes one row the dispatcher dead-letters, and
 * actions get a lane of their own per step.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAcme } from '../engine/acme-fixture.js';
import {
  compileEngineConfig,
  type EngineConfig,
  type Effect,
  type Incident,
  type NotifyPayload,
} from '../engine/index.js';
import type { ChannelMessage } from './messages.js';
import { outboxRowsOf } from './outbox-rows.js';

let config: EngineConfig;
const incident = {
  id: 'INC-1',
  severity: 'SEV2',
  status: 'triggered',
  problem: 'payments are slow',
  episode: 1,
  ownerTeam: 'payments-team',
} as Incident;

function notify(fields: Partial<NotifyPayload>): Effect {
  return {
    id: 'INC-1:notify:1:0:1',
    kind: 'notify',
    incidentId: 'INC-1',
    payload: {
      reason: 'escalation',
      episode: 1,
      cycle: 0,
      level: 1,
      severity: 'SEV2',
      status: 'triggered',
      problem: 'payments are slow',
      targets: [],
      people: [],
      channels: [],
      ...fields,
    },
  };
}

beforeEach(async () => {
  config = compileEngineConfig(await loadAcme());
});

describe('outboxRowsOf', () => {
  it('sends to the declared channels and the channels of the people’s teams, one row each', () => {
    const rows = outboxRowsOf(
      config,
      incident,
      notify({ people: ['alice', 'chen'], channels: ['ops-webhook'] }),
      0,
    );
    expect(rows.map((r) => [r.id, r.kind, r.channel])).toEqual([
      ['INC-1:notify:1:0:1@ops-webhook', 'notify', 'ops-webhook'],
      ['INC-1:notify:1:0:1@slack-payments', 'notify', 'slack-payments'],
    ]);
    const message = rows[1]?.payload as ChannelMessage;
    expect(message).toMatchObject({
      channel: 'slack-payments',
      title: '[SEV2] INC-1 triggered (level 2)',
      people: ['alice', 'chen'],
    });
  });

  it('uses the fallback channel when nobody is reachable, else one row to dead-letter', () => {
    const lonely = notify({ people: ['erin'] });
    expect(outboxRowsOf(config, incident, lonely, 0).map((r) => r.channel)).toEqual([undefined]);
    expect(outboxRowsOf(config, incident, lonely, 0)[0]?.id).toBe('INC-1:notify:1:0:1@-');
    const withFallback = notify({ people: ['erin'], fallbackChannel: 'ops-webhook' });
    expect(outboxRowsOf(config, incident, withFallback, 0).map((r) => r.channel)).toEqual(['ops-webhook']);
  });

  it('gives actions a lane per step and adds message rows for a notify step', () => {
    const step: Effect = {
      id: 'INC-1:step:1:tell:1',
      kind: 'run-action',
      incidentId: 'INC-1',
      payload: {
        run: 1,
        stepId: 'tell',
        attempt: 1,
        step: { id: 'tell', action: 'notify', teams: ['logistics-team'] },
        vars: {},
        text: 'Payments is slow',
      },
    };
    expect(outboxRowsOf(config, incident, step, 0).map((r) => [r.id, r.kind, r.channel])).toEqual([
      ['INC-1:step:1:tell:1@ops-webhook', 'notify', 'ops-webhook'],
      ['INC-1:step:1:tell:1', 'run-action', 'step:tell'],
    ]);
  });
});
