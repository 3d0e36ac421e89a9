// Playbook runs: order, conditions, retries, timeouts, onFailure, manual steps, approvals and compensation.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Playbook } from '../workspace/model.js';
import { extend, loadAcme } from './acme-fixture.js';
import { compileEngineConfig, type EngineConfig } from './config.js';
import { EngineHarness, MINUTE, T0 } from './test-support.js';
import type { CompensatePayload, EngineEvent, RunActionPayload, StepResultOutcome } from './types.js';

const base = {
  name: 'Test playbook',
  integration: 'shipping',
  severity: 'SEV3',
  problem: 'Shipping error rate is {{value}}.',
  trigger: { when: [{ signal: 'failure-class' as const, class: 'server-error' as const }] },
};
const undo = { action: 'set-client-mode', mode: 'normal' } as const;

const flaky: Playbook = {
  ...base,
  id: 'flaky',
  steps: [
    { id: 'cache', action: 'set-client-mode', mode: 'cached', compensate: undo },
    {
      id: 'purge',
      action: 'http',
      method: 'POST',
      url: 'http://127.0.0.1:4480/purge',
      retries: 2,
      timeout: 30_000,
      compensate: { action: 'http', method: 'POST', url: 'http://127.0.0.1:4480/unpurge' },
    },
    {
      id: 'tell',
      action: 'notify',
      channels: ['ops-webhook'],
      message: '{{integration}}: {{value}}',
      onFailure: 'continue',
    },
    { id: 'restart', action: 'command', argv: ['systemctl', 'restart', 'shipper'] },
  ],
};

const conditional: Playbook = {
  ...base,
  id: 'conditional',
  steps: [
    { id: 'probe', action: 'run-check', check: 'shipping-rates-up', onFailure: 'continue' },
    {
      id: 'on-failure',
      if: { step: 'probe', outcome: 'failed' },
      action: 'notify',
      channels: ['ops-webhook'],
    },
    {
      id: 'if-slow',
      if: { holds: { signal: 'latency', percentile: 'p95', above: 2_000 } },
      action: 'set-client-mode',
      mode: 'throttled',
      rate: '5/s',
    },
    { id: 'last', action: 'notify', channels: ['ops-webhook'] },
  ],
};

const rollbacks: Playbook = {
  ...base,
  id: 'rollbacks',
  steps: [
    { id: 'a', action: 'set-client-mode', mode: 'cached', compensate: undo },
    { id: 'b', action: 'set-client-mode', mode: 'degraded', compensate: undo },
    { id: 'c', action: 'notify', channels: ['ops-webhook'] },
    { id: 'undo-all', action: 'rollback' },
  ],
};

const timed: Playbook = {
  ...base,
  id: 'timed',
  steps: [
    { id: 'cache', action: 'set-client-mode', mode: 'cached', compensate: undo },
    { id: 'confirm', action: 'manual', instructions: 'Confirm with the vendor.', timeout: 10 * MINUTE },
    { id: 'never', action: 'notify', channels: ['ops-webhook'] },
  ],
};

let config: EngineConfig;
beforeAll(async () => {
  config = compileEngineConfig(
    extend(await loadAcme(), { playbooks: [flaky, conditional, rollbacks, timed] }),
  );
});

function open(playbookId: string): EngineHarness {
  const h = new EngineHarness(config);
  h.send({ kind: 'signal-fired', playbookId, signature: `sig-${playbookId}`, values: { value: '31%' } });
  return h;
}

function result(h: EngineHarness, stepId: string, outcome: StepResultOutcome, attempt = 1) {
  return h.send({ kind: 'step-result', incidentId: 'INC-1', run: 1, stepId, attempt, outcome });
}

const ids = (h: EngineHarness, kind: 'run-action' | 'compensate' | 'request-human') =>
  h.effects(kind).map((e) => e.effect.id);

