/**
 * The read API and the dashboard under a realistic store: 10,000 checks (1,000 integrations × 10, each with an
 * SLO), 1,000 open incidents and 24 h of check-result rollups, served by the built CLI's `lifeline up` in a child
 * process, so that the load generator's own work does not share the server's event loop and the figures are the
 * API's. Access control is on: every request carries a viewer token made in the store before the daemon starts,
 * and the dashboard is signed in with it. Before the load the benchmark waits for `/healthz` and then for the
 * daemon's start-up work to settle: it polls `GET /api/v1/integrations` (every page) until every item carries
 * `slo.computedAt`, i.e. the health board's background SLO pass has been through every integration. The checks
 * point at a closed loopback port and by default run once a day on their stable phases, so the scheduler stays
 * quiet (a few refused connections during the run); the playbooks' triggers cannot fire.

 * 1. Latency at `--connections` concurrent clients (undici workers looping on one keep-alive Pool, latencies in
 *    an HDR histogram), `--duration` seconds each after a warm-up: `GET /healthz` (the baseline, same run),
 *    `GET /api/v1/incidents?limit=50`, `GET /api/v1/integrations` (its default page of 100, served from the
 *    daemon's in-memory health board).
 *    Requests still unanswered `--grace` seconds after the window are aborted and counted with their time so far
 *    (a lower bound, shown as ≥).
 * 2. Dashboard first load in Chromium, signed in with the token: a fresh context per load, `/` until the
 *    overview's integration rows are visible. Judged on when the browser painted the rows (the Largest Contentful
 *    Paint entry of a row, from navigation start); also printed: the page's own `lifeline:integrations-shown`
 *    mark, when Playwright saw the rows (its injected script and polling included) and loadEventEnd; median of
 *    `--loads`.
 *
 * The store is seeded directly before the daemon opens it: incidents decided one by one as in bench/engine.ts
 * (incident, timeline and timer rows; no outbox rows, so nothing is delivered during the run), results through
 * `recordCheckResults` spread over the last 24 h.
 *
 *   npm run build && npm run bench -- api [--checks 10000] [--incidents 1000] [--duration 10] [--results 24]
 *                                         [--connections 100] [--warmup 2] [--grace 10] [--loads 5]
 *                                         [--check-every 24h]
 *
 * `--check-every 30s` runs the checks for real during the load (each refused at once by the closed port, and
 * retried as the checks' failure class says), so the lists change as the API is asked for them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import type { CheckResult } from '../packages/lifeline/dist/checks/check-result.js';
import { issueToken } from '../packages/lifeline/dist/auth/issue-token.js';
import { failureSignature } from '../packages/lifeline/dist/checks/signature.js';
import { compileEngineConfig, type EngineEvent } from '../packages/lifeline/dist/engine/index.js';
import { openSqliteStore } from '../packages/lifeline/dist/store/index.js';
import { loadWorkspace } from '../packages/lifeline/dist/workspace/load-workspace.js';
import type { Workspace } from '../packages/lifeline/dist/workspace/model.js';
import { fmt, fmtRate, median, positive, progress } from './support/figures.js';
import { seedIncidents } from './support/seed-incidents.js';
import {
  CLI,
  SETTLE_TIMEOUT_MS,
  startServer,
  stopServer,
  untilHealthy,
  untilSloPassed,
  type Server,
} from './support/api-server.js';
import { dashboardLoads } from './support/first-loads.js';
import { load, once, settle, type Load } from './support/http-load.js';

const CHECKS_PER_INTEGRATION = 10;
const DAY_MS = 86_400_000;
/** Incidents per seeding transaction; results per `recordCheckResults` call. */
const RESULT_BATCH = 20_000;

