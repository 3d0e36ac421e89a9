// Escalation driven by a fake clock: hours of policy levels, repeats and stops run in milliseconds.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EscalationPolicy, Playbook, Workspace } from '../workspace/model.js';
import { extend, loadAcme } from './acme-fixture.js';
import { compileEngineConfig, type EngineConfig } from './config.js';
import { audienceOf, cyclePeriod, MIN_CYCLE_MS } from './escalation.js';
import { EngineHarness, HOUR, MINUTE, T0, minutesOf } from './test-support.js';
import { decide } from './decide.js';
import type { Effect, NotifyPayload } from './types.js';

const quiet: Playbook = {
  id: 'payments-quiet',
  name: 'Quiet payments problem',
  integration: 'payments',
  severity: 'SEV3',
  problem: 'Payments is a little off: {{value}}.',
  trigger: { when: [{ signal: 'failure-class', class: 'slow' }] },
  steps: [],
};

const tiered: EscalationPolicy = {
  id: 'tiered',
  levels: [
    { after: 0, notify: [{ channel: 'ops-webhook' }] },
    { after: 10 * MINUTE, unless: 'acknowledged', notify: [{ person: 'chen' }] },
    { after: 20 * MINUTE, unless: 'mitigated', notify: [{ team: 'sre' }] },
  ],
};
const tieredPlaybook: Playbook = { ...quiet, id: 'tiered-playbook', escalation: 'tiered' };
const unowned: Playbook = { ...quiet, id: 'unowned', owner: 'sre' };

let workspace: Workspace;
let config: EngineConfig;
beforeAll(async () => {
  workspace = extend(await loadAcme(), { playbooks: [quiet, tieredPlaybook, unowned], policies: [tiered] });
  config = compileEngineConfig(workspace);
});

function open(playbookId: string): EngineHarness {
  const h = new EngineHarness(config);
  const decision = h.send({
    kind: 'signal-fired',
    playbookId,
    signature: `sig-${playbookId}`,
    values: { value: 'x' },
  });
  expect(decision.outcome).toEqual({ kind: 'ok' });
  return h;
}

function notifications(h: EngineHarness) {
  return h.effects('notify').map(({ at, effect }) => {
    const payload = effect.payload as NotifyPayload;
    return { minute: (at - T0) / MINUTE, cycle: payload.cycle, level: payload.level, reason: payload.reason };
  });
}

