/**
 * Traces from a real daemon (sandbox vendor, SQLite, scheduler, webhook receiver) at a real OTLP/HTTP receiver:
 * scheduled checks, the playbook's steps and the escalation's deliveries arrive as spans with their attributes
 * and no secret; and a daemon whose collector is not there runs, and stops, as if tracing were off, with one
 * warning.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import type { DaemonOptions } from '../daemon/daemon-options.js';
import type { DaemonLogger } from '../daemon/logger.js';
import {
  eventually,
  writeDaemonWorkspace,
  WEBHOOK_SECRET,
  type TempWorkspace,
} from '../daemon/test-support/daemon-workspace.js';
import { startReceiver, type Receiver } from '../daemon/test-support/receiver.js';
import { SANDBOX_CREDENTIALS, startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './test-support/otlp-receiver.js';
import { createTracing } from './tracing.js';

let sandbox: RunningSandbox;
let receiver: Receiver;
let collector: OtlpReceiver | undefined;
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

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  receiver = await startReceiver();
  workspace = await writeDaemonWorkspace({ sandboxUrl: sandbox.httpUrl, receiverUrl: receiver.url });
});

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await collector?.close();
  collector = undefined;
  await receiver.close();
  await sandbox.close();
  await workspace.remove();
});

function warnings(): DaemonLogger & { warned: string[] } {
  const warned: string[] = [];
  return { warned, info: () => undefined, warn: (m) => warned.push(m), error: () => undefined };
}

const named = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

describe('daemon traces', () => {
  it('sends check, step and delivery spans with their attributes to the OTLP endpoint', async () => {
    collector = await startOtlpReceiver();
    const tracing = await createTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      { scheduledDelayMillis: 50 },
    );
    const running = await startDaemon({ workspace: workspace.dir, ...FAST, tracing });
    daemons.push(running);

    const check = await eventually(
      () => named(collector!.spans, 'check payments/charges-up')[0],
      8000,
      'a check span',
    );
    expect(check.serviceName).toBe('lifeline');
    expect(check.attributes).toMatchObject({
      'lifeline.integration': 'payments',
      'lifeline.check': 'charges-up',
      'lifeline.check.kind': 'http',
      'lifeline.result.class': 'ok',
      'lifeline.result.ok': true,
      'http.response.status_code': 200,
    });
    expect(check.attributes['lifeline.check.latency_ms']).toBeTypeOf('number');
    expect(check.statusCode).not.toBe(2);

    sandbox.setFaults('payments', { latencyMs: 600 });
    const incident = await eventually(
      async () => (await running.service.listIncidents({ status: 'triggered' })).items[0],
      8000,
      'an incident',
    );
    const step = (id: string) => named(collector!.spans, `step payments-slow/${id}`)[0];
    await eventually(() => (step('probe') && step('missing') ? true : undefined), 8000, 'step spans');
    expect(step('throttle')?.attributes).toMatchObject({
      'lifeline.incident': incident.id,
      'lifeline.playbook': 'payments-slow',
      'lifeline.step': 'throttle',
      'lifeline.step.action': 'set-client-mode',
      'lifeline.step.attempt': 1,
      outcome: 'succeeded',
    });
    expect(step('probe')?.attributes).toMatchObject({
      'lifeline.step.action': 'command',
      outcome: 'succeeded',
    });
    expect(step('missing')?.attributes).toMatchObject({ outcome: 'failed' });
    expect(step('missing')?.statusCode).toBe(2);

    const delivery = await eventually(
      () => named(collector!.spans, 'deliver hook')[0],
      8000,
      'a delivery span',
    );
    expect(delivery.attributes).toMatchObject({
      'lifeline.channel': 'hook',
      'lifeline.channel.kind': 'webhook',
      'lifeline.incident': incident.id,
      outcome: 'delivered',
    });

    // Ids, kinds and outcomes only: no secret, no URL.
    const everything = JSON.stringify(collector.spans.map((s) => s.attributes));
    for (const secret of [
      WEBHOOK_SECRET,
      'sk_cmd',
      SANDBOX_CREDENTIALS.payments.apiKey,
      receiver.url,
      sandbox.httpUrl,
    ])
      expect(everything).not.toContain(secret);
  });

  it('runs and stops normally when no collector listens, with one warning', async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const { port } = idle.address() as AddressInfo;
    await new Promise<void>((resolve) => idle.close(() => resolve()));

    const logger = warnings();
    const tracing = await createTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      { logger, scheduledDelayMillis: 20, exportTimeoutMillis: 500, shutdownTimeoutMillis: 1000 },
    );
    const running = await startDaemon({ workspace: workspace.dir, ...FAST, logger, tracing });
    await eventually(
      async () => ((await running.service.health()).checks.completed >= 3 ? true : undefined),
      8000,
      'three check results',
    );
    await eventually(() => (logger.warned.length > 0 ? true : undefined), 5000, 'the export warning');
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    const traceWarnings = logger.warned.filter((m) => /exporting traces failed/.test(m));
    expect(traceWarnings).toHaveLength(1);
  });
});
