// Incidents: opening, one incident per failure signature, occurrences, reopening, status commands and resolution.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAcme } from './acme-fixture.js';
import { compileEngineConfig, type EngineConfig } from './config.js';
import { EngineHarness, MINUTE, T0 } from './test-support.js';
import type { EngineEvent } from './types.js';

let config: EngineConfig;
beforeAll(async () => {
  config = compileEngineConfig(await loadAcme());
});

const fired = (signature = 'slow'): EngineEvent => ({
  kind: 'signal-fired',
  playbookId: 'payments-latency',
  signature,
  values: { value: '1.4s', threshold: '800ms' },
  checks: ['payments-charges-up'],
});

describe('opening an incident', () => {
  it('renders the problem and fills in components, impact, owner, policy and signature', () => {
    const h = new EngineHarness(config);
    expect(h.send(fired()).incidentId).toBe('INC-1');
    expect(h.incident()).toMatchObject({
      id: 'INC-1',
      playbookId: 'payments-latency',
      signature: 'slow',
      severity: 'SEV2',
      status: 'triggered',
      problem: 'Payments p95 latency is 1.4s (target 800ms); checkout is slowing down.',
      affected: {
        integration: 'payments',
        endpoints: ['GET /v1/charges'],
        dependents: ['checkout-service', 'billing-service'],
      },
      impact: 'high',
      ownerTeam: 'payments-team',
      policyId: 'payments-default',
      openedAt: T0,
      occurrences: 1,
    });
    expect(h.incident().timeline[0]).toMatchObject({ at: T0, actor: 'lifeline', kind: 'opened' });
  });

  it('takes the owner team’s policy and marks placeholders nobody measured', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'identity-token-refused', signature: 'idp' });
    expect(h.incident()).toMatchObject({
      ownerTeam: 'identity-team',
      policyId: 'standard',
      problem: 'The identity provider refuses our OAuth2 client: unknown.',
      affected: { integration: 'identity', endpoints: [], dependents: ['auth-gateway'] },
    });
  });

  it('answers not-found for an unknown playbook', () => {
    const h = new EngineHarness(config);
    const decision = h.send({ kind: 'signal-fired', playbookId: 'constructor', signature: 'x' });
    expect(decision.outcome.kind).toBe('not-found');
    expect(h.state.incidents).toEqual({});
  });
});

describe('one incident per signature', () => {
  it('counts repeats on the open incident without new effects or timeline noise', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    h.advance(MINUTE);
    const repeat = h.send(fired());
    expect(repeat.incidentId).toBe('INC-1');
    expect(repeat.effects).toEqual([]);
    expect(h.incident().occurrences).toBe(2);
    expect(h.incident().lastOccurredAt).toBe(T0 + MINUTE);
    expect(h.incident().timeline.filter((e) => e.kind === 'occurred')).toEqual([]);
    expect(Object.keys(h.state.incidents)).toEqual(['INC-1']);
  });

  it('records a firing after the signal cleared as an occurrence on the timeline', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    expect(h.send({ kind: 'signal-cleared', signature: 'slow' }).outcome.kind).toBe('ok');
    expect(h.send({ kind: 'signal-cleared', signature: 'slow' }).outcome.kind).toBe('ignored');
    h.send(fired());
    expect(
      h
        .incident()
        .timeline.filter((e) => e.kind === 'occurred')
        .map((e) => e.text),
    ).toEqual(['fired again: occurrence 2']);
  });

  it('opens a separate incident for another signature', () => {
    const h = new EngineHarness(config);
    h.send(fired('a'));
    expect(h.send(fired('b')).incidentId).toBe('INC-2');
  });

  it('reopens an incident that recurs within the reopen window', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    h.advance(10 * MINUTE);
    h.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice', text: 'PSP recovered' });
    h.advance(30 * MINUTE);
    const decision = h.send(fired());
    expect(decision.incidentId).toBe('INC-1');
    const incident = h.incident();
    expect(incident).toMatchObject({
      status: 'triggered',
      episode: 2,
      triggeredAt: T0 + 40 * MINUTE,
      occurrences: 2,
    });
    expect(incident.resolvedAt).toBeUndefined();
    expect(incident.run).toMatchObject({ number: 2, status: 'running' });
    expect(decision.effects.map((e) => e.id)).toEqual(['INC-1:notify:2:0:0', 'INC-1:step:2:confirm:1']);
    expect(incident.timeline.at(-3)).toMatchObject({ kind: 'reopened', episode: 2 });
  });

  it('opens a new incident when the recurrence comes after the window', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    h.send({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice' });
    h.advance(30 * MINUTE + 1);
    expect(h.send(fired()).incidentId).toBe('INC-2');
    expect(h.state.signatures.slow).toBe('INC-2');
    expect(h.incident('INC-1').status).toBe('resolved');
  });
});

