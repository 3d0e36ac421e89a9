/**
 * Live events from a real daemon (sandbox vendor, SQLite, scheduler): healthy results say `up` once, a slow
 * vendor opens an incident and its `incident` event arrives, a failing vendor turns the check and the
 * integration `down`, and stopping the daemon lets every listener go.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import {
  eventually,
  writeDaemonWorkspace,
  type TempWorkspace,
} from '../daemon/test-support/daemon-workspace.js';
import { startReceiver, type Receiver } from '../daemon/test-support/receiver.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import type { HubSignal } from './event-hub.js';
import type { LiveEvent } from './live-event.js';

let sandbox: RunningSandbox;
let receiver: Receiver;
let workspace: TempWorkspace | undefined;
let daemon: RunningDaemon | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  receiver = await startReceiver();
});

afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  await receiver.close();
  await sandbox.close();
  await workspace?.remove();
});

describe('daemon live events', () => {
  it('publishes check statuses and the incident a sandbox fault opens', async () => {
    workspace = await writeDaemonWorkspace({ sandboxUrl: sandbox.httpUrl, receiverUrl: receiver.url });
    daemon = await startDaemon({
      workspace: workspace.dir,
      watch: false,
      windowSliceMs: 100,
      evaluateEveryMs: 200,
      conditionPollMs: 100,
      resultFlushMs: 100,
      outbox: { pollMs: 100, backoff: { baseMs: 50, maxMs: 500 } },
    });
    const events: LiveEvent[] = [];
    const signals: HubSignal['kind'][] = [];
    daemon.events.open(undefined, (signal) => {
      signals.push(signal.kind);
      if (signal.kind === 'event') events.push(signal.event);
    });
    const of = <T extends LiveEvent['type']>(type: T) =>
      events.filter((e): e is Extract<LiveEvent, { type: T }> => e.type === type);

    await eventually(
      async () => ((await daemon?.service.health())?.checks.completed ?? 0) >= 3 || undefined,
      5000,
      'healthy results',
    );
    // Several healthy results, one status event each for the check and the integration.
    expect(of('check-status').map((e) => e.data)).toEqual([
      expect.objectContaining({ integration: 'payments', check: 'charges-up', status: 'up', class: 'ok' }),
    ]);
    expect(of('integration-status').map((e) => e.data)).toEqual([
      expect.objectContaining({ integration: 'payments', status: 'up' }),
    ]);

    sandbox.setFaults('payments', { latencyMs: 600 });
    const opened = await eventually(() => of('incident')[0], 8000, 'an incident event');
    expect(opened.data).toMatchObject({ integration: 'payments', status: 'triggered', severity: 'SEV2' });
    expect(opened.data.problem).toMatch(/^Payments p95 latency is \d+ms \(threshold 400ms\)$/);
    const incident = await daemon.service.getIncident(opened.data.id);
    expect(incident?.status).toBe('triggered');

    sandbox.setFaults('payments', { errorRate: 1, errorStatus: 503 });
    const down = await eventually(
      () => of('check-status').find((e) => e.data.status === 'down'),
      5000,
      'the check going down',
    );
    expect(down.data).toMatchObject({ class: 'server-error', previous: 'up' });
    await eventually(
      () => of('integration-status').find((e) => e.data.status === 'down'),
      2000,
      'the integration going down',
    );
    // Ids increase in the order events were sent.
    const seqs = events.map((e) => Number(e.id.slice(e.id.lastIndexOf('-') + 1)));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    await daemon.stop();
    daemon = undefined;
    expect(signals.at(-1)).toBe('closed');
  });
});
