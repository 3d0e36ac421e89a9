/**
 * Changes linked to incidents in the real daemon (sandbox vendor, SQLite, scheduler): a deploy of the
 * integration recorded five minutes before a fault is the first change the opened incident lists, over the
 * API too; a global change nearer the trigger comes after it, and a change of an unrelated integration or one
 * older than the look-back is not listed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { createServer } from '../server/create-server.js';
import { startDaemon, type RunningDaemon } from './daemon.js';
import { eventually, writeDaemonWorkspace, type TempWorkspace } from './test-support/daemon-workspace.js';
import { startReceiver, type Receiver } from './test-support/receiver.js';

const MINUTE = 60_000;

let sandbox: RunningSandbox;
let receiver: Receiver;
let workspace: TempWorkspace;
let daemon: RunningDaemon | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  receiver = await startReceiver();
  workspace = await writeDaemonWorkspace({
    sandboxUrl: sandbox.httpUrl,
    receiverUrl: receiver.url,
    levels: ['{ after: 0s, notify: [{ channel: hook }] }'],
    steps: ["{ id: tell, action: notify, channels: [hook], message: 'slow' }"],
  });
});

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await receiver.close();
  await sandbox.close();
  await workspace.remove();
});

describe('changes linked to incidents by the daemon', () => {
  it('lists the deploy of the same integration made 5 minutes before the incident first', async () => {
    daemon = await startDaemon({
      workspace: workspace.dir,
      watch: false,
      windowSliceMs: 100,
      evaluateEveryMs: 200,
      resultFlushMs: 100,
      outbox: { pollMs: 100 },
    });
    const now = Date.now();
    const record = async (input: Parameters<RunningDaemon['changes']['record']>[0]) => {
      const outcome = await daemon!.changes.record(input);
      expect(outcome).toMatchObject({ kind: 'recorded', created: true });
    };
    await record({
      id: 'deploy-v42',
      integration: 'payments',
      kind: 'deploy',
      ref: 'v42',
      at: now - 5 * MINUTE,
    });
    await record({ id: 'maintenance', kind: 'vendor-notice', ref: 'dns-window', at: now - MINUTE });
    await record({
      id: 'too-old',
      integration: 'payments',
      kind: 'config',
      ref: 'x',
      at: now - 25 * 60 * MINUTE,
    });
    const other = await daemon.changes.record({ integration: 'elsewhere', kind: 'deploy', ref: 'y' });
    expect(other).toMatchObject({ kind: 'invalid', field: 'integration' });

    sandbox.setFaults('payments', { latencyMs: 600 });
    const opened = await eventually(
      async () => (await daemon!.service.listIncidents({ status: 'triggered' })).items[0],
      8000,
      'an incident',
    );
    expect(opened.triggeredAt - (now - 5 * MINUTE)).toBeGreaterThanOrEqual(5 * MINUTE);

    const incident = await daemon.service.getIncident(opened.id);
    const changes = (incident as { changes?: { id: string; relevance: string; afterTrigger: boolean }[] })
      .changes;
    expect(changes?.map((c) => [c.id, c.relevance, c.afterTrigger])).toEqual([
      ['deploy-v42', 'integration', false],
      ['maintenance', 'global', false],
    ]);

    // The same through the API, as `lifeline incident show` reads it.
    const app = createServer({ service: daemon.service, changes: daemon.changes });
    const response = await app.inject({ method: 'GET', url: `/api/v1/incidents/${opened.id}` });
    expect(response.statusCode).toBe(200);
    expect((JSON.parse(response.body) as { changes: { id: string }[] }).changes[0]?.id).toBe('deploy-v42');
    await app.close();
  });
});
