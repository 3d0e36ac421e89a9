/**
 * Check throughput and scheduling lag. A local upstream (a separate process, so its CPU is not ours) answers
 * small JSON; Lifeline runs 10,000 HTTP checks against it through the real runner (request building,
 * classification, signatures), and in the same run a bare undici loop makes the same requests at the same
 * concurrency: the baseline. Then the scheduler runs 1,000 checks a second for a while and reports its lag.
 *
 *   npm run build && npm run bench -- checks [--checks 10000] [--concurrency 64] [--rate 1000] [--seconds 10]
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadWorkspace } from '../packages/lifeline/dist/workspace/load-workspace.js';
import { checksOf, type Workspace } from '../packages/lifeline/dist/workspace/model.js';
import { runChecks } from '../packages/lifeline/dist/checks/run-checks.js';
import { createCheckRegistry } from '../packages/lifeline/dist/checks/registry.js';
import { runCheck } from '../packages/lifeline/dist/checks/runner.js';
import { Scheduler, systemClock } from '../packages/lifeline/dist/checks/scheduler/index.js';

const UPSTREAM = `
const http = require('node:http');
const body = JSON.stringify({ object: 'list', data: [{ id: 'ch_1', amount: 1999 }], has_more: false });
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

interface Measure {
  ms: number;
  cpuMs: number;
}

async function measure(fn: () => Promise<void>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      checks: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '64' },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
    },
  });
  const total = Number(values.checks);
  const concurrency = Number(values.concurrency);
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-checks-'));
  writeFileSync(join(dir, 'upstream.cjs'), UPSTREAM);
  const upstream = fork(join(dir, 'upstream.cjs'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve) => upstream.once('message', (p) => resolve(Number(p))));
    const workspace = await generatedWorkspace(dir, total, `http://127.0.0.1:${port}`);
    const declared = checksOf(workspace);
    const urls = declared.map(({ integration }) => `${integration.baseUrl}/v1/charges`);

    // Warm both paths (JIT, connections) before measuring.
    await runChecks(declared.slice(0, 500), { workspace, now: Date.now }, { concurrency });
    await bareLoop(urls.slice(0, 500), concurrency);

    const heapBefore = process.memoryUsage().heapUsed;
    const ours = await measure(async () => {
      const results = await runChecks(declared, { workspace, now: Date.now }, { concurrency });
      const failed = results.filter((r) => !r.ok);
      if (failed.length) throw new Error(`${failed.length} checks failed: ${failed[0]!.message}`);
    });
    const heapAfter = process.memoryUsage().heapUsed;
    const bare = await measure(() => bareLoop(urls, concurrency));

    const lag = await schedulerLag(workspace, Number(values.rate), Number(values.seconds));

    const perSecond = (m: Measure) => (total / m.ms) * 1000;
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
    console.log(`${total} HTTP checks, concurrency ${concurrency}, upstream in a separate process`);
    console.log(
      `lifeline runChecks: ${perSecond(ours).toFixed(0)} checks/s, ${(ours.cpuMs / (total / 1000)).toFixed(0)} CPU-ms per 1,000 checks`,
    );
    console.log(
      `bare undici loop:   ${perSecond(bare).toFixed(0)} requests/s, ${(bare.cpuMs / (total / 1000)).toFixed(0)} CPU-ms per 1,000 requests`,
    );
    console.log(
      `ratio lifeline / bare: ${(perSecond(ours) / perSecond(bare)).toFixed(2)}x throughput  [goal ≥ 0.8x]`,
    );
    console.log(
      `memory: ~${Math.max(0, (heapAfter - heapBefore) / total).toFixed(0)} bytes of heap per check after a full run`,
    );
    console.log(
      `scheduler at ${lag.rate} checks/s for ${lag.seconds}s: ${lag.completed} runs, lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms  [goal p99 < 100 ms]`,
    );
  } finally {
    upstream.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bareLoop(urls: readonly string[], concurrency: number): Promise<void> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      const res = await request(url, { dispatcher: agent, headers: { accept: 'application/json' } });
      JSON.parse(await res.body.text());
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await agent.close();
}

async function schedulerLag(workspace: Workspace, rate: number, seconds: number) {
  const registry = createCheckRegistry();
  const declared = checksOf(workspace).slice(0, rate);
  const scheduler = new Scheduler({ clock: systemClock, maxPerHost: 256, onResult: () => undefined });
  scheduler.schedule(
    declared.map((d) => ({
      id: d.check.id,
      host: new URL(d.integration.baseUrl).host,
      intervalMs: 1000,
      timeoutMs: 5000,
      run: (signal: AbortSignal, scheduledAt: number) =>
        runCheck(d, { workspace, now: Date.now, registry, signal, scheduledAt }),
    })),
  );
  scheduler.start();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await scheduler.stop();
  await registry.dispose();
  const stats = scheduler.stats();
  const round = (v: number | null) => (v === null ? 'n/a' : v.toFixed(1));
  return {
    rate: declared.length,
    seconds,
    completed: stats.completed,
    p50: round(stats.lag.p50),
    p99: round(stats.lag.p99),
    max: round(stats.lag.max),
  };
}

async function generatedWorkspace(dir: string, total: number, baseUrl: string): Promise<Workspace> {
  const ws = join(dir, 'workspace');
  mkdirSync(join(ws, 'integrations'), { recursive: true });
  writeFileSync(
    join(ws, 'lifeline.yaml'),
    'version: 1\nname: bench\ninclude: [integrations/*.yaml]\nteams:\n  - { id: t, name: T, members: [] }\n',
  );
  const perIntegration = 100;
  for (let i = 0; i < total / perIntegration; i++) {
    const checks = Array.from(
      { length: perIntegration },
      (_, c) =>
        `      - { id: c${i}-${c}, kind: http, endpoint: list, every: 1s, timeout: 5s, expect: { status: [200] } }`,
    );
    writeFileSync(
      join(ws, 'integrations', `v${i}.yaml`),
      `integrations:\n  - id: v${i}\n    name: V${i}\n    owner: t\n    baseUrl: ${baseUrl}\n    auth: { type: none }\n    endpoints:\n      - { id: list, method: GET, path: /v1/charges }\n    checks:\n${checks.join('\n')}\n`,
    );
  }
  const result = await loadWorkspace(ws);
  if (!result.workspace)
    throw new Error(`generated workspace invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.workspace;
}