describe('status commands', () => {
  it('moves forward only and answers conflict when nothing would change', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    const ack = { kind: 'acknowledge', incidentId: 'INC-1', actor: 'bob', text: 'looking' } as const;
    expect(h.send(ack).outcome.kind).toBe('ok');
    expect(h.incident()).toMatchObject({ status: 'acknowledged', acknowledgedAt: T0, acknowledgedBy: 'bob' });
    expect(h.incident().timeline.at(-1)).toMatchObject({
      actor: 'bob',
      kind: 'acknowledged',
      text: 'acknowledged by bob: looking',
    });
    expect(h.send(ack).outcome.kind).toBe('conflict');
    expect(h.send({ kind: 'mitigate', incidentId: 'INC-1', actor: 'bob' }).outcome.kind).toBe('ok');
    expect(h.send({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'bob' }).outcome.kind).toBe('conflict');
    const resolve = { kind: 'resolve', incidentId: 'INC-1', actor: 'alice', text: 'fixed' } as const;
    expect(h.send(resolve).outcome.kind).toBe('ok');
    expect(h.send(resolve).outcome).toEqual({
      kind: 'conflict',
      reason: 'incident INC-1 is already resolved',
    });
    expect(h.incident().resolution).toEqual({ by: 'alice', automatic: false, note: 'fixed' });
    expect(h.send({ kind: 'mark-attempt', incidentId: 'INC-1', actor: 'bob' }).outcome.kind).toBe('conflict');
    expect(
      h.send({ kind: 'note', incidentId: 'INC-1', actor: 'bob', text: 'postmortem on Monday' }).outcome.kind,
    ).toBe('ok');
  });

  it('answers not-found for unknown incidents and people', () => {
    const h = new EngineHarness(config);
    expect(h.send({ kind: 'acknowledge', incidentId: 'INC-9', actor: 'bob' }).outcome.kind).toBe('not-found');
    h.send(fired());
    const assign = { kind: 'assign', incidentId: 'INC-1', actor: 'alice', assignee: 'zed' } as const;
    expect(h.send(assign).outcome.kind).toBe('not-found');
    expect(h.send({ ...assign, assignee: 'bob' }).outcome.kind).toBe('ok');
    expect(h.send({ ...assign, assignee: 'bob' }).outcome.kind).toBe('conflict');
    expect(h.incident().assignee).toBe('bob');
  });

  it('resolves automatically when the success criteria held, ending run and timers, creating follow-ups', () => {
    const h = new EngineHarness(config);
    h.send(fired());
    h.advance(20 * MINUTE);
    const held = { kind: 'success-held', incidentId: 'INC-1' } as const;
    const decision = h.send(held);
    expect(h.incident()).toMatchObject({ status: 'resolved', resolvedAt: T0 + 20 * MINUTE });
    expect(h.incident().resolution).toMatchObject({ automatic: true, by: 'lifeline' });
    expect(h.incident().run.status).toBe('cancelled');
    expect(h.incident().run.steps[0]?.status).toBe('cancelled');
    expect(Object.values(h.state.timers).filter((t) => t.status === 'pending')).toEqual([]);
    const followUp = decision.effects.find((e) => e.kind === 'follow-up');
    expect(followUp).toMatchObject({
      id: 'INC-1:follow-up:0',
      payload: { owner: 'payments-team', dueAt: T0 + 20 * MINUTE + 3 * 86_400_000 },
    });
    expect(h.send(held).outcome.kind).toBe('ignored');
    // A late result of the cancelled step changes nothing.
    const late = h.send({
      kind: 'step-result',
      incidentId: 'INC-1',
      run: 1,
      stepId: 'confirm',
      attempt: 1,
      outcome: 'succeeded',
    });
    expect(late.outcome.kind).toBe('ignored');
  });
});
