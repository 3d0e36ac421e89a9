/**
 * Test-only: a small workspace written to a temporary directory, pointing at an in-process sandbox and a
 * webhook receiver: one integration (the sandbox's payments vendor) checked every second (the loader's minimum),
 * one playbook that opens an incident when p95 latency is above 400 ms for 1 s and resolves when it is back below
 * 300 ms for 1 s, an escalation policy with second-scale delays, and steps that exercise the action executors.
 *
 * The trigger's window (5 s) is much longer than a check's interval plus its latency on purpose: a window that
 * empties between two results is "no data", which restarts the `for` hold, so on a loaded machine a 2 s window
 * over 1 s checks taking 600 ms might never hold for a whole second.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_CREDENTIALS } from '../../sandbox/index.js';

export const WEBHOOK_SECRET = 'whsec_test_lifeline_daemon';

export interface DaemonWorkspaceOptions {
  sandboxUrl: string;
  receiverUrl: string;
  /** YAML list items of the escalation policy's levels (indented by the caller-agnostic helper below). */
  levels?: string[];
  /** YAML list items of the playbook's steps. */
  steps?: string[];
  /** The payments integration's `slo`, as a YAML flow mapping; without it the integration has none. */
  slo?: string;
}

export const DEFAULT_LEVELS = [
  '{ after: 0s, notify: [{ channel: hook }] }',
  '{ after: 1s, notify: [{ team: payments-team }] }',
  '{ after: 3s, unless: acknowledged, notify: [{ person: alice }] }',
];

export const DEFAULT_STEPS = [
  '{ id: throttle, action: set-client-mode, mode: throttled, rate: 10/s, ttl: 10m }',
  `{ id: probe, action: command, argv: [${JSON.stringify(process.execPath)}, -e, "process.stdout.write(process.env.TOKEN === 'sk_cmd' ? 'token ok' : 'no token')"], env: { TOKEN: '\${file:command-token}' } }`,
  '{ id: missing, action: command, argv: [lifeline-no-such-binary-xyz], onFailure: continue }',
  "{ id: tell, action: notify, channels: [hook], message: 'Payments is slow ({{value}})' }",
];

export function workspaceYaml(options: DaemonWorkspaceOptions): string {
  const list = (items: string[], indent: string) => items.map((item) => `${indent}- ${item}`).join('\n');
  return `version: 1
name: daemon-test
teams:
  - id: payments-team
    name: Payments
    escalation: fast
    channels: [hook]
    members:
      - { id: alice, name: Alice, roles: [lead] }
channels:
  - id: hook
    kind: webhook
    url: ${options.receiverUrl}/hook
    secret: \${file:hook-secret}
  - id: pager
    kind: pagerduty
    routingKey: \${file:hook-secret}
severities:
  - id: SEV2
    name: Major
    respond: { acknowledge: 1h, firstAction: 1h, resolve: 1h }
escalationPolicies:
  - id: fast
    levels:
${list(options.levels ?? DEFAULT_LEVELS, '      ')}
integrations:
  - id: payments
    name: Payments
    owner: payments-team
    baseUrl: ${options.sandboxUrl}/payments
    auth: { type: bearer, token: '\${file:payments-key}' }
    apiVersion: { value: '${SANDBOX_CREDENTIALS.payments.apiVersion}', in: header, name: Pay-Version }
    endpoints:
      - { id: list-charges, method: GET, path: /v1/charges }
    checks:
      - { id: charges-up, kind: http, endpoint: list-charges, every: 1s, timeout: 2s }
${options.slo !== undefined ? `    slo: ${options.slo}\n` : ''}playbooks:
  - id: payments-slow
    name: Payments slow
    integration: payments
    severity: SEV2
    problem: 'Payments p95 latency is {{value}} (threshold {{threshold}})'
    trigger:
      when:
        - { signal: latency, check: charges-up, percentile: p95, above: 400ms, window: 5s, for: 1s }
    steps:
${list(options.steps ?? DEFAULT_STEPS, '      ')}
    success:
      when:
        - { signal: latency, check: charges-up, percentile: p95, below: 300ms, window: 1s }
      for: 1s
`;
}

export interface TempWorkspace {
  dir: string;
  remove(): Promise<void>;
}

export async function writeDaemonWorkspace(options: DaemonWorkspaceOptions): Promise<TempWorkspace> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeline-daemon-'));
  await writeFile(join(dir, 'lifeline.yaml'), workspaceYaml(options));
  await writeFile(join(dir, 'payments-key'), SANDBOX_CREDENTIALS.payments.apiKey);
  await writeFile(join(dir, 'hook-secret'), WEBHOOK_SECRET);
  await writeFile(join(dir, 'command-token'), 'sk_cmd');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Polls `probe` every 50 ms until it returns something defined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
