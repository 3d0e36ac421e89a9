/**
 * Inbound alerts through a real daemon (SQLite, the HTTP API on loopback): a generic alert opens an incident at
 * once through a playbook with an `alert` trigger, with the alert's name, labels and summary in its problem
 * statement; the alert book survives a restart; and the resolve clears the trigger and meets the success
 * criteria, which resolve the incident as for any other signal.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.js';
import { startDaemon, type RunningDaemon } from './daemon.js';
import type { DaemonOptions } from './daemon-options.js';
import { checkoutAlertWorkspace } from '../alerts/test-support/checkout-alert-workspace.js';

const WORKSPACE = checkoutAlertWorkspace({
  name: 'alert-test',
  alert: 'HighErrorRate',
  problem: '{{alert}} on {{labels.service}}: {{summary}}',
});

// The sweep is far away: whatever happens within a test happens because alerts arrived.
const OPTIONS: Omit<DaemonOptions, 'workspace'> = { watch: false, evaluateEveryMs: 600_000 };

let dir: string;
const running: { daemon: RunningDaemon; close: () => Promise<void> }[] = [];

async function start(): Promise<{ daemon: RunningDaemon; url: string }> {
  const daemon = await startDaemon({ workspace: dir, ...OPTIONS });
  const app = createServer({ service: daemon.service, alerts: daemon.alerts });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const close = async () => {
    await app.close();
    await daemon.stop();
  };
  running.push({ daemon, close });
  return { daemon, url };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const ALERT = {
  name: 'HighErrorRate',
  labels: { env: 'prod', service: 'checkout', severity: 'page' },
  annotations: { summary: 'Checkout error rate above 5%' },
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-alerts-'));
  await writeFile(join(dir, 'lifeline.yaml'), WORKSPACE);
});

afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
  await rm(dir, { recursive: true, force: true });
});

describe('inbound alerts in the daemon', () => {
  it('opens an incident at once, keeps the alert across a restart, and resolves on the resolve', async () => {
    const first = await start();
    const other = await post(first.url, { ...ALERT, labels: { ...ALERT.labels, env: 'dev' } });
    expect(other.status).toBe(202);
    expect((await first.daemon.service.listIncidents({})).items).toEqual([]);

    const fired = await post(first.url, ALERT);
    expect(fired).toEqual({ status: 202, body: { accepted: 1 } });
    const [opened, ...more] = (await first.daemon.service.listIncidents({})).items;
    expect(more).toEqual([]);
    expect(opened).toMatchObject({
      playbookId: 'checkout-errors',
      status: 'triggered',
      problem: 'HighErrorRate on checkout: Checkout error rate above 5%',
    });

    // A restarted daemon reads the book back: the alert still fires, so nothing clears or resolves.
    await running.pop()!.close();
    const second = await start();
    const again = await post(second.url, { name: 'Unrelated' });
    expect(again.status).toBe(202);
    const kept = await second.daemon.service.getIncident(opened!.id);
    expect(kept).toMatchObject({ status: 'triggered', signalActive: true });

    const resolved = await post(second.url, { ...ALERT, status: 'resolved' });
    expect(resolved).toEqual({ status: 202, body: { accepted: 1 } });
    const after = await second.daemon.service.getIncident(opened!.id);
    expect(after).toMatchObject({ status: 'resolved', signalActive: false });
    expect(after!.timeline.map((entry) => entry.kind)).toEqual(
      expect.arrayContaining(['signal-cleared', 'resolved']),
    );
    expect((await second.daemon.service.listIncidents({})).items).toHaveLength(1);
  });
});
