/**
 * The daemon end to end, with real parts: the sandbox vendor, SQLite, the scheduler and a webhook receiver.
 * A slow vendor opens an incident, escalation reaches the receiver on schedule, acknowledging stops it, and a
 * healthy vendor resolves it; a daemon stopped mid-escalation and started again fires the overdue level and
 * delivers nothing twice.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { createServer } from '../server/create-server.js';
import { openSqliteStore } from '../store/index.js';
import { startDaemon, type RunningDaemon } from './daemon.js';
import {
  eventually,
  writeDaemonWorkspace,
  WEBHOOK_SECRET,
  type TempWorkspace,
} from './test-support/daemon-workspace.js';
import { startReceiver, type Delivery, type Receiver } from './test-support/receiver.js';
import type { DaemonOptions } from './daemon-options.js';

let sandbox: RunningSandbox;
let receiver: Receiver;
let workspace: TempWorkspace;
const daemons: RunningDaemon[] = [];

const FAST: Omit<DaemonOptions, 'workspace'> = {
  watch: false,
  windowSliceMs: 100,
  evaluateEveryMs: 200,
  conditionPollMs: 100,
  resultFlushMs: 100,
  outbox: { pollMs: 100, backoff: { baseMs: 50, maxMs: 500 } },
};

async function daemon(): Promise<RunningDaemon> {
  const started = await startDaemon({
    workspace: workspace.dir,
    ...FAST,
    ...(process.env.DEBUG_DAEMON
      ? {
          logger: {
            info: (m: string, f?: object) => console.error('INFO', Date.now(), m, JSON.stringify(f)),
            warn: (m: string, f?: object) => console.error('WARN', Date.now(), m, JSON.stringify(f)),
            error: (m: string, f?: object) => console.error('ERROR', Date.now(), m, JSON.stringify(f)),
          },
        }
      : {}),
  });
  daemons.push(started);
  return started;
}

const escalations = (level: number) => (d: Delivery) =>
  d.body.kind === 'escalation' && d.body.level === level;

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  receiver = await startReceiver();
});

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await receiver.close();
  await sandbox.close();
  await workspace?.remove();
});

describe('startDaemon', () => {
  it('opens an incident on a slow vendor, escalates on schedule, stops on acknowledge and resolves on recovery', async () => {
    workspace = await writeDaemonWorkspace({ sandboxUrl: sandbox.httpUrl, receiverUrl: receiver.url });
    const running = await daemon();
    await eventually(
      async () => ((await running.service.health()).checks.completed >= 2 ? true : undefined),
      5000,
      'healthy results',
    );

    sandbox.setFaults('payments', { latencyMs: 600 });
    const faultAt = Date.now();
    const opened = await eventually(
      async () => (await running.service.listIncidents({ status: 'triggered' })).items[0],
      8000,
      'an incident',
    );
    // `for: 1s` plus one (slow) check run and the evaluation, with slack for a shared machine.
    expect(Date.now() - faultAt).toBeLessThan(5000);
    expect(opened.playbookId).toBe('payments-slow');
    expect(opened.problem).toMatch(/^Payments p95 latency is \d+ms \(threshold 400ms\)$/);

    const first = await eventually(() => receiver.deliveries.find(escalations(0)), 3000, 'level 1');
    const second = await eventually(() => receiver.deliveries.find(escalations(1)), 4000, 'level 2');
    // On schedule: level 1 at once, level 2 one second after the incident opened, never earlier.
    expect(first.at - opened.openedAt).toBeLessThan(1000);
    expect(second.at - opened.openedAt).toBeGreaterThanOrEqual(950);
    expect(second.at - opened.openedAt).toBeLessThan(2500);
    expect(first.body.incident).toBe(opened.id);

    // Signed as documented: sha256=HMAC(secret, "<timestamp>.<body>").
    const timestamp = String(first.headers['x-lifeline-timestamp']);
    const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${first.raw}`).digest('hex')}`;
    expect(first.headers['x-lifeline-signature']).toBe(expected);
    expect(first.key).toBe(`${opened.id}:notify:1:0:0@hook`);

    // The API answers lists again from their bytes while no incident changed; the acknowledgement is one.
    const api = createServer({ service: running.service, read: running.read, dashboard: false });
    const listed = () => api.inject({ method: 'GET', url: '/api/v1/incidents' });
    const before = await listed();
    expect(before.json<{ items: { status: string }[] }>().items[0]?.status).toBe('triggered');
    expect((await listed()).headers.etag).toBe(before.headers.etag);

    const ack = await running.service.command({ kind: 'acknowledge', incidentId: opened.id, actor: 'alice' });
    expect(ack.outcome).toEqual({ kind: 'ok' });
    expect(ack.incident?.status).toBe('acknowledged');
    const after = await api.inject({
      method: 'GET',
      url: '/api/v1/incidents',
      headers: { 'if-none-match': String(before.headers.etag) },
    });
    expect(after.statusCode).toBe(200);
    expect(after.json<{ items: { status: string }[] }>().items[0]?.status).toBe('acknowledged');
    const payments = async () =>
      (await api.inject({ method: 'GET', url: '/api/v1/integrations' }))
        .json<{ items: { id: string; openIncidents: number }[] }>()
        .items.find((i) => i.id === 'payments');
    expect(await payments()).toMatchObject({ openIncidents: 1 });

    // Level 3 (`after: 3s, unless: acknowledged`) is due now; it must be skipped, not sent.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opened.openedAt + 3600 - Date.now())));
    expect(receiver.deliveries.filter(escalations(2))).toEqual([]);

    sandbox.reset();
    const resolved = await eventually(
      async () => {
        const incident = await running.service.getIncident(opened.id);
        return incident?.status === 'resolved' ? incident : undefined;
      },
      10_000,
      'resolution',
    );
    expect(resolved.resolution).toMatchObject({ automatic: true });
    await eventually(
      () => receiver.deliveries.find((d) => d.body.kind === 'resolved'),
      3000,
      'the resolved message',
    );

    const steps = Object.fromEntries(resolved.run.steps.map((s) => [s.stepId, s]));
    expect(steps.throttle).toMatchObject({ status: 'succeeded' });
    expect(steps.probe).toMatchObject({ status: 'succeeded', detail: 'token ok' });
    expect(steps.missing).toMatchObject({ status: 'failed' });
    expect(steps.missing?.detail).toMatch(/command not found: lifeline-no-such-binary-xyz/);
    expect(steps.tell).toMatchObject({ status: 'succeeded' });
    expect(
      receiver.deliveries.some(
        (d) => d.body.kind === 'step' && String(d.body.text).startsWith('Payments is slow'),
      ),
    ).toBe(true);
    expect(resolved.timeline.filter((e) => e.kind === 'escalated')).toHaveLength(2);
    expect(receiver.duplicates()).toEqual([]);

    expect(await payments()).toMatchObject({ openIncidents: 0 });
    await api.close();
    const health = await running.service.health();
    expect(health).toMatchObject({ ok: true, incidents: { open: 0 }, store: { ok: true } });
    expect(health.store.path).toBe(join(workspace.dir, '.lifeline', 'lifeline.db'));

    // The client mode the `throttle` step set is in engine_state, with its expiry, for clients to read.
    await running.stop();
    const store = await openSqliteStore({ path: health.store.path });
    const snapshot = await store.loadEngineSnapshot({ now: Date.now(), reopenWindowMs: 0 });
    await store.close();
    const mode = snapshot.engineState.find((e) => e.key === 'client-mode:payments')?.document;
    expect(mode).toMatchObject({
      integration: 'payments',
      mode: 'throttled',
      rate: '10/s',
      incidentId: opened.id,
    });
    expect((mode as { until: number }).until - (mode as { setAt: number }).setAt).toBe(10 * 60_000);
  });

  it('fires overdue timers on restart and delivers nothing twice', async () => {
    workspace = await writeDaemonWorkspace({
      sandboxUrl: sandbox.httpUrl,
      receiverUrl: receiver.url,
      levels: ['{ after: 0s, notify: [{ channel: hook }] }', '{ after: 2s, notify: [{ channel: hook }] }'],
      steps: ["{ id: tell, action: notify, channels: [hook], message: 'slow' }"],
    });
    const first = await daemon();
    sandbox.setFaults('payments', { latencyMs: 600 });
    const opened = await eventually(
      async () => (await first.service.listIncidents({})).items[0],
      8000,
      'an incident',
    );
    await eventually(() => receiver.deliveries.find(escalations(0)), 3000, 'level 1');
    await first.stop();
    daemons.splice(daemons.indexOf(first), 1);
    expect(receiver.deliveries.filter(escalations(1))).toEqual([]);

    // Level 2 falls due while no daemon runs.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opened.openedAt + 2300 - Date.now())));
    const startedAt = Date.now();
    const second = await daemon();
    const late = await eventually(
      () => receiver.deliveries.find(escalations(1)),
      3000,
      'the overdue level 2',
    );
    expect(late.at - startedAt).toBeLessThan(2500);
    const incident = await second.service.getIncident(opened.id);
    expect(incident?.timeline.filter((e) => e.kind === 'escalated')).toHaveLength(2);

    // Let the new daemon's dispatcher run a while: nothing already delivered may come again.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(receiver.deliveries.filter(escalations(0))).toHaveLength(1);
    expect(receiver.duplicates()).toEqual([]);
    expect((await second.service.listIncidents({})).items).toHaveLength(1);
  });
});
