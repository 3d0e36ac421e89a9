/**
 * The real `/metrics` of a running daemon, linted by Prometheus's own `promtool check metrics`: a daemon on the
 * sandbox vendor with the HTTP API on 127.0.0.1, after a few checks, an incident, a delivery and a breached
 * response target. promtool exits non-zero and prints each problem (a counter without `_total`, a missing HELP,
 * a unit not in the name, …) when the exposition breaks the format or the naming conventions.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import {
  eventually,
  workspaceYaml,
  writeDaemonWorkspace,
  type TempWorkspace,
} from '../daemon/test-support/daemon-workspace.js';
import { startReceiver, type Receiver } from '../daemon/test-support/receiver.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { createServer } from '../server/create-server.js';
import { LifelineMetrics } from './lifeline-metrics.js';
import { sample } from './test-support/read-metrics.js';

const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = existsSync(PROMTOOL);

let sandbox: RunningSandbox;
let receiver: Receiver;
let workspace: TempWorkspace | undefined;
let daemon: RunningDaemon | undefined;
let server: FastifyInstance | undefined;

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  receiver = await startReceiver();
});

afterEach(async () => {
  await server?.close();
  await daemon?.stop();
  server = undefined;
  daemon = undefined;
  await receiver.close();
  await sandbox.close();
  await workspace?.remove();
});

describe.skipIf(!hasPromtool)(
  `/metrics of a running daemon (needs ${PROMTOOL}: apt install prometheus)`,
  () => {
    it('passes promtool check metrics after checks, an incident, deliveries and a breached target', async () => {
      workspace = await writeDaemonWorkspace({ sandboxUrl: sandbox.httpUrl, receiverUrl: receiver.url });
      // A 1 s acknowledge target that nobody meets, and an SLO for the attainment gauge.
      const yaml = workspaceYaml({ sandboxUrl: sandbox.httpUrl, receiverUrl: receiver.url })
        .replace('respond: { acknowledge: 1h,', 'respond: { acknowledge: 1s,')
        .replace('    owner: payments-team\n', '    owner: payments-team\n    slo: { availability: 99% }\n');
      await writeFile(join(workspace.dir, 'lifeline.yaml'), yaml);

      const metrics = new LifelineMetrics();
      daemon = await startDaemon({
        workspace: workspace.dir,
        watch: false,
        windowSliceMs: 100,
        evaluateEveryMs: 200,
        conditionPollMs: 100,
        resultFlushMs: 100,
        outbox: { pollMs: 100, backoff: { baseMs: 50, maxMs: 500 } },
        metrics,
      });
      server = createServer({ service: daemon.service, metrics });
      await server.listen({ host: '127.0.0.1', port: 0 });
      const address = server.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;

      const running = daemon;
      await eventually(
        async () => ((await running.service.health()).checks.completed >= 2 ? true : undefined),
        5000,
        'healthy results',
      );
      sandbox.setFaults('payments', { latencyMs: 600 });
      await eventually(
        async () => (await running.service.listIncidents({ status: 'triggered' })).items[0],
        8000,
        'an incident',
      );
      const breach = { severity: 'SEV2', target: 'acknowledge' };
      await eventually(
        async () =>
          (await sample(metrics, 'lifeline_response_target_breaches_total', breach)) ? true : undefined,
        5000,
        'the acknowledge target breach',
      );
      await eventually(() => receiver.deliveries[0], 3000, 'a delivery');
      await eventually(
        async () =>
          (await sample(metrics, 'lifeline_delivery_duration_seconds_count', {
            channel_kind: 'webhook',
            outcome: 'delivered',
          }))
            ? true
            : undefined,
        3000,
        'a timed delivery',
      );

      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      expect(text).toMatch(
        /^lifeline_check_results_total\{integration="payments",check="charges-up",class="(ok|slow)"\} \d+$/m,
      );
      expect(text).toMatch(/^lifeline_check_duration_seconds_bucket\{le="\+Inf",integration="payments"/m);
      expect(text).toMatch(/^lifeline_scheduler_lag_seconds_count [1-9]\d*$/m);
      expect(text).toMatch(/^lifeline_incidents_open\{severity="SEV2",status="triggered"\} 1$/m);
      expect(text).toMatch(
        /^lifeline_response_target_breaches_total\{severity="SEV2",target="acknowledge"\} 1$/m,
      );
      expect(text).toMatch(/^lifeline_slo_attainment_ratio\{integration="payments"\} (0|1|0\.\d+)$/m);
      expect(text).toMatch(/^lifeline_slo_objective_ratio\{integration="payments"\} 0\.99$/m);
      expect(text).toMatch(/^lifeline_outbox_pending \d+$/m);
      expect(text).toMatch(/^lifeline_outbox_oldest_pending_age_seconds \d/m);
      expect(text).toMatch(
        /^lifeline_delivery_duration_seconds_count\{channel_kind="webhook",outcome="delivered"\} /m,
      );
      expect(text).toMatch(/^lifeline_store_operation_duration_seconds_count\{operation="applyDecision"\} /m);
      expect(text).toMatch(/^lifeline_process_cpu_seconds_total /m);

      const lint = await promtoolCheck(text);
      expect(lint.output.trim()).toBe('');
      expect(lint.code).toBe(0);
    }, 30_000);
  },
);