describe('escalation on a fake clock', () => {
  it('pages a quiet SEV3 incident at exactly 0, 15, 30, 45, 60 and 75 minutes (3 cycles), then stops', () => {
    const h = open('payments-quiet');
    h.advance(2 * HOUR);
    expect(notifications(h)).toEqual([
      { minute: 0, cycle: 0, level: 0, reason: 'escalation' },
      { minute: 15, cycle: 0, level: 1, reason: 'escalation' },
      { minute: 30, cycle: 1, level: 0, reason: 'escalation' },
      { minute: 45, cycle: 1, level: 1, reason: 'escalation' },
      { minute: 60, cycle: 2, level: 0, reason: 'escalation' },
      { minute: 75, cycle: 2, level: 1, reason: 'escalation' },
    ]);
    expect(h.effects('notify').map((e) => e.effect.id)).toEqual([
      'INC-1:notify:1:0:0',
      'INC-1:notify:1:0:1',
      'INC-1:notify:1:1:0',
      'INC-1:notify:1:1:1',
      'INC-1:notify:1:2:0',
      'INC-1:notify:1:2:1',
    ]);
  });

  it('runs a 2-hour SEV2 incident: breaches pull the next level forward', () => {
    const h = open('payments-latency');
    h.advance(2 * HOUR);
    // 15 min: level 2 is due anyway when the acknowledge target breaches; 60 min: the first-action breach pulls
    // level 2 of the last cycle forward from 75 to 60 minutes.
    expect(notifications(h)).toEqual([
      { minute: 0, cycle: 0, level: 0, reason: 'escalation' },
      { minute: 15, cycle: 0, level: 1, reason: 'escalation' },
      { minute: 30, cycle: 1, level: 0, reason: 'escalation' },
      { minute: 45, cycle: 1, level: 1, reason: 'escalation' },
      { minute: 60, cycle: 2, level: 0, reason: 'escalation' },
      { minute: 60, cycle: 2, level: 1, reason: 'breach' },
    ]);
  });

  it('catches up after downtime with the same notifications, in the same order', () => {
    const onTime = open('payments-latency');
    onTime.advance(2 * HOUR);
    const down = open('payments-latency');
    const early = decide(
      config,
      down.state,
      { kind: 'timer-due', timerId: 'INC-1:escalation:1:0:1' },
      T0 + MINUTE,
    );
    expect(early.outcome.kind).toBe('ignored');
    const late = decide(
      config,
      down.state,
      { kind: 'timer-due', timerId: 'INC-1:escalation:1:0:1' },
      T0 + 2 * HOUR,
    );
    const ids = (effects: readonly Effect[]) => effects.filter((e) => e.kind === 'notify').map((e) => e.id);
    expect([...ids(down.effects().map((e) => e.effect)), ...ids(late.effects)]).toEqual(
      ids(onTime.effects().map((e) => e.effect)),
    );
    expect(late.state.incidents['INC-1']?.severity).toBe('SEV1');
  });

  it('resolves the targets of each level to people and channels', () => {
    const h = open('payments-latency');
    h.advance(15 * MINUTE);
    const [first, second] = h.effects('notify').map((e) => e.effect.payload as NotifyPayload);
    expect(first).toMatchObject({ people: ['alice', 'bob'], channels: ['slack-payments'] });
    expect(first?.fallbackChannel).toBe('ops-webhook');
    expect(second).toMatchObject({ people: ['alice', 'erin'], channels: [] });
    expect(first?.problem).toContain('Payments p95 latency');
  });

  it('stops repeating once acknowledged', () => {
    const h = open('payments-quiet');
    h.advance(20 * MINUTE);
    h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' });
    h.advance(3 * HOUR);
    expect(notifications(h).map((n) => [n.minute, n.reason])).toEqual([
      [0, 'escalation'],
      [15, 'escalation'],
      [20, 'acknowledged'],
    ]);
  });

  it('skips `unless acknowledged` levels after an acknowledgement', () => {
    const h = open('payments-quiet');
    h.advance(5 * MINUTE);
    h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'bob' });
    h.advance(3 * HOUR);
    expect(notifications(h).map((n) => [n.minute, n.reason])).toEqual([
      [0, 'escalation'],
      [5, 'acknowledged'],
    ]);
    const pending = Object.values(h.state.timers).filter(
      (t) => t.kind.startsWith('escalation') && t.status === 'pending',
    );
    expect(pending).toEqual([]);
  });

  it('keeps `unless mitigated` levels after an acknowledgement, drops them after mitigation', () => {
    const acked = open('tiered-playbook');
    acked.advance(5 * MINUTE);
    acked.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'chen' });
    acked.advance(HOUR);
    expect(notifications(acked).map((n) => [n.minute, n.level, n.reason])).toEqual([
      [0, 0, 'escalation'],
      [5, undefined, 'acknowledged'],
      [20, 2, 'escalation'],
    ]);
    const mitigated = open('tiered-playbook');
    mitigated.advance(5 * MINUTE);
    mitigated.send({ kind: 'mitigate', incidentId: 'INC-1', actor: 'chen' });
    mitigated.advance(HOUR);
    expect(minutesOf(mitigated.effects('notify'))).toEqual([0]);
  });

  it('stops on resolve and tells everyone paged so far', () => {
    const h = open('payments-latency');
    h.advance(20 * MINUTE);
    h.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice', text: 'vendor recovered' });
    h.advance(3 * HOUR);
    const all = h.effects('notify');
    expect(minutesOf(all)).toEqual([0, 15, 20]);
    const resolved = all.at(-1)?.effect;
    expect(resolved?.id).toBe('INC-1:notify:1:resolved');
    expect(resolved?.payload).toMatchObject({
      reason: 'resolved',
      status: 'resolved',
      people: ['alice', 'bob', 'erin'],
      channels: ['slack-payments'],
    });
  });

  it('tells everyone paged so far once when acknowledged, and nobody when nobody was paged', () => {
    const h = open('payments-latency');
    h.advance(20 * MINUTE);
    const decision = h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice', text: 'on it' });
    expect(decision.effects).toEqual([
      {
        id: 'INC-1:notify:1:acknowledged',
        kind: 'notify',
        incidentId: 'INC-1',
        payload: expect.objectContaining({
          reason: 'acknowledged',
          status: 'acknowledged',
          episode: 1,
          people: ['alice', 'bob', 'erin'],
          channels: ['slack-payments'],
          fallbackChannel: 'ops-webhook',
        }) as unknown,
      },
    ]);
    expect(h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'bob' }).effects).toEqual([]);
    h.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice' });
    expect(h.effects('notify').map((e) => e.effect.id)).toEqual([
      'INC-1:notify:1:0:0',
      'INC-1:notify:1:0:1',
      'INC-1:notify:1:acknowledged',
      'INC-1:notify:1:resolved',
    ]);

    const unpaged = open('unowned');
    expect(unpaged.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' }).effects).toEqual([]);
  });

  it('pages nobody without a policy, but still records breaches', () => {
    const h = open('unowned');
    h.advance(5 * HOUR);
    expect(h.effects('notify')).toEqual([]);
    expect(h.incident().timeline.map((e) => e.kind)).toContain('target-breached');
  });
});

describe('cyclePeriod', () => {
  const levels = (...afters: number[]) => afters.map((after) => ({ after, notify: [{ channel: 'c' }] }));
  it('lets the last level wait as long as the one before it', () => {
    expect(cyclePeriod({ id: 'p', levels: levels(0, 15 * MINUTE) })).toBe(30 * MINUTE);
    expect(cyclePeriod({ id: 'p', levels: levels(0, 10 * MINUTE, 25 * MINUTE) })).toBe(40 * MINUTE);
    expect(cyclePeriod({ id: 'p', levels: levels(20 * MINUTE) })).toBe(40 * MINUTE);
    expect(cyclePeriod({ id: 'p', levels: levels(15 * MINUTE, 0) })).toBe(30 * MINUTE);
  });
  it('never repeats instantly', () => {
    expect(cyclePeriod({ id: 'p', levels: levels(0, 0) })).toBe(MIN_CYCLE_MS);
  });
});

describe('audienceOf', () => {
  it('expands teams to members (with the role) and, without a role, to the team channels', () => {
    expect(audienceOf(config, [{ team: 'payments-team', role: 'lead' }])).toEqual({
      people: ['alice'],
      channels: [],
    });
    expect(
      audienceOf(config, [{ team: 'payments-team' }, { person: 'erin' }, { channel: 'ops-webhook' }]),
    ).toEqual({
      people: ['alice', 'bob', 'erin'],
      channels: ['slack-payments', 'ops-webhook'],
    });
  });
});
