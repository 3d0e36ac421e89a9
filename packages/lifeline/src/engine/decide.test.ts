// The decide entry point: idempotency of every event kind, determinism, dead letters on the timeline, and the
// outcome → HTTP mapping.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../workspace/model.js';
import { extend, loadAcme } from './acme-fixture.js';
import { compileEngineConfig, type EngineConfig } from './config.js';
import { decide } from './decide.js';
import { httpStatusOf } from './outcomes.js';
import { EngineHarness, MINUTE, deepFreeze } from './test-support.js';
import { ENGINE_ACTOR, type EngineEvent, type EventKind } from './types.js';

const askFirst: Playbook = {
  id: 'ask-first',
  name: 'Asks the shell first',
  integration: 'shipping',
  severity: 'SEV3',
  problem: 'Shipping is failing.',
  trigger: { when: [{ signal: 'failure-class', class: 'server-error' }] },
  steps: [
    {
      id: 'maybe',
      if: { holds: { signal: 'error-rate', above: 0.5 } },
      action: 'notify',
      channels: ['ops-webhook'],
    },
    { id: 'done', action: 'manual', instructions: 'Tell the vendor.' },
    {
      id: 'cache',
      action: 'set-client-mode',
      mode: 'cached',
      compensate: { action: 'set-client-mode', mode: 'normal' },
    },
    { id: 'undo', action: 'rollback' },
  ],
};

let config: EngineConfig;
beforeAll(async () => {
  config = compileEngineConfig(extend(await loadAcme(), { playbooks: [askFirst] }));
});

const INC = 'INC-1';
const latency: EngineEvent = { kind: 'signal-fired', playbookId: 'payments-latency', signature: 's' };
const ask: EngineEvent = { kind: 'signal-fired', playbookId: 'ask-first', signature: 's' };
const result = (stepId: string): EngineEvent => ({
  kind: 'step-result',
  incidentId: INC,
  run: 1,
  stepId,
  attempt: 1,
  outcome: 'succeeded',
});
const throttled = [latency, result('confirm'), result('throttle')];
const deadLetter: EngineEvent = {
  kind: 'delivery-dead-lettered',
  incidentId: INC,
  channel: 'slack-payments',
  reason: 'slack channel slack-payments answered 404 (not found: check the URL, project or repository)',
  rowId: `${INC}:notify:1:0:0@slack-payments`,
};
const awaitingApproval = [...throttled, result('tell-payments')];

/** For each event kind: what happens first, then the event that is applied twice. */
const CASES: [EventKind, EngineEvent[], EngineEvent][] = [
  ['signal-fired', [], latency],
  ['signal-cleared', [latency], { kind: 'signal-cleared', signature: 's' }],
  ['success-held', [latency], { kind: 'success-held', incidentId: INC }],
  ['rollback-criteria-held', throttled, { kind: 'rollback-criteria-held', incidentId: INC }],
  ['guard-held', throttled, { kind: 'guard-held', incidentId: INC, stepId: 'throttle' }],
  ['timer-due', [latency], { kind: 'timer-due', timerId: `${INC}:escalation:1:0:1` }],
  ['step-result', [latency], result('confirm')],
  [
    'condition-evaluated',
    [ask],
    { kind: 'condition-evaluated', incidentId: INC, run: 1, stepId: 'maybe', holds: false },
  ],
  [
    'compensation-result',
    [...throttled, { kind: 'rollback-criteria-held', incidentId: INC }],
    {
      kind: 'compensation-result',
      incidentId: INC,
      run: 1,
      stepId: 'throttle',
      outcome: 'succeeded',
    },
  ],
  ['delivery-dead-lettered', [latency], deadLetter],
  ['acknowledge', [latency], { kind: 'acknowledge', incidentId: INC, actor: 'alice' }],
  ['mitigate', [latency], { kind: 'mitigate', incidentId: INC, actor: 'alice' }],
  ['resolve', [latency], { kind: 'resolve', incidentId: INC, actor: 'alice', text: 'done' }],
  ['note', [latency], { kind: 'note', incidentId: INC, actor: 'alice', text: 'vendor ticket 123' }],
  ['assign', [latency], { kind: 'assign', incidentId: INC, actor: 'alice', assignee: 'bob' }],
  ['mark-attempt', [latency], { kind: 'mark-attempt', incidentId: INC, actor: 'alice' }],
  [
    'approve',
    awaitingApproval,
    { kind: 'approve', incidentId: INC, stepId: 'approve-degraded', actor: 'alice' },
  ],
  [
    'decline',
    awaitingApproval,
    { kind: 'decline', incidentId: INC, stepId: 'approve-degraded', actor: 'alice' },
  ],
  [
    'step-done',
    [ask, { kind: 'condition-evaluated', incidentId: INC, run: 1, stepId: 'maybe', holds: false }],
    {
      kind: 'step-done',
      incidentId: INC,
      stepId: 'done',
      actor: 'chen',
    },
  ],
];