describe('sequencing', () => {
  it('runs steps in order, one at a time, and completes the run', () => {
    const h = open('flaky');
    expect(ids(h, 'run-action')).toEqual(['INC-1:step:1:cache:1']);
    result(h, 'cache', 'succeeded');
    result(h, 'purge', 'succeeded');
    result(h, 'tell', 'succeeded');
    result(h, 'restart', 'succeeded');
    expect(ids(h, 'run-action')).toEqual([
      'INC-1:step:1:cache:1',
      'INC-1:step:1:purge:1',
      'INC-1:step:1:tell:1',
      'INC-1:step:1:restart:1',
    ]);
    expect(h.incident().run.status).toBe('completed');
  });

  it('renders notify messages and gives attempts a deadline when the step has a timeout', () => {
    const h = open('flaky');
    result(h, 'cache', 'succeeded');
    const purge = h.effects('run-action')[1]?.effect.payload as RunActionPayload;
    expect(purge.deadline).toBe(T0 + 30_000);
    result(h, 'purge', 'succeeded');
    const tell = h.effects('run-action')[2]?.effect.payload as RunActionPayload;
    expect(tell.text).toBe('Shipping: 31%');
  });

  it('retries a failed or timed-out attempt, ignores stale results, and aborts when retries run out', () => {
    const h = open('flaky');
    result(h, 'cache', 'succeeded');
    result(h, 'purge', 'failed');
    expect(result(h, 'purge', 'succeeded', 1).outcome.kind).toBe('ignored');
    h.advance(30_000); // attempt 2 times out
    result(h, 'purge', 'failed', 3);
    expect(ids(h, 'run-action')).toEqual([
      'INC-1:step:1:cache:1',
      'INC-1:step:1:purge:1',
      'INC-1:step:1:purge:2',
      'INC-1:step:1:purge:3',
    ]);
    expect(h.incident().run.status).toBe('aborted');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:cache']);
    expect(h.incident().run.steps.find((s) => s.stepId === 'purge')?.lastResult).toBe('failed');
  });

  it('continues past a failed step with `onFailure: continue`', () => {
    const h = open('flaky');
    result(h, 'cache', 'succeeded');
    result(h, 'purge', 'succeeded');
    result(h, 'tell', 'failed');
    expect(ids(h, 'run-action').at(-1)).toBe('INC-1:step:1:restart:1');
    expect(h.incident().run.status).toBe('running');
  });

  it('compensates newest first when a step fails and aborts', () => {
    const h = open('flaky');
    h.advance(10_000);
    result(h, 'cache', 'succeeded');
    h.advance(10_000);
    result(h, 'purge', 'succeeded');
    result(h, 'tell', 'succeeded');
    result(h, 'restart', 'failed');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:purge', 'INC-1:compensate:1:cache']);
    const reasons = h.effects('compensate').map((e) => (e.effect.payload as CompensatePayload).reason);
    expect(reasons).toEqual(['abort', 'abort']);
  });
});

describe('conditions', () => {
  it('skips a step whose earlier-step condition fails and asks the shell about signal conditions', () => {
    const h = open('conditional');
    result(h, 'probe', 'succeeded');
    const step = (id: string) => h.incident().run.steps.find((s) => s.stepId === id);
    expect(step('on-failure')?.status).toBe('skipped');
    expect(step('if-slow')?.status).toBe('evaluating');
    const ask = h.effects('evaluate-condition');
    expect(ask.map((e) => e.effect.id)).toEqual(['INC-1:condition:1:if-slow']);
    const answer: EngineEvent = {
      kind: 'condition-evaluated',
      incidentId: 'INC-1',
      run: 1,
      stepId: 'if-slow',
      holds: false,
    };
    expect(h.send(answer).outcome.kind).toBe('ok');
    expect(h.send(answer).outcome.kind).toBe('ignored');
    expect(step('if-slow')?.status).toBe('skipped');
    expect(ids(h, 'run-action').at(-1)).toBe('INC-1:step:1:last:1');
  });

  it('runs a step whose signal holds', () => {
    const h = open('conditional');
    result(h, 'probe', 'failed');
    expect(ids(h, 'run-action')).toContain('INC-1:step:1:on-failure:1');
    result(h, 'on-failure', 'succeeded');
    h.send({ kind: 'condition-evaluated', incidentId: 'INC-1', run: 1, stepId: 'if-slow', holds: true });
    expect(ids(h, 'run-action').at(-1)).toBe('INC-1:step:1:if-slow:1');
  });
});

