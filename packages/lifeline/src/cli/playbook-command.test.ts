/**
 * `lifeline playbook list` and `lifeline playbook plan`, run in-process through `run()`: output, JSON shapes and
 * exit codes, on the acme example and on small workspaces written to a temp directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelSchema } from '../workspace/schema/response.js';
import { run } from './main.js';
import type { Output } from './output.js';
import { deliverableChannelKinds } from './playbook-command.js';

const ACME = fileURLToPath(new URL('../../../../examples/acme', import.meta.url));
const ESCAPE = String.fromCharCode(27);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) };
  const code = await run(['node', 'lifeline', ...args], output);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const BROKEN_PLAYBOOK = `version: 1
name: broken-plan
teams:
  - id: ops
    name: Ops
    escalation: page-ops
    channels: [hook]
    members:
      - { id: alice, name: Alice }
channels:
  - { id: hook, kind: webhook, url: 'http://127.0.0.1:9/hook' }
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
playbooks:
  - id: api-down
    name: API down
    integration: api
    severity: SEV1
    problem: 'API is down'
    trigger:
      when: [{ signal: failure-class, check: api-up, class: unreachable }]
    steps:
      - { id: sign-off, action: approval, approvers: { team: ops, role: director } }
      - { id: undo, action: rollback }
`;

describe('lifeline playbook list', () => {
  it('lists the playbooks of the acme example', async () => {
    const { code, stdout, stderr } = await cli('playbook', 'list', ACME);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/payments-latency\s+payments\s+SEV2\s+5 steps\s+Payments vendor slow/);
    expect(stdout).toContain('when payments-charges-up: p95 latency above 800ms over 2m for 1m');
    expect(stdout).toContain('5 playbooks');
    expect(stdout).not.toContain(ESCAPE);
  });

  it('--json prints {playbooks: [{id, name, integration, severity, trigger, steps}]}', async () => {
    const { code, stdout } = await cli('playbook', 'list', '--json', ACME);
    expect(code).toBe(0);
    const { playbooks } = JSON.parse(stdout) as { playbooks: Record<string, unknown>[] };
    expect(playbooks).toHaveLength(5);
    expect(playbooks.find((p) => p.id === 'shipping-outage')).toEqual({
      id: 'shipping-outage',
      name: 'Shipping vendor failing',
      integration: 'shipping',
      severity: 'SEV2',
      trigger:
        'error rate above 20% over 5m for 1m or shipping-rates-up: 3 failures (unreachable, timeout) within 2m',
      steps: 2,
    });
  });
});

describe('lifeline playbook plan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-plan-cli-'));
    await writeFile(join(dir, 'lifeline.yaml'), BROKEN_PLAYBOOK);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a readable plan of an acme playbook and exits 0', async () => {
    const { code, stdout, stderr } = await cli(
      'playbook',
      'plan',
      'payments-latency',
      ACME,
      '--value',
      'value=1.4s',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const section of ['Incident', 'Response targets', 'Escalation  payments-default', 'Steps', 'Checks'])
      expect(stdout).toContain(`\n${section}`);
    expect(stdout).toContain('Payments p95 latency is 1.4s (target 800ms); checkout is slowing down.');
    expect(stdout).toMatch(/acknowledge\s+within 15m/);
    expect(stdout).toMatch(/\+15m\s+level 2 notifies alice, erin/);
    expect(stdout).toMatch(/approvers\s+team payments-team \(role lead\) → alice/);
    expect(stdout).toContain('no problems found');
    expect(stdout).not.toContain(ESCAPE);
  });

  it('--json prints the plan object', async () => {
    const { code, stdout } = await cli('playbook', 'plan', 'payments-latency', ACME, '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as Record<string, unknown> & {
      steps: { id: string }[];
      checks: unknown[];
    };
    expect(Object.keys(plan)).toEqual([
      'playbook',
      'trigger',
      'incident',
      'responseTargets',
      'escalation',
      'steps',
      'followUps',
      'deliverableChannelKinds',
      'checks',
    ]);
    expect(plan.steps.map((s) => s.id)).toEqual([
      'confirm',
      'throttle',
      'tell-payments',
      'approve-degraded',
      'degrade',
    ]);
    expect(plan.checks).toEqual([]);
  });

  it('exits 1 when a check finds an error, and lists the findings with file:line:col', async () => {
    const { code, stdout } = await cli('playbook', 'plan', 'api-down', dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /lifeline\.yaml:35:9 {2}error {2}approval-nobody {2}nobody can give approval `sign-off`/,
    );
    expect(stdout).toContain('rollback-undoes-nothing');
    expect(stdout).toContain('step-unreachable');
    expect(stdout).toMatch(/✘ 3 errors/);
    const json = await cli('playbook', 'plan', 'api-down', dir, '--json');
    expect(json.code).toBe(1);
    const plan = JSON.parse(json.stdout) as { checks: { code: string; step?: string; line?: number }[] };
    expect(plan.checks.map((d) => [d.code, d.step])).toEqual([
      ['approval-nobody', 'sign-off'],
      ['step-unreachable', 'undo'],
      ['rollback-undoes-nothing', 'undo'],
    ]);
  });

  it('exits 2 on an unknown playbook, with a suggestion', async () => {
    const { code, stdout, stderr } = await cli('playbook', 'plan', 'payments-latncy', ACME);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('lifeline: unknown playbook `payments-latncy` — did you mean `payments-latency`?');
  });

  it('exits 2 on a malformed --value, and without a playbook id', async () => {
    const bad = await cli('playbook', 'plan', 'payments-latency', ACME, '--value', 'oops');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--value needs NAME=VALUE');
    const missing = await cli('playbook', 'plan');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'id'");
  });

  it('exits 2 on an invalid workspace, printing its diagnostics', async () => {
    const invalid = await mkdtemp(join(tmpdir(), 'lifeline-plan-invalid-'));
    try {
      await writeFile(join(invalid, 'lifeline.yaml'), 'version: 1\nname: x\nteams: nope\n');
      const text = await cli('playbook', 'plan', 'anything', invalid);
      expect(text.code).toBe(2);
      expect(text.stderr).toContain('The workspace is invalid');
      const json = await cli('playbook', 'list', invalid, '--json');
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false });
    } finally {
      await rm(invalid, { recursive: true, force: true });
    }
  });
});

describe('deliverableChannelKinds', () => {
  it('asks the channels module, without sending anything: webhook and slack at least, only schema kinds', async () => {
    const kinds = await deliverableChannelKinds();
    const all = ChannelSchema.anyOf.map((s) => String(s.properties.kind.const));
    expect(kinds).toEqual(expect.arrayContaining(['webhook', 'slack']));
    expect(all).toEqual(expect.arrayContaining(kinds));
  });
});
