/**
 * `alert` signals and the `alerts:` key in a loaded workspace: decoded as written, a bad label regex is an
 * error at the label with a hint, and an inline alert token is flagged like any inline secret.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkspace } from '../workspace/load-workspace.js';

const workspace = (labels: string, token = '${env:LIFELINE_ALERT_TOKEN}') => `version: 1
name: alerts
alerts:
  token: ${token}
teams:
  - id: ops
    name: Ops
    members: [{ id: alice, name: Alice }]
integrations:
  - id: checkout
    name: Checkout
    owner: ops
    baseUrl: http://127.0.0.1:9
    auth: { type: none }
    endpoints:
      - { id: health, method: GET, path: /health }
playbooks:
  - id: checkout-errors
    name: Checkout errors
    integration: checkout
    severity: SEV2
    problem: '{{summary}}'
    trigger:
      when:
        - { signal: alert, alert: HighErrorRate, labels: ${labels}, severity: [page, critical], for: 2m }
    steps:
      - { id: look, action: manual, instructions: Look }
`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function load(yaml: string) {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-alert-signal-'));
  await writeFile(join(dir, 'lifeline.yaml'), yaml);
  return loadWorkspace(dir, { env: { LIFELINE_ALERT_TOKEN: 'x' } });
}

describe('alert signals in the workspace', () => {
  it('decodes the signal and the alert token as written', async () => {
    const result = await load(workspace(`{ env: '/prod|staging/', service: checkout }`));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.workspace?.playbooks[0]?.trigger.when[0]).toEqual({
      signal: 'alert',
      alert: 'HighErrorRate',
      labels: { env: '/prod|staging/', service: 'checkout' },
      severity: ['page', 'critical'],
      for: 120_000,
    });
    expect(result.workspace?.alerts).toEqual({ token: { source: 'env', name: 'LIFELINE_ALERT_TOKEN' } });
  });

  it('reports a label regex that does not compile, at the label', async () => {
    const result = await load(workspace(`{ env: '/prod|(staging/' }`));
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'invalid-value',
      line: 25,
      message: expect.stringContaining(
        'label `env`: `/prod|(staging/` is not a valid regular expression',
      ) as string,
      hint: expect.stringContaining('/prod|staging/') as string,
    });
  });

  it('flags an alert token written inline', async () => {
    const result = await load(workspace(`{ env: prod }`, 'sk_live_0123456789abcdef'));
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'secret-inline', severity: 'warning', line: 4 }),
    );
  });
});