interface Options {
  checks: number;
  /** The checks' `every`, in the workspace's duration format. */
  checkEvery: string;
  incidents: number;
  results: number;
  durationMs: number;
  warmupMs: number;
  graceMs: number;
  connections: number;
  loads: number;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      checks: { type: 'string', default: '10000' },
      incidents: { type: 'string', default: '1000' },
      results: { type: 'string', default: '24' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      grace: { type: 'string', default: '10' },
      connections: { type: 'string', default: '100' },
      loads: { type: 'string', default: '5' },
      'check-every': { type: 'string', default: '24h' },
    },
  });
  const options: Options = {
    checks: positive('checks', values.checks),
    checkEvery: values['check-every'],
    incidents: positive('incidents', values.incidents),
    results: positive('results', values.results),
    durationMs: positive('duration', values.duration) * 1000,
    warmupMs: positive('warmup', values.warmup) * 1000,
    graceMs: positive('grace', values.grace) * 1000,
    connections: positive('connections', values.connections),
    loads: positive('loads', values.loads),
  };
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-api-'));
  try {
    await run(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(dir: string, options: Options): Promise<void> {
  const integrations = Math.max(1, Math.round(options.checks / CHECKS_PER_INTEGRATION));
  const closedPort = await unusedPort();
  progress(`workspace: ${integrations} integrations × ${CHECKS_PER_INTEGRATION} checks`);
  const workspace = await generatedWorkspace(
    join(dir, 'workspace'),
    integrations,
    closedPort,
    options.checkEvery,
  );
  const storePath = join(dir, 'workspace', '.lifeline', 'lifeline.db');
  const now = Date.now();
  progress(`seeding ${options.incidents} incidents`);
  const incidentsMs = await seedApiIncidents(storePath, workspace, options.incidents, now);
  progress(`seeding ${options.results} results per check over 24 h`);
  const seeded = await seedResults(storePath, workspace, options.results, now);
  // Every request carries a viewer token, as a shared dashboard or a scraper would: access control is on.
  const token = await viewerToken(storePath, now);

  progress(`starting \`lifeline up\` in a child process (${CLI})`);
  const server = startServer(join(dir, 'workspace'), storePath);
  try {
    await measureAgainst(server, integrations, options, token, { incidentsMs, seeded });
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  }
}

async function measureAgainst(
  server: Server,
  integrations: number,
  options: Options,
  token: string,
  seeding: { incidentsMs: number; seeded: { results: number; failures: number; ms: number } },
): Promise<void> {
  const { incidentsMs, seeded } = seeding;
  const startedAt = performance.now();
  const apiUrl = await server.apiUrl;
  const headers = { authorization: `Bearer ${token}` };
  const probe = new Pool(apiUrl, { connections: 1 });
  await untilHealthy(probe);
  const startMs = performance.now() - startedAt;
  progress(`  listening at ${apiUrl}; waiting for the SLO pass (slo.computedAt on every integration)`);
  const settled = await untilSloPassed(probe, headers, SETTLE_TIMEOUT_MS);
  await probe.close();
  const settleMs = performance.now() - startedAt - startMs;

  const pool = new Pool(apiUrl, { connections: options.connections, pipelining: 1 });
  const routes = [
    { name: 'GET /healthz (baseline)', path: '/healthz' },
    { name: 'GET /api/v1/incidents?limit=50', path: '/api/v1/incidents?limit=50' },
    {
      name: `GET /api/v1/integrations (page of ${Math.min(100, integrations)} of ${integrations})`,
      path: '/api/v1/integrations',
    },
  ];
  // Each route once alone, twice (the first also compiles), before any load: the time one request takes.
  const alone: { bytes: number; ms: number }[] = [];
  for (const route of routes) {
    await once(pool, route.path, headers);
    alone.push(await once(pool, route.path, headers));
  }
  const measured: Load[] = [];
  for (const route of routes) {
    progress(`${route.name}: warm-up ${options.warmupMs / 1000} s, then ${options.durationMs / 1000} s`);
    const warm = await load(
      pool,
      route.path,
      headers,
      options.connections,
      options.warmupMs,
      options.graceMs,
    );
    if (warm.unanswered > 0) await settle();
    const figures = await load(
      pool,
      route.path,
      headers,
      options.connections,
      options.durationMs,
      options.graceMs,
    );
    measured.push(figures);
    // The aborted requests' handlers keep the server busy until their read timeout; let them end first.
    if (figures.unanswered > 0) await settle();
  }
  const health = await pool.request({ path: '/healthz', method: 'GET', headers });
  const { checks } = (await health.body.json()) as { checks: { completed: number; lagP99Ms: number | null } };
  await pool.close();

  progress(`dashboard: ${options.loads} first loads in Chromium`);
  const firstLoads = await dashboardLoads(apiUrl, token, options.loads);

  const exit = await stopServer(server);
  if (exit !== 0) progress(`\`lifeline up\` ended with ${exit}:\n${server.log.join('\n')}`);

  const baseline = measured[0]!;
  const apiGoal = (m: Load) => m.unanswered === 0 && m.errors === 0 && m.p99 < 50;
  // Judged on the browser's own paint time of the rows; Playwright's sighting adds its own injected script and
  // polling (~0.3 s on the 2-core machine), so it is printed beside it, not judged.
  const dashboard = median(firstLoads.map((l) => l.paintedMs));
  const goals = {
    incidents: apiGoal(measured[1]!),
    integrations: apiGoal(measured[2]!),
    dashboard: dashboard < 1000,
  };
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(`load average: ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `store: ${integrations} integrations × ${CHECKS_PER_INTEGRATION} checks (SLO on each integration), ` +
      `${options.incidents} open incidents (seeded in ${fmt(incidentsMs)} ms), ${fmt(seeded.results)} results ` +
      `(${options.results} per check over 24 h, ${fmt(seeded.failures)} failing) in ${fmt(seeded.ms)} ms; ` +
      `\`lifeline up\` in its own process: /healthz answered ${fmt(startMs)} ms after spawn, ` +
      (settled.every
        ? `SLO pass settled (slo.computedAt on all ${settled.total}) ${fmt(settleMs)} ms later`
        : `SLO pass NOT settled after ${fmt(settleMs)} ms (${settled.computed} of ${settled.total} computed)`) +
      `; stopped with SIGTERM: exit ${exit}`,
  );
  console.log(
    `checks: every ${options.checkEvery}; ${fmt(checks.completed)} completed by the daemon before the dashboard ` +
      `loads, scheduling lag p99 ${checks.lagP99Ms === null ? '-' : `${fmt(checks.lagP99Ms)} ms`}`,
  );
  console.log(
    `load: ${options.connections} concurrent clients on one keep-alive undici Pool, ` +
      `${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s per route; ` +
      `one request alone, before the load: ${alone.map((a) => `${ms(a.ms)} (${fmt(a.bytes / 1024)} KiB)`).join(' / ')}`,
  );
  console.log('');
  console.log('| route | answered | req/s | p50 | p95 | p99 | max | p99 vs /healthz | goal |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  measured.forEach((m, i) => {
    const bound = m.unanswered > 0 ? '≥ ' : '';
    const goal = i === 0 ? '—' : `p99 < 50 ms: ${apiGoal(m) ? 'met' : 'NOT met'}`;
    console.log(
      `| ${routes[i]!.name} | ${fmt(m.answered)}${m.unanswered ? ` (+${m.unanswered} unanswered)` : ''}` +
        `${m.errors ? ` (${m.errors} errors)` : ''} | ${fmtRate(m.perSecond)} | ${bound}${ms(m.p50)} | ` +
        `${bound}${ms(m.p95)} | ${bound}${ms(m.p99)} | ${bound}${ms(m.max)} | ` +
        `${i === 0 ? '1x' : `${(m.p99 / baseline.p99).toFixed(1)}x`} | ${goal} |`,
    );
  });
  console.log('');
  console.log(
    `dashboard first load (median of ${firstLoads.length}): integration rows painted ${fmt(dashboard)} ms ` +
      `after navigation start by Largest Contentful Paint (each: ${firstLoads.map((l) => fmt(l.paintedMs)).join(', ')} ms); ` +
      `the page's own mark ${fmt(median(firstLoads.map((l) => l.shownMs)))} ms; seen by Playwright ` +
      `${fmt(median(firstLoads.map((l) => l.visibleMs)))} ms after goto ` +
      `(each: ${firstLoads.map((l) => fmt(l.visibleMs)).join(', ')} ms); ` +
      `loadEventEnd ${fmt(median(firstLoads.map((l) => l.loadEventEndMs)))} ms  [goal < 1 s: ` +
      `${goals.dashboard ? 'met' : 'NOT met'}]`,
  );
  const met = Object.values(goals).filter(Boolean).length;
  console.log(`goals met: ${met} of ${Object.keys(goals).length}`);
}

// ─── the workload ──────────────────────────────────────────────────────────────────────────────────────────────

async function generatedWorkspace(
  dir: string,
  integrations: number,
  closedPort: number,
  checkEvery: string,
): Promise<Workspace> {
  mkdirSync(join(dir, 'integrations'), { recursive: true });
  writeFileSync(
    join(dir, 'lifeline.yaml'),
    [
      'version: 1',
      'name: bench-api',
      'include: [integrations/*.yaml]',
      'teams:',
      ...Array.from(
        { length: 4 },
        (_, t) =>
          `  - { id: team-${t}, name: Team ${t}, escalation: default, members: [{ id: person-${t}, name: Person ${t}, roles: [on-call] }] }`,
      ),
      'channels:',
      `  - { id: ops, kind: webhook, url: "http://127.0.0.1:${closedPort}/hooks/ops" }`,
      'severities:',
      '  - { id: SEV2, name: Major, respond: { acknowledge: 24h, firstAction: 48h, resolve: 72h } }',
      'escalationPolicies:',
      '  - id: default',
      '    levels:',
      '      - { after: 0s, notify: [{ channel: ops }] }',
      '      - { after: 24h, unless: acknowledged, notify: [{ team: team-1 }] }',
    ].join('\n') + '\n',
  );
  const perFile = 100;
  for (let f = 0; f * perFile < integrations; f++) {
    const lines = ['integrations:'];
    const books = ['playbooks:'];
    for (let i = f * perFile; i < Math.min(integrations, (f + 1) * perFile); i++) {
      const checks = Array.from(
        { length: CHECKS_PER_INTEGRATION },
        (_, c) =>
          `      - { id: v${i}-c${c}, kind: http, endpoint: list, every: ${checkEvery}, timeout: 5s }`,
      );
      lines.push(`  - id: vendor-${i}
    name: Vendor ${i}
    owner: team-${i % 4}
    baseUrl: http://127.0.0.1:${closedPort}
    auth: { type: none }
    endpoints:
      - { id: list, method: GET, path: /v1/items }
    slo:
      latency: [{ percentile: p95, below: 800ms }]
      errorRate: { below: 1% }
    checks:
${checks.join('\n')}`);
      books.push(`  - id: vendor-${i}-slow
    name: Vendor ${i} slow
    integration: vendor-${i}
    covers: [server-error]
    severity: SEV2
    problem: "Vendor ${i} p95 is {{value}}"
    trigger: { when: [{ signal: latency, check: v${i}-c0, percentile: p95, above: 60s, for: 1h }] }
    steps:
      - { id: tell, action: notify, channels: [ops] }`);
    }
    writeFileSync(
      join(dir, 'integrations', `file-${String(f).padStart(3, '0')}.yaml`),
      `${lines.join('\n')}\n${books.join('\n')}\n`,
    );
  }
  const result = await loadWorkspace(dir);
  if (!result.workspace)
    throw new Error(`generated workspace invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.workspace;
}

/** One firing per incident over the last hour, each with its own failure signature; no outbox rows (nothing to deliver). */
async function seedApiIncidents(storePath: string, workspace: Workspace, total: number, now: number) {
  const firings: EngineEvent[] = Array.from({ length: total }, (_, i) => {
    const playbook = workspace.playbooks[i % workspace.playbooks.length]!;
    return {
      kind: 'signal-fired',
      playbookId: playbook.id,
      signature: failureSignature({
        integration: playbook.integration,
        endpoint: '/v1/items',
        class: 'server-error',
        status: 500 + (i % 4),
        errorCode: `E${i}`,
      }),
      values: { value: '42%', threshold: '20%' },
      checks: [`${playbook.integration.replace('vendor-', 'v')}-c0`],
      signal: 'latency p95 above 60 s',
    };
  });
  const openAt = (i: number) => now - 3_600_000 + Math.floor((i * 3_600_000) / total);
  const seeded = await seedIncidents(storePath, compileEngineConfig(workspace), firings, openAt);
  return seeded.ms;
}

/**
 * `perCheck` results per check, evenly spread over the last 24 h with jitter; ~3 % fail (server errors), the
 * latencies are log-normal around ~120 ms. A fixed seed: every run stores the same results.
 */
/** A viewer token in the store, made as `lifeline token create --role viewer` makes it. */
async function viewerToken(storePath: string, now: number): Promise<string> {
  const store = await openSqliteStore({ path: storePath });
  try {
    return (await issueToken(store, { name: 'bench-viewer', role: 'viewer', now })).token;
  } finally {
    await store.close();
  }
}

async function seedResults(storePath: string, workspace: Workspace, perCheck: number, now: number) {
  const start = performance.now();
  const store = await openSqliteStore({ path: storePath });
  const random = mulberry32(42);
  let batch: CheckResult[] = [];
  let results = 0;
  let failures = 0;
  const step = DAY_MS / perCheck;
  for (const integration of workspace.integrations) {
    for (const check of integration.checks ?? []) {
      for (let k = 0; k < perCheck; k++) {
        const startedAt = Math.floor(now - DAY_MS + k * step + random() * step * 0.9);
        const ok = random() >= 0.03;
        const latencyMs = Math.round(Math.exp(4.8 + 0.5 * gaussian(random)));
        batch.push({
          integration: integration.id,
          check: check.id,
          kind: 'http',
          ok,
          class: ok ? 'ok' : 'server-error',
          status: ok ? 200 : 503,
          latencyMs,
          signature: ok
            ? ''
            : failureSignature({
                integration: integration.id,
                endpoint: '/v1/items',
                class: 'server-error',
                status: 503,
              }),
          message: ok ? 'ok' : 'HTTP 503',
          startedAt,
          scheduledAt: startedAt,
          attempts: 1,
        });
        results++;
        if (!ok) failures++;
        if (batch.length >= RESULT_BATCH) {
          await store.recordCheckResults(batch);
          batch = [];
        }
      }
    }
  }
  if (batch.length) await store.recordCheckResults(batch);
  await store.close();
  return { results, failures, ms: performance.now() - start };
}

// ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────────

/** A loopback port nothing listens on (bound once, then released). */
async function unusedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function ms(value: number): string {
  return value >= 100 ? `${fmt(value)} ms` : `${value.toFixed(1)} ms`;
}
