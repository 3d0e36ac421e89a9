/**
 * Check throughput and scheduling lag. A local upstream (a separate process, so its CPU is not ours) answers
 * small JSON; Lifeline runs 10,000 HTTP checks against it through the real runner (request building,
 * classification, signatures), and in the same run a bare undici loop makes the same requests at the same
 * concurrency: the baseline (the two alternate for a few rounds; medians are reported). Then the scheduler runs
 * 1,000 checks a second for a while and reports its lag.
 *
 *   npm run build && npm run bench -- checks [--checks 10000] [--concurrency 64] [--rate 1000] [--seconds 10]
 *                                            [--warmup 3000] [--rounds 3]
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { loadWorkspace } from '../packages/lifeline/dist/workspace/load-workspace.js';
import { checksOf, type DeclaredCheck, type Workspace } from '../packages/lifeline/dist/workspace/model.js';
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
      warmup: { type: 'string', default: '3000' },
      rounds: { type: 'string', default: '3' },
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
    // The baseline does what our checks need and no more: it parses the JSON body only if a check would.
    const parseJson = declared.some(({ check }) => readsJsonBody(check));

    // Warm both paths (JIT, connections) before measuring. Long enough for V8 to have optimised the hot code:
    // much of it (undici, streams, timers) is shared, and whatever is still compiled during our measured run
    // (on a background thread, competing with the upstream for the cores) would be a free gift to the baseline
    // measured after it. With 500 per side, `node --trace-opt` shows ~110 functions (~1 s of compile time)
    // optimised inside our measured run; with 3,000, ~30 (mostly Node internals).
    const warmup = Math.min(total, Number(values.warmup));
    await runChecks(declared.slice(0, warmup), { workspace, now: Date.now }, { concurrency });
    await bareLoop(urls.slice(0, warmup), concurrency, parseJson);

    // Alternate the two sides for a few rounds and report each side's median, so that a burst of load from
    // elsewhere on the machine does not land on one side only.
    const rounds = Math.max(1, Number(values.rounds));
    const oursRuns: Measure[] = [];
    const bareRuns: Measure[] = [];
    let heapPerCheck = 0;
    for (let round = 0; round < rounds; round++) {
      const heapBefore = process.memoryUsage().heapUsed;
      oursRuns.push(
        await measure(async () => {
          const results = await runChecks(declared, { workspace, now: Date.now }, { concurrency });
          const failed = results.filter((r) => !r.ok);
          if (failed.length) throw new Error(`${failed.length} checks failed: ${failed[0]!.message}`);
        }),
      );
      if (round === 0) heapPerCheck = (process.memoryUsage().heapUsed - heapBefore) / total;
      bareRuns.push(await measure(() => bareLoop(urls, concurrency, parseJson)));
    }
    const ours = median(oursRuns);
    const bare = median(bareRuns);

    const lag = await schedulerLag(workspace, Number(values.rate), Number(values.seconds));

    const perSecond = (m: Measure) => (total / m.ms) * 1000;
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
    console.log(
      `${total} HTTP checks, concurrency ${concurrency}, upstream in a separate process; ` +
        `keep-alive to one origin on both sides; baseline ${parseJson ? 'parses' : 'reads but does not parse'} the JSON body as the checks do; ` +
        `${warmup} warm-up requests per side`,
    );
    console.log(
      `lifeline runChecks: ${perSecond(ours).toFixed(0)} checks/s, ${(ours.cpuMs / (total / 1000)).toFixed(0)} CPU-ms per 1,000 checks`,
    );
    console.log(
      `bare undici loop:   ${perSecond(bare).toFixed(0)} requests/s, ${(bare.cpuMs / (total / 1000)).toFixed(0)} CPU-ms per 1,000 requests`,
    );
    const each = oursRuns.map((m, i) => `${(perSecond(m) / perSecond(bareRuns[i]!)).toFixed(2)}x`).join(', ');
    console.log(
      `ratio lifeline / bare: ${(perSecond(ours) / perSecond(bare)).toFixed(2)}x throughput  [goal ≥ 0.8x]` +
        `  (medians of ${rounds} alternating rounds; per round ${each})`,
    );
    console.log(`memory: ~${Math.max(0, heapPerCheck).toFixed(0)} bytes of heap per check after a full run`);
    console.log(
      `scheduler at ${lag.rate} checks/s for ${lag.seconds}s: ${lag.completed} runs, lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms  [goal p99 < 100 ms]`,
    );
  } finally {
    upstream.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each side's median wall time and median CPU time over the rounds. */
function median(runs: readonly Measure[]): Measure {
  const middle = (values: number[]): number => {
    const sorted = values.sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  return { ms: middle(runs.map((r) => r.ms)), cpuMs: middle(runs.map((r) => r.cpuMs)) };
}

/** True when a check looks into the JSON body (body assertions, schema validation). */
function readsJsonBody(check: DeclaredCheck['check']): boolean {
  if (check.kind === 'schema') return true;
  return check.kind === 'http' && (check.expect?.body?.length ?? 0) > 0;
}

/** The same requests with bare undici: one keep-alive agent, the body read in full, parsed only if asked. */
async function bareLoop(urls: readonly string[], concurrency: number, parseJson: boolean): Promise<void> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      const res = await request(url, { dispatcher: agent, headers: { accept: 'application/json' } });
      const text = await res.body.text();
      if (parseJson) JSON.parse(text);
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
