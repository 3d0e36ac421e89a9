/**
 * Playbook plans: the acme example plans cleanly and as the engine decides it; each static check on a small
 * workspace written to a temp directory and loaded with the real loader (so positions are real file:line:col).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../../workspace/load-workspace.js';
import type { Workspace } from '../../workspace/model.js';
import { loadAcme } from '../acme-fixture.js';
import { planPlaybook, stepLocator, type Plan, type PlanCheckCode, type PlanOptions } from './index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function planOf(workspace: Workspace, id: string, options: PlanOptions = {}): Plan {
  const result = planPlaybook(workspace, id, { locate: stepLocator(workspace), ...options });
  if (result.kind !== 'ok') throw new Error(`no plan for ${id}`);
  return result.plan;
}

const codes = (plan: Plan, code: PlanCheckCode) => plan.checks.filter((d) => d.code === code);

describe('the acme example', () => {
  let acme: Workspace;
  beforeAll(async () => {
    acme = await loadAcme();
  });

  it('plans every playbook without an error, with the channel kinds the daemon has today', () => {
    for (const playbook of acme.playbooks) {
      const plan = planOf(acme, playbook.id, { deliverableKinds: ['webhook', 'slack'] });
      expect(
        plan.checks.filter((d) => d.severity === 'error'),
        playbook.id,
      ).toEqual([]);
      expect(
        plan.steps.every((s) => s.reachable === true),
        playbook.id,
      ).toBe(true);
    }
  });

  it('opens the incident the engine would open, with the caller’s values and samples for the rest', () => {
    const plan = planOf(acme, 'payments-latency', { values: { value: '1.4s' } });
    expect(plan.incident).toMatchObject({
      severity: { id: 'SEV2', name: 'Major' },
      problem: 'Payments p95 latency is 1.4s (target 800ms); checkout is slowing down.',
      affected: {
        integration: 'payments',
        endpoints: ['GET /v1/charges'],
        dependents: ['checkout-service', 'billing-service'],
      },
      impact: 'high',
      ownerTeam: { id: 'payments-team', name: 'Payments' },
      escalationPolicy: 'payments-default',
    });
    expect(plan.trigger.values).toEqual({ value: '1.4s' });
    expect(plan.trigger.samples.threshold).toBe('800ms');
    expect(plan.responseTargets.map((t) => [t.kind, t.dueMs, t.atRiskMs])).toEqual([
      ['acknowledge', 15 * MINUTE, 12 * MINUTE],
      ['firstAction', 60 * MINUTE, 48 * MINUTE],
      ['resolve', 8 * HOUR, 6.4 * HOUR],
    ]);
  });

  it('gives the escalation timeline when nobody responds: levels, repeats, breaches, people and channels', () => {
    const plan = planOf(acme, 'payments-latency');
    const sent = plan.escalation.notifications.map((n) => [n.atMs / MINUTE, n.cycle, n.level]);
    expect(sent).toEqual([
      [0, 0, 0],
      [15, 0, 1],
      [30, 1, 0],
      [45, 1, 1],
      [60, 2, 0],
      [75, 2, 1],
    ]);
    expect(plan.escalation.notifications[0]).toMatchObject({
      people: ['alice', 'bob'],
      channels: ['slack-payments'],
      fallbackChannel: 'ops-webhook',
    });
    expect(plan.escalation.clock).toContainEqual({
      atMs: 15 * MINUTE,
      kind: 'severity-changed',
      text: 'severity raised from SEV2 to SEV1: acknowledge target breached',
    });
  });

  it('lists the steps in order with what the engine asked of each', () => {
    const plan = planOf(acme, 'payments-latency', { values: { value: '1.4s' } });
    expect(plan.steps.map((s) => [s.id, s.onFailure, s.happyPath])).toEqual([
      ['confirm', 'continue', 'runs'],
      ['throttle', 'abort', 'runs'],
      ['tell-payments', 'abort', 'runs'],
      ['approve-degraded', 'continue', 'runs'],
      ['degrade', 'abort', 'runs'],
    ]);
    const [, throttle, tell, approve, degrade] = plan.steps;
    expect(throttle).toMatchObject({ compensation: 'switch payments clients to normal', remediation: true });
    expect(throttle?.guard?.withinMs).toBe(5 * MINUTE);
    expect(tell).toMatchObject({
      channels: ['slack-payments'],
      text: 'Payments is slow (1.4s); checkout throttled to 20/s.',
    });
    expect(approve?.who).toEqual({ team: 'payments-team', role: 'lead', people: ['alice'] });
    expect(degrade?.condition).toBe('only if step approve-degraded succeeded');
    expect(throttle?.position).toMatchObject({ file: 'integrations/payments.yaml' });
  });

  it('says which playbook it does not know, with a suggestion', () => {
    expect(planPlaybook(acme, 'payments-latncy')).toEqual({
      kind: 'unknown-playbook',
      playbookId: 'payments-latncy',
      hint: 'did you mean `payments-latency`?',
    });
  });
});

// ─── small workspaces ───────────────────────────────────────────────────────────────────────────────────────────

const BASE = `version: 1
name: plan-test
teams:
  - id: ops
    name: Ops
    escalation: page-ops
    channels: [ops-hook]
    members:
      - { id: alice, name: Alice, roles: [lead] }
  - id: silent
    name: Silent (no channels)
    members:
      - { id: bob, name: Bob, roles: [engineer] }
  - id: empty
    name: Nobody
    members: []
channels:
  - { id: ops-hook, kind: webhook, url: 'http://127.0.0.1:9/hook' }
  - { id: ops-slack, kind: slack, webhookUrl: '\${env:SLACK_URL}' }
escalationPolicies:
  - id: page-ops
    levels:
      - { after: 0m, notify: [{ team: ops }] }
integrations:
  - id: api
    name: API
    owner: ops
    baseUrl: https://api.example.com
    auth: { type: none }
    endpoints:
      - { id: ping, method: GET, path: /ping }
    checks:
      - { id: api-up, kind: http, endpoint: ping }
`;

function playbookYaml(steps: string, extra = ''): string {
  return `playbooks:
  - id: pb
    name: Test playbook
    integration: api
    severity: SEV2
    problem: 'API is down: {{value}}'
    trigger:
      when:
        - { signal: failure-class, check: api-up, class: unreachable }
${extra}    steps:
${steps}`;
}

describe('static checks', () => {
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-plan-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function load(files: Record<string, string>): Promise<Workspace> {
    const root = join(dir, `ws-${++counter}`);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, name)), { recursive: true });
      await writeFile(join(root, name), text);
    }
    const result = await loadWorkspace(root, { env: { SLACK_URL: 'https://hooks.example/x' } });
    if (!result.workspace) throw new Error(JSON.stringify(result.diagnostics, null, 2));
    return result.workspace;
  }

  const plan = async (steps: string, options: { base?: string; extra?: string } & PlanOptions = {}) => {
    const workspace = await load({
      'lifeline.yaml': `${options.base ?? BASE}include: [playbooks.yaml]\n`,
      'playbooks.yaml': playbookYaml(steps, options.extra),
    });
    return planOf(workspace, 'pb', options);
  };

  it('a clean playbook has no findings', async () => {
    const clean = await plan(`      - { id: check, action: run-check, check: api-up }
      - { id: tell, action: notify, channels: [ops-hook] }
`);
    expect(clean.checks).toEqual([]);
    expect(clean.steps.map((s) => s.reachable)).toEqual([true, true]);
  });

  it('step-unreachable: a step that needs a failure which aborts the run, with its file:line:col', async () => {
    const result = await plan(`      - { id: fix, action: command, argv: [fix] }
      - id: escalate
        if: { step: fix, outcome: failed }
        action: notify
        channels: [ops-hook]
`);
    expect(codes(result, 'step-unreachable')).toEqual([
      expect.objectContaining({
        severity: 'error',
        playbook: 'pb',
        step: 'escalate',
        file: 'playbooks.yaml',
        line: 12,
        col: 9,
        subject: 'playbook:pb/step:escalate',
        message: expect.stringContaining('never runs'),
        hint: expect.stringContaining('onFailure: continue'),
      }),
    ]);
    expect(result.steps[1]?.reachable).toBe(false);
  });

  it('step-unreachable is not reported when the failure lets the run go on', async () => {
    const result = await plan(`      - { id: fix, action: command, argv: [fix], onFailure: continue }
      - id: escalate
        if: { step: fix, outcome: failed }
        action: notify
        channels: [ops-hook]
`);
    expect(result.checks).toEqual([]);
    expect(result.steps[1]).toMatchObject({ reachable: true, happyPath: 'skipped' });
  });

  it('approval-nobody, and the steps behind an approval nobody can give are never reached', async () => {
    const result = await plan(`      - id: approve
        action: approval
        approvers: { team: ops, role: director }
      - { id: after, action: command, argv: [go] }
`);
    expect(codes(result, 'approval-nobody')).toEqual([
      expect.objectContaining({
        severity: 'error',
        step: 'approve',
        message: expect.stringContaining('nobody in team `ops` has role `director`'),
      }),
    ]);
    expect(codes(result, 'step-unreachable')).toEqual([
      expect.objectContaining({
        step: 'after',
        message: 'step `after` is never reached: no run gets past step `approve`',
      }),
    ]);
    expect(result.steps[0]?.happyPath).toBe('waits-forever');
  });

  it('an approval nobody can give but that times out only blocks itself', async () => {
    const result = await plan(`      - id: approve
        action: approval
        approvers: { team: empty }
        timeout: 10m
      - { id: after, action: command, argv: [go] }
`);
    expect(codes(result, 'approval-nobody').map((d) => [d.severity, d.message])).toEqual([
      ['error', 'nobody can give approval `approve`: team `empty` has no members'],
      [
        'warning',
        expect.stringContaining('nobody is asked to answer step `approve`: team `empty` has no channel'),
      ],
    ]);
    expect(result.steps[1]).toMatchObject({ reachable: true, happyPath: 'runs' });
    expect(codes(result, 'step-unreachable')).toEqual([]);
  });

  it('manual-nobody: an assignee nobody matches, and a request no channel carries', async () => {
    const result = await plan(`      - id: rotate
        action: manual
        instructions: Rotate the key.
        assignee: { team: ops, role: security }
      - id: call
        action: manual
        instructions: Call the vendor.
        assignee: { team: silent }
`);
    const found = codes(result, 'manual-nobody');
    expect(found.map((d) => [d.step, d.severity])).toEqual([
      ['rotate', 'warning'],
      ['call', 'warning'],
    ]);
    expect(found[0]?.message).toContain('nobody in team `ops` has role `security`');
    expect(found[1]?.message).toContain('team `silent` has no channel');
  });

  it('rollback-undoes-nothing and rollback-step-without-compensation', async () => {
    const result = await plan(`      - { id: check, action: run-check, check: api-up }
      - { id: undo-all, action: rollback }
      - { id: undo-check, action: rollback, steps: [check] }
`);
    expect(codes(result, 'rollback-undoes-nothing').map((d) => [d.step, d.severity])).toEqual([
      ['undo-all', 'error'],
      ['undo-check', 'error'],
    ]);
    expect(codes(result, 'rollback-step-without-compensation').map((d) => d.step)).toEqual(['undo-check']);
  });

  it('a rollback with something to undo is clean', async () => {
    const result = await plan(`      - id: degrade
        action: set-client-mode
        mode: degraded
        compensate: { action: set-client-mode, mode: normal }
      - { id: undo, action: rollback, steps: [degrade] }
`);
    expect(result.checks).toEqual([]);
  });

  it('rollback-unknown-step: a rollback that names a later step (in a workspace built in memory)', async () => {
    const workspace = await load({
      'lifeline.yaml': `${BASE}include: [playbooks.yaml]\n`,
      'playbooks.yaml': playbookYaml(`      - { id: undo, action: rollback }
      - { id: later, action: set-client-mode, mode: cached, compensate: { action: set-client-mode, mode: normal } }
`),
    });
    const [playbook] = workspace.playbooks;
    const edited: Workspace = {
      ...workspace,
      playbooks: [
        {
          ...playbook!,
          steps: [{ id: 'undo', action: 'rollback', steps: ['later', 'ghost'] }, playbook!.steps[1]!],
        },
      ],
    };
    const found = codes(planOf(edited, 'pb'), 'rollback-unknown-step');
    expect(found.map((d) => d.message)).toEqual([
      'rollback `undo` undoes `later`, which comes after it and has not run yet',
      'rollback `undo` undoes `ghost`, which is not a step of this playbook',
    ]);
  });

  it('guard-undoes-nothing, and a playbook rollback with nothing to undo', async () => {
    const result = await plan(
      `      - id: cache
        action: set-client-mode
        mode: cached
        guard: { when: { signal: failures, check: api-up, count: 2, within: 2m }, within: 5m }
`,
      { extra: '    rollback:\n      when: [{ signal: failures, check: api-up, count: 3, within: 5m }]\n' },
    );
    expect(codes(result, 'guard-undoes-nothing').map((d) => d.step)).toEqual(['cache']);
    expect(codes(result, 'rollback-undoes-nothing')).toEqual([
      expect.objectContaining({ severity: 'warning', subject: 'playbook:pb' }),
    ]);
  });

  it('notify-nobody: a notify to a team without channels', async () => {
    const result = await plan(`      - { id: tell, action: notify, teams: [silent] }
`);
    expect(codes(result, 'notify-nobody')).toEqual([
      expect.objectContaining({
        severity: 'error',
        step: 'tell',
        message: 'step `tell` sends to nobody: team `silent` has no channel',
      }),
    ]);
  });

  it('channel-undeliverable: a channel kind the daemon cannot deliver to', async () => {
    const steps = `      - { id: tell, action: notify, channels: [ops-slack] }
`;
    const result = await plan(steps, { deliverableKinds: ['webhook'] });
    expect(codes(result, 'channel-undeliverable')).toEqual([
      expect.objectContaining({
        severity: 'error',
        step: 'tell',
        message:
          'channel `ops-slack` is a slack channel, which this version cannot deliver to; the message reaches nobody',
        hint: 'channels this version delivers to: webhook',
      }),
    ]);
    expect(
      codes(await plan(steps, { deliverableKinds: ['webhook', 'slack'] }), 'channel-undeliverable'),
    ).toEqual([]);
  });

  it('escalation-missing when neither the playbook nor its owner names a policy', async () => {
    const base = BASE.replace('    escalation: page-ops\n', '');
    const result = await plan(
      `      - { id: check, action: run-check, check: api-up }
`,
      { base },
    );
    expect(codes(result, 'escalation-missing')).toEqual([expect.objectContaining({ severity: 'warning' })]);
    expect(result.escalation.notifications).toEqual([]);
  });

  it('escalation-level-nobody and escalation-target-empty: levels that page nobody', async () => {
    const base = BASE.replace(
      '      - { after: 0m, notify: [{ team: ops }] }\n',
      '      - { after: 0m, notify: [{ team: ops }] }\n      - { after: 10m, notify: [{ team: silent }, { team: empty }] }\n',
    );
    const result = await plan(
      `      - { id: check, action: run-check, check: api-up }
`,
      { base },
    );
    expect(codes(result, 'escalation-target-empty').map((d) => d.message)).toEqual([
      'level 2 of policy `page-ops` notifies team `empty`, which reaches nobody: team `empty` has no members and no channels',
    ]);
    expect(codes(result, 'escalation-level-nobody')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'lifeline.yaml',
        message: expect.stringContaining('level 2 of policy `page-ops` notifies nobody'),
      }),
    ]);
    // The engine still pages bob at 10 minutes: the message is what has no way to reach him.
    expect(result.escalation.notifications.map((n) => [n.atMs / MINUTE, n.people])).toEqual([
      [0, ['alice']],
      [10, ['bob']],
    ]);
  });

  it('escalation-level-nobody is an error when no level reaches anyone', async () => {
    const base = BASE.replace('notify: [{ team: ops }]', 'notify: [{ team: silent }]');
    const result = await plan(
      `      - { id: check, action: run-check, check: api-up }
`,
      { base },
    );
    expect(codes(result, 'escalation-level-nobody').map((d) => d.severity)).toEqual(['warning', 'error']);
  });

  it('target-before-escalation: the acknowledge target breaches before the first level fires', async () => {
    const base = BASE.replace('{ after: 0m, notify', '{ after: 20m, notify');
    const result = await plan(
      `      - { id: check, action: run-check, check: api-up }
`,
      { base },
    );
    expect(codes(result, 'target-before-escalation')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message:
          'the acknowledge target (15m) is breached before anyone is paged: the first level of policy `page-ops` fires after 20m',
      }),
    ]);
    // The breach pages early: the engine fires the level at the SEV2 default acknowledge target.
    expect(result.escalation.notifications[0]).toMatchObject({
      atMs: 15 * MINUTE,
      reason: 'breach',
      target: 'acknowledge',
    });
    expect(result.responseTargets.map((t) => [t.kind, t.durationMs, t.source])).toEqual([
      ['acknowledge', 15 * MINUTE, 'default'],
      ['firstAction', 60 * MINUTE, 'default'],
      ['resolve', 8 * HOUR, 'default'],
    ]);
  });
});
