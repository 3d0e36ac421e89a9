/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, which `.ci/run` installs) with a webhook
 * receiver pointing at the daemon, authorised by the workspace's alert token: an alert posted to Alertmanager's
 * API opens an incident through a playbook that matches it, and resolving it there clears the signal (and the
 * success criteria resolve the incident). Skipped, saying so in its title, where the binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../daemon/test-support/daemon-workspace.js';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import type { Incident } from '../engine/index.js';
import { createServer } from '../server/create-server.js';
import { checkoutAlertWorkspace } from './test-support/checkout-alert-workspace.js';

const BINARY = '/usr/bin/prometheus-alertmanager';
const INSTALLED = existsSync(BINARY);
const TOKEN = 'am-webhook-token-51c2';

const WORKSPACE = checkoutAlertWorkspace({
  name: 'alertmanager-test',
  alert: 'CheckoutErrors',
  problem: '{{alert}} {{labels}}: {{summary}}',
  token: '${env:LIFELINE_ALERT_TOKEN}',
});

function alertmanagerYaml(webhookUrl: string): string {
  return `route:
  receiver: lifeline
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: lifeline
    webhook_configs:
      - url: ${webhookUrl}
        send_resolved: true
        http_config:
          authorization:
            credentials: ${TOKEN}
`;
}

/** A port free on loopback now (Alertmanager takes no port 0). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

let dir: string;
let daemon: RunningDaemon;
let closeApi: () => Promise<void>;
let alertmanager: ChildProcess | undefined;
let amUrl: string;
let amLog = '';

async function postToAlertmanager(alert: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([alert]),
  });
  if (response.status !== 200)
    throw new Error(`Alertmanager answered ${response.status}: ${await response.text()}`);
}

const title = INSTALLED
  ? 'a real Alertmanager with a webhook receiver'
  : `a real Alertmanager (skipped: ${BINARY} is not installed; .ci/run installs it)`;

describe.skipIf(!INSTALLED)(title, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-alertmanager-'));
    await writeFile(join(dir, 'lifeline.yaml'), WORKSPACE);
    daemon = await startDaemon({
      workspace: dir,
      watch: false,
      evaluateEveryMs: 200,
      env: { LIFELINE_ALERT_TOKEN: TOKEN },
    });
    const app = createServer({ service: daemon.service, alerts: daemon.alerts });
    const apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    closeApi = () => app.close();

    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    await writeFile(join(dir, 'alertmanager.yml'), alertmanagerYaml(`${apiUrl}/api/v1/alerts/alertmanager`));
    alertmanager = spawn(
      BINARY,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    alertmanager.stderr?.on('data', (chunk: Buffer) => (amLog += chunk.toString()));
    await eventually(
      async () => {
        if (alertmanager?.exitCode !== null) throw new Error(`alertmanager exited: ${amLog}`);
        const ready = await fetch(`${amUrl}/-/ready`).catch(() => undefined);
        return ready?.ok ? true : undefined;
      },
      10_000,
      'Alertmanager to be ready',
    );
  }, 20_000);

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager!.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    await closeApi?.();
    await daemon?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens an incident for a matching alert and clears the signal when Alertmanager resolves it', async () => {
    const labels = { alertname: 'CheckoutErrors', env: 'prod', service: 'checkout', severity: 'page' };
    const startsAt = new Date(Date.now() - 1000).toISOString();
    await postToAlertmanager({ labels, annotations: { summary: 'Checkout error rate above 5%' }, startsAt });

    const opened = await eventually(
      async () => (await daemon.service.listIncidents({})).items[0],
      8000,
      `an incident (Alertmanager log: ${amLog || 'empty'})`,
    );
    // List items are summaries; `signalActive` is on the detail.
    expect(await daemon.service.getIncident(opened.id)).toMatchObject({
      playbookId: 'checkout-errors',
      status: 'triggered',
      signalActive: true,
      problem:
        'CheckoutErrors {alertname="CheckoutErrors",env="prod",service="checkout",severity="page"}: Checkout error rate above 5%',
    });

    await postToAlertmanager({ labels, startsAt, endsAt: new Date(Date.now() - 500).toISOString() });
    const cleared = await eventually(
      async () => {
        const incident: Incident | undefined = await daemon.service.getIncident(opened.id);
        return incident && !incident.signalActive ? incident : undefined;
      },
      8000,
      'the signal to clear',
    );
    expect(cleared.timeline.map((entry) => entry.kind)).toContain('signal-cleared');
    expect(cleared.status).toBe('resolved');
  }, 20_000);
});