describe('manual steps and approvals', () => {
  it('waits for a manual step to be marked done', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-credential-revoked', signature: 'key' });
    result(h, 'recheck', 'failed'); // onFailure defaults to abort…
    expect(h.incident().run.status).toBe('aborted');

    const g = new EngineHarness(config);
    g.send({ kind: 'signal-fired', playbookId: 'payments-credential-revoked', signature: 'key' });
    result(g, 'recheck', 'succeeded');
    expect(g.effects('request-human')[0]?.effect.payload).toMatchObject({
      kind: 'manual',
      people: ['alice'],
    });
    const done = { kind: 'step-done', incidentId: 'INC-1', stepId: 'rotate', actor: 'erin' } as const;
    expect(g.send({ ...done, stepId: 'nope' }).outcome.kind).toBe('not-found');
    expect(g.send({ ...done, kind: 'approve' }).outcome.kind).toBe('conflict');
    expect(g.send(done).outcome.kind).toBe('ok');
    expect(g.send(done).outcome.kind).toBe('conflict');
    expect(ids(g, 'run-action').at(-1)).toBe('INC-1:step:1:tell:1');
  });

  it('fails a manual step that is not done in time', () => {
    const h = open('timed');
    result(h, 'cache', 'succeeded');
    h.advance(10 * MINUTE);
    expect(h.incident().run.status).toBe('aborted');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:cache']);
  });

  function toApproval(): EngineHarness {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-latency', signature: 'slow' });
    result(h, 'confirm', 'succeeded');
    result(h, 'throttle', 'succeeded');
    result(h, 'tell-payments', 'succeeded');
    return h;
  }

  it('lets only someone allowed approve: others are forbidden and change nothing', () => {
    const h = toApproval();
    expect(h.effects('request-human')[0]?.effect.payload).toMatchObject({
      kind: 'approval',
      people: ['alice'],
    });
    const approve = {
      kind: 'approve',
      incidentId: 'INC-1',
      stepId: 'approve-degraded',
      actor: 'bob',
    } as const;
    const before = h.state;
    const refused = h.send(approve);
    expect(refused.outcome.kind).toBe('forbidden');
    expect(h.state).toBe(before);
    expect(h.send({ ...approve, actor: 'erin' }).outcome.kind).toBe('forbidden');
    expect(h.send({ ...approve, actor: 'alice' }).outcome.kind).toBe('ok');
    expect(ids(h, 'run-action').at(-1)).toBe('INC-1:step:1:degrade:1');
    expect(h.incident().run.steps.find((s) => s.stepId === 'approve-degraded')?.by).toBe('alice');
  });

  it('treats a declined approval as a decision: the gated step is skipped, nothing is undone', () => {
    const h = toApproval();
    h.send({
      kind: 'decline',
      incidentId: 'INC-1',
      stepId: 'approve-degraded',
      actor: 'alice',
      text: 'not yet',
    });
    const degrade = h.incident().run.steps.find((s) => s.stepId === 'degrade');
    expect(degrade?.status).toBe('skipped');
    expect(h.incident().run.status).toBe('completed');
    expect(ids(h, 'compensate')).toEqual([]);
  });
});

describe('compensation', () => {
  it('undoes a step whose guard holds within its window, and only that step', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-latency', signature: 'slow' });
    result(h, 'confirm', 'succeeded');
    result(h, 'throttle', 'succeeded');
    expect(h.effects('watch-guard')[0]?.effect.payload).toMatchObject({
      stepId: 'throttle',
      until: T0 + 5 * MINUTE,
    });
    h.advance(2 * MINUTE);
    expect(h.send({ kind: 'guard-held', incidentId: 'INC-1', stepId: 'throttle' }).outcome.kind).toBe('ok');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:throttle']);
    expect(h.send({ kind: 'guard-held', incidentId: 'INC-1', stepId: 'throttle' }).outcome.kind).toBe(
      'ignored',
    );
    expect(h.incident().run.status).toBe('running');
  });

  it('ignores a guard that holds after its window closed', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-latency', signature: 'slow' });
    result(h, 'confirm', 'succeeded');
    result(h, 'throttle', 'succeeded');
    h.advance(6 * MINUTE);
    expect(h.send({ kind: 'guard-held', incidentId: 'INC-1', stepId: 'throttle' }).outcome.kind).toBe(
      'ignored',
    );
  });

  it('undoes every step newest first when the rollback criteria hold', () => {
    const h = new EngineHarness(config);
    h.send({ kind: 'signal-fired', playbookId: 'payments-latency', signature: 'slow' });
    result(h, 'confirm', 'succeeded');
    result(h, 'throttle', 'succeeded');
    result(h, 'tell-payments', 'succeeded');
    h.send({ kind: 'approve', incidentId: 'INC-1', stepId: 'approve-degraded', actor: 'alice' });
    result(h, 'degrade', 'succeeded');
    const held = { kind: 'rollback-criteria-held', incidentId: 'INC-1' } as const;
    expect(h.send(held).outcome.kind).toBe('ok');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:degrade', 'INC-1:compensate:1:throttle']);
    expect(h.incident().run.status).toBe('rolled-back');
    expect(h.send(held).outcome.kind).toBe('ignored');
  });

  it('runs the compensations of earlier steps for a rollback step', () => {
    const h = open('rollbacks');
    result(h, 'a', 'succeeded');
    result(h, 'b', 'succeeded');
    result(h, 'c', 'succeeded');
    expect(ids(h, 'compensate')).toEqual(['INC-1:compensate:1:b', 'INC-1:compensate:1:a']);
    expect(h.incident().run.status).toBe('completed');
    h.send({
      kind: 'compensation-result',
      incidentId: 'INC-1',
      run: 1,
      stepId: 'b',
      outcome: 'failed',
      detail: 'SDK offline',
    });
    expect(h.incident().timeline.at(-1)?.text).toBe('undo of b failed: SDK offline');
  });
});