describe('idempotency', () => {
  it('covers every event kind', () => {
    const kinds = new Set(CASES.map(([kind]) => kind));
    const all: EventKind[] = [
      'signal-fired',
      'signal-cleared',
      'success-held',
      'rollback-criteria-held',
      'guard-held',
      'timer-due',
      'step-result',
      'condition-evaluated',
      'compensation-result',
      'delivery-dead-lettered',
      'acknowledge',
      'mitigate',
      'resolve',
      'note',
      'assign',
      'mark-attempt',
      'approve',
      'decline',
      'step-done',
    ];
    expect([...kinds].sort()).toEqual([...all].sort());
  });

  it.each(CASES)('%s applied twice yields no new effects', (kind, setup, event) => {
    const h = new EngineHarness(config);
    for (const e of setup) expect(h.send(e).outcome).toEqual({ kind: 'ok' });
    // Applied straight to decide (not through the harness), so a timer is not delivered before the test does it.
    const at = event.kind === 'timer-due' ? h.state.timers[event.timerId]!.dueAt : h.now + MINUTE;
    const first = decide(config, deepFreeze(h.state), event, at);
    expect(first.outcome.kind).toBe('ok');
    const second = decide(config, deepFreeze(first.state), event, at);
    expect(second.effects).toEqual([]);
    if (second.outcome.kind !== 'ok') expect(second.state).toBe(first.state);
    expect(kind).toBe(event.kind);
  });
});

describe('decide', () => {
  it('is deterministic and leaves its input alone', () => {
    const h = new EngineHarness(config);
    for (const e of awaitingApproval) h.send(e);
    const state = deepFreeze(structuredClone(h.state));
    const event: EngineEvent = {
      kind: 'approve',
      incidentId: INC,
      stepId: 'approve-degraded',
      actor: 'alice',
    };
    const a = decide(config, state, event, h.now + MINUTE);
    const b = decide(config, state, event, h.now + MINUTE);
    expect(a).toEqual(b);
    expect(a.state).not.toBe(state);
    expect(state.incidents[INC]?.run.steps[3]?.status).toBe('waiting');
  });

  it('puts a dead letter on the timeline by the engine, naming the channel and the reason, and changes nothing else', () => {
    const h = new EngineHarness(config);
    h.send(latency);
    const before = h.incident();
    const decision = h.send(deadLetter);
    expect(decision.outcome).toEqual({ kind: 'ok' });
    expect(decision.effects).toEqual([]);
    const after = h.incident();
    expect(after.timeline.at(-1)).toEqual({
      at: h.now,
      actor: ENGINE_ACTOR,
      kind: 'delivery-failed',
      text:
        'message to channel slack-payments not delivered: slack channel slack-payments answered 404 (not ' +
        `found: check the URL, project or repository) (outbox row ${INC}:notify:1:0:0@slack-payments)`,
      episode: 1,
    });
    expect({ ...after, timeline: [] }).toEqual({ ...before, timeline: [] });
    expect(after.timeline.slice(0, -1)).toEqual(before.timeline);
    // Another row's dead letter is its own entry; the same one again is not.
    expect(h.send({ ...deadLetter, rowId: `${INC}:notify:1:0:1@slack-payments` }).outcome.kind).toBe('ok');
    expect(h.send(deadLetter).outcome).toEqual({
      kind: 'ignored',
      reason: `dead letter ${INC}:notify:1:0:0@slack-payments is already on the timeline`,
    });
  });

  it('ignores a dead letter of an incident it does not know', () => {
    const state = deepFreeze(new EngineHarness(config).state);
    const decision = decide(config, state, { ...deadLetter, incidentId: 'INC-404' }, MINUTE);
    expect(decision).toEqual({
      state,
      effects: [],
      outcome: { kind: 'ignored', reason: 'no incident INC-404' },
    });
  });

  it('maps outcomes to HTTP statuses', () => {
    expect(httpStatusOf({ kind: 'ok' })).toBe(200);
    expect(httpStatusOf({ kind: 'not-found', reason: '' })).toBe(404);
    expect(httpStatusOf({ kind: 'conflict', reason: '' })).toBe(409);
    expect(httpStatusOf({ kind: 'forbidden', reason: '' })).toBe(403);
  });
});
