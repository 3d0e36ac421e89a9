/**
 * The engine under load: 10,000 open incidents with running escalation timers in SQLite, against the real
 * EngineShell (decide + one store transaction per event, as `startDaemon` assembles it) over a real SQLite file.
 *
 * 0. Seeding: 10,000 distinct failure signatures open 10,000 incidents (four escalation levels, response targets,
 *    a notify step each). Each incident is decided on its own and the rows the shell would write are committed
 *    in batches: the same state and rows as 10,000 `applyEvent`s, without one store transaction per incident —
 *    only the size asked for is measured.
 * 1. Events per second with 10,000 open: `--events` more `signal-fired` events through `shell.applyEvent`.
 *    Baseline in the same run: the engine alone over the same events from the same state, in memory, as the shell
 *    runs it (`decideChanges` with the shell's timer index, changes applied in place: `ShellState`). For reference
 *    also the whole-state `decide` (`applyChanges` copies every record: O(state) per event).
 * 2. Timer lateness: the shell runs on the system clock and level 1 of every incident falls due within
 *    `--stagger` seconds (staggered by the incidents' open times); for each timer, commit time minus due time. A
 *    shell that cannot keep up is stopped `--grace` seconds after the last was due; the timers it had not fired
 *    by then count with their lateness so far (a lower bound, shown as ≥).
 * 3. Restart-to-resumed: from opening the store to the state rebuilt and the `--overdue` timers that fell due
 *    while no daemon ran fired — in this process, and in a fresh child process where module loading counts. The
 *    clock stands still at the restart moment, so exactly those timers are overdue.
 *
 * The incidents are opened at planned times, so their timers fall due when phase 2 wants them; phase 2 runs on
 * the system clock shifted by a constant: real time passing and real timers, with the planned due times lined up
 * with "a moment from now". Outbox rows stay pending: no dispatcher runs (it would try to deliver them).
 *
 *   npm run build && npm run bench -- engine [--incidents 10000] [--events 100] [--stagger 10] [--lead 2]
 *                                            [--grace 10] [--overdue 20] [--playbooks 100]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { failureSignature } from '../packages/lifeline/dist/checks/signature.js';
import { CriteriaWatch } from '../packages/lifeline/dist/daemon/criteria-watch.js';
import { EngineShell, ShellState } from '../packages/lifeline/dist/daemon/engine-shell.js';
import { silentLogger } from '../packages/lifeline/dist/daemon/logger.js';
import { stateFromSnapshot } from '../packages/lifeline/dist/daemon/state-records.js';
import {
  compileEngineConfig,
  decide,
  decideChanges,
  type Decision,
  type EngineConfig,
  type EngineEvent,
  type EngineState,
} from '../packages/lifeline/dist/engine/index.js';
import { openSqliteStore } from '../packages/lifeline/dist/store/index.js';
import { loadWorkspace } from '../packages/lifeline/dist/workspace/load-workspace.js';
import type { Workspace } from '../packages/lifeline/dist/workspace/model.js';
import { fmt, fmtRate, positive, progress } from './support/figures.js';
import { SEED_BATCH, seedIncidents } from './support/seed-incidents.js';
import { plannedClock, shiftedClock, stoppedClock } from './support/bench-clocks.js';
import { closeShell, openShell } from './support/engine-shell.js';

/** The escalation levels of every incident; level 1 is the one phases 2 and 3 line up. */
const LEVEL_DELAYS_S = [0, 30, 60, 120];
const MEASURED_LEVEL = 1;
/** Incidents opened (and thrown away) before the measured runs, so both sides run JIT-compiled code. */
const WARMUP = 300;
/** Incidents per seeding transaction. */

interface Options {
  incidents: number;
  events: number;
  playbooks: number;
  staggerMs: number;
  leadMs: number;
  graceMs: number;
  overdue: number;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      incidents: { type: 'string', default: '10000' },
      events: { type: 'string', default: '100' },
      playbooks: { type: 'string', default: '100' },
      stagger: { type: 'string', default: '10' },
      lead: { type: 'string', default: '2' },
      grace: { type: 'string', default: '10' },
      overdue: { type: 'string', default: '20' },
    },
  });
  const options: Options = {
    incidents: positive('incidents', values.incidents),
    events: positive('events', values.events),
    playbooks: positive('playbooks', values.playbooks),
    staggerMs: positive('stagger', values.stagger) * 1000,
    leadMs: positive('lead', values.lead) * 1000,
    graceMs: positive('grace', values.grace) * 1000,
    overdue: positive('overdue', values.overdue),
  };
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-engine-'));
  try {
    await run(dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(dir: string, options: Options): Promise<void> {
  const { incidents: total, staggerMs } = options;
  const workspace = await generatedWorkspace(join(dir, 'workspace'), options.playbooks);
  const config = compileEngineConfig(workspace);
  // Incident i opens at base + its share of the stagger window, so each of its levels falls due in that window;
  // the measured events of phase 1 come after it.
  const base = Date.now();
  const openAt = (i: number) =>
    i < total ? base + Math.floor((i * staggerMs) / total) : base + staggerMs + (i - total);
  const firings = Array.from({ length: total + options.events }, (_, i) =>
    firing(workspace, i, options.playbooks),
  );
  const seeded = firings.slice(0, total);
  const measured = firings.slice(total);

  progress('warming up');
  const warm = await seedIncidents(
    join(dir, 'warmup', 'lifeline.db'),
    config,
    seeded.slice(0, WARMUP),
    openAt,
    {
      outbox: true,
    },
  );
  decideAll(config, warm.state, measured.slice(0, WARMUP), (i) => openAt(total + i));
  decideWholeState(config, warm.state, measured.slice(0, WARMUP), (i) => openAt(total + i));
  await shellRun(join(dir, 'warmup'), workspace, config, warm.state, measured.slice(0, WARMUP), (i) =>
    openAt(total + i),
  );

  progress(`seeding ${total} incidents`);
  const storeDir = join(dir, 'store');
  const seeding = await seedIncidents(join(storeDir, 'lifeline.db'), config, seeded, openAt, {
    outbox: true,
  });
  const timersPending = Object.values(seeding.state.timers).filter((t) => t.status === 'pending').length;

  progress(`decideChanges alone: ${options.events} signal-fired events with ${total} incidents open`);
  const pureFirst = decideAll(config, seeding.state, measured, (i) => openAt(total + i));
  progress(`whole-state decide alone: the same ${options.events} events`);
  const whole = decideWholeState(config, seeding.state, measured, (i) => openAt(total + i));
  progress(`shell + SQLite: the same ${options.events} events through applyEvent`);
  const shell = await shellRun(storeDir, workspace, config, seeding.state, measured, (i) =>
    openAt(total + i),
  );
  // The baseline once before and once after the shell's run (the order favours neither side); their mean.
  progress('decideChanges alone again');
  const pureSecond = decideAll(config, seeding.state, measured, (i) => openAt(total + i));
  const pure = { ms: (pureFirst.ms + pureSecond.ms) / 2 };

  // Two copies of the closed store for the restarts, made before phase 2 fires anything.
  cpSync(storeDir, join(dir, 'restart-a'), { recursive: true });
  cpSync(storeDir, join(dir, 'restart-b'), { recursive: true });

  progress(`timers: level ${MEASURED_LEVEL} of ${total} incidents falls due over ${staggerMs / 1000} s`);
  const lateness = await timerLateness(storeDir, workspace, config, shell.state, base, options);

  // The restart comes just after level 1 of the first `overdue` incidents fell due.
  const levelMs = LEVEL_DELAYS_S[MEASURED_LEVEL]! * 1000;
  const restartAt = base + levelMs + Math.floor(((options.overdue - 1) * staggerMs) / total);
  progress('restart in this process');
  const inProcess = await restartInProcess(join(dir, 'restart-a'), workspace, config, restartAt);
  progress('restart in a fresh process');
  const fresh = restartInChild(join(dir, 'restart-b'), workspace.dir, restartAt);

  const perSecond = (ms: number, n: number) => (n / ms) * 1000;
  const shellRate = perSecond(shell.ms, options.events);
  const pureRate = perSecond(pure.ms, options.events);
  const goals = {
    lateness: lateness.p99 < 1000 && lateness.unfired === 0,
    restartInProcess: inProcess.totalMs < 2000,
    restartFresh: fresh.totalMs < 2000,
  };
  const bound = lateness.unfired > 0 ? '≥ ' : '';
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log(`load average: ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    `workspace: ${options.playbooks} integrations with one playbook each; escalation levels at ` +
      `${LEVEL_DELAYS_S.join(', ')} s, response targets, one notify step; ${total} distinct failure signatures`,
  );
  console.log(
    `seeded: ${total} open incidents, ${timersPending} pending timers, in ${fmt(seeding.ms)} ms ` +
      `(${fmt(perSecond(seeding.ms, total))} incidents/s decided alone and written in batches of ${SEED_BATCH})`,
  );
  console.log('');
  console.log('| measure | figure | baseline | ratio | goal |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| events/s with ${total} open, decide + store (applyEvent), ${options.events} events | ` +
      `${fmtRate(shellRate)} /s | decideChanges alone ${fmtRate(pureRate)} /s (rounds ` +
      `${fmtRate(perSecond(pureFirst.ms, options.events))}, ${fmtRate(perSecond(pureSecond.ms, options.events))}) | ` +
      `${(shellRate / pureRate).toFixed(2)}x | — |`,
  );
  console.log(
    `| events/s with ${total} open, whole-state decide alone (copies the state per event) | ` +
      `${fmtRate(perSecond(whole.ms, options.events))} /s | — | — | — |`,
  );
  console.log(
    `| timer lateness, ${lateness.fired}/${lateness.expected} fired (due over ${staggerMs / 1000} s) | ` +
      `p50 ${bound}${fmt(lateness.p50)} ms, p99 ${bound}${fmt(lateness.p99)} ms, max ${bound}${fmt(lateness.max)} ms ` +
      `| — | — | p99 < 1 s: ${goals.lateness ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| restart-to-resumed, this process (${inProcess.overdue} timers overdue) | ${fmt(inProcess.totalMs)} ms ` +
      `(open ${fmt(inProcess.openMs)}, snapshot ${fmt(inProcess.snapshotMs)}, rebuild ${fmt(inProcess.rebuildMs)}, ` +
      `start ${fmt(inProcess.startMs)}) | — | — | < 2 s: ${goals.restartInProcess ? 'met' : 'NOT met'} |`,
  );
  console.log(
    `| restart-to-resumed, fresh process (${fresh.overdue} timers overdue) | ${fmt(fresh.totalMs)} ms ` +
      `(node start ${fmt(fresh.bootMs)}, imports ${fmt(fresh.importMs)}, workspace ${fmt(fresh.workspaceMs)}, ` +
      `open ${fmt(fresh.openMs)}, snapshot ${fmt(fresh.snapshotMs)}, rebuild ${fmt(fresh.rebuildMs)}, ` +
      `start ${fmt(fresh.startMs)}) | — | — | < 2 s: ${goals.restartFresh ? 'met' : 'NOT met'} |`,
  );
  console.log('');
  const met = Object.values(goals).filter(Boolean).length;
  console.log(`goals met: ${met} of ${Object.keys(goals).length}`);
}

// ─── the workload ──────────────────────────────────────────────────────────────────────────────────────────────

async function generatedWorkspace(dir: string, playbooks: number): Promise<Workspace> {
  mkdirSync(join(dir, 'integrations'), { recursive: true });
  const levels = LEVEL_DELAYS_S.map((after, index) =>
    index === 0
      ? `      - { after: ${after}s, notify: [{ channel: ops }] }`
      : `      - { after: ${after}s, unless: acknowledged, notify: [{ team: team-${index % 4} }] }`,
  );
  writeFileSync(
    join(dir, 'lifeline.yaml'),
    [
      'version: 1',
      'name: bench-engine',
      'include: [integrations/*.yaml]',
      'teams:',
      ...Array.from(
        { length: 4 },
        (_, t) =>
          `  - { id: team-${t}, name: Team ${t}, escalation: default, members: [{ id: person-${t}, name: Person ${t}, roles: [on-call] }] }`,
      ),
      'channels:',
      '  - { id: ops, kind: webhook, url: "https://hooks.example.com/ops" }',
      'severities:',
      '  - { id: SEV2, name: Major, respond: { acknowledge: 1h, firstAction: 2h, resolve: 8h } }',
      'escalationPolicies:',
      '  - id: default',
      '    levels:',
      ...levels,
    ].join('\n') + '\n',
  );
  const lines = ['integrations:'];
  const books = ['playbooks:'];
  for (let i = 0; i < playbooks; i++) {
    lines.push(`  - id: vendor-${i}
    name: Vendor ${i}
    owner: team-${i % 4}
    baseUrl: https://api.vendor-${i}.example.com
    auth: { type: none }
    endpoints:
      - { id: list, method: GET, path: /v1/items }
    checks:
      - { id: v${i}-list, kind: http, endpoint: list, every: 30s }`);
    books.push(`  - id: vendor-${i}-down
    name: Vendor ${i} down
    integration: vendor-${i}
    covers: [server-error]
    severity: SEV2
    problem: "Vendor ${i} error rate {{value}}"
    trigger: { when: [{ signal: error-rate, check: v${i}-list, above: 20%, window: 5m }] }
    steps:
      - { id: tell, action: notify, channels: [ops] }`);
  }
  writeFileSync(join(dir, 'integrations', 'vendors.yaml'), `${lines.join('\n')}\n${books.join('\n')}\n`);
  const result = await loadWorkspace(dir);
  if (!result.workspace)
    throw new Error(`generated workspace invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  return result.workspace;
}

/** The i-th firing: its own failure signature (one error code per incident), spread over the playbooks. */
function firing(workspace: Workspace, i: number, playbooks: number): EngineEvent {
  const playbook = workspace.playbooks[i % playbooks]!;
  const signature = failureSignature({
    integration: playbook.integration,
    endpoint: '/v1/items',
    class: 'server-error',
    status: 500 + (i % 4),
    errorCode: `E${i}`,
  });
  return {
    kind: 'signal-fired',
    playbookId: playbook.id,
    signature,
    values: { value: '42%', threshold: '20%' },
    checks: [`v${i % playbooks}-list`],
    signal: 'error rate above 20%',
  };
}

// ─── phase 0: seeding ──────────────────────────────────────────────────────────────────────────────────────────

// ─── phase 1: events per second ────────────────────────────────────────────────────────────────────────────────

/**
 * The engine alone, in memory, from `state` over the events in order, as the shell runs it: `decideChanges` with
 * the shell's timer index, the changes applied in place to a private copy (made before the clock starts).
 */
function decideAll(
  config: EngineConfig,
  state: EngineState,
  events: readonly EngineEvent[],
  openAt: (i: number) => number,
): { ms: number } {
  const own = new ShellState(copyOf(state));
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    const decision = decideChanges(config, own.state, events[i]!, openAt(i), own.index);
    if (!decision.changes) throw new Error(`event ${i}: ${JSON.stringify(decision.outcome)}`);
    own.apply(decision.changes);
  }
  return { ms: performance.now() - start };
}

/** The whole-state `decide` alone (each decision copies the state's records), for reference. */
function decideWholeState(
  config: EngineConfig,
  state: EngineState,
  events: readonly EngineEvent[],
  openAt: (i: number) => number,
): { ms: number } {
  let current = state;
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    const decision = decide(config, current, events[i]!, openAt(i));
    if (decision.outcome.kind !== 'ok') throw new Error(`event ${i}: ${JSON.stringify(decision.outcome)}`);
    current = decision.state;
  }
  return { ms: performance.now() - start };
}

/** The started shell from `state` over the events in order, one commit each. */
async function shellRun(
  storeDir: string,
  workspace: Workspace,
  config: EngineConfig,
  state: EngineState,
  events: readonly EngineEvent[],
  openAt: (i: number) => number,
): Promise<{ ms: number; state: EngineState }> {
  const clock = plannedClock();
  clock.set(openAt(0));
  // The shell takes over the state it is given; `state` is measured again after this run.
  const parts = await openShell(storeDir, workspace, config, clock, () => undefined, copyOf(state));
  await parts.shell.start();
  const start = performance.now();
  for (let i = 0; i < events.length; i++) {
    clock.set(openAt(i));
    const decision = await parts.shell.applyEvent(events[i]!);
    if (decision.outcome.kind !== 'ok') throw new Error(`event ${i}: ${JSON.stringify(decision.outcome)}`);
  }
  const ms = performance.now() - start;
  const after = parts.shell.state;
  await closeShell(parts);
  return { ms, state: after };
}

// ─── phase 2: timer lateness ───────────────────────────────────────────────────────────────────────────────────

interface Lateness {
  expected: number;
  fired: number;
  /** Timers still pending when the shell was stopped; their lateness so far is in the figures (lower bounds). */
  unfired: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Runs the shell on the (shifted) system clock until level MEASURED_LEVEL of every seeded incident fired, or
 * `grace` after the last of them was due, recording for each its commit time minus its due time.
 */
async function timerLateness(
  storeDir: string,
  workspace: Workspace,
  config: EngineConfig,
  state: EngineState,
  base: number,
  options: Options,
): Promise<Lateness> {
  const delayMs = LEVEL_DELAYS_S[MEASURED_LEVEL]! * 1000;
  // The first measured timer falls due `lead` from now on the shifted clock.
  const clock = shiftedClock(base + delayMs - (Date.now() + options.leadMs));
  const lastDue = base + delayMs + options.staggerMs;
  const stopAt = lastDue + options.graceMs;
  // Incident id → its measured timer, so the hook below costs O(1) per commit.
  const wanted = new Map<string, { id: string; dueAt: number }>();
  for (const timer of Object.values(state.timers)) {
    if (timer.kind !== 'escalation-level' || timer.level !== MEASURED_LEVEL) continue;
    if (timer.status === 'pending' && timer.dueAt < lastDue)
      wanted.set(timer.incidentId, { id: timer.id, dueAt: timer.dueAt });
  }
  const expected = wanted.size;
  const late: number[] = [];
  // Set once the shell is open; `finish` may run from its first commit.
  const running: { shell?: EngineShell } = {};
  let endedAt = 0;
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const finish = () => {
    if (endedAt !== 0) return;
    endedAt = clock.now();
    // From inside a commit: the wake loop stops before its next timer; closeShell below waits for it.
    void running.shell?.stop();
    end();
  };
  const onCommitted = (decision: Decision) => {
    const at = clock.now();
    const timer = decision.incidentId === undefined ? undefined : wanted.get(decision.incidentId);
    if (timer && decision.state.timers[timer.id]?.status === 'fired') {
      late.push(at - timer.dueAt);
      wanted.delete(decision.incidentId!);
    }
    // A wake-up that fires thousands of timers runs as one chain of microtasks, so no clock timer can stop it.
    if (wanted.size === 0 || at >= stopAt) finish();
  };
  const parts = await openShell(storeDir, workspace, config, clock, onCommitted, state);
  running.shell = parts.shell;
  const timeout = setTimeout(finish, stopAt - clock.now());
  const tick = setInterval(() => progress(`  ${expected - wanted.size} / ${expected} fired`), 2000);
  await parts.shell.start();
  await ended;
  clearTimeout(timeout);
  clearInterval(tick);
  await closeShell(parts);
  const unfired = [...wanted.values()].map((timer) => Math.max(0, endedAt - timer.dueAt));
  const all = [...late, ...unfired].sort((a, b) => a - b);
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))] ?? NaN;
  return {
    expected,
    fired: late.length,
    unfired: unfired.length,
    p50: at(0.5),
    p99: at(0.99),
    max: all.at(-1) ?? NaN,
  };
}

// ─── phase 3: restart-to-resumed ───────────────────────────────────────────────────────────────────────────────

interface Restart {
  overdue: number;
  openMs: number;
  snapshotMs: number;
  rebuildMs: number;
  startMs: number;
  totalMs: number;
}

async function restartInProcess(
  storeDir: string,
  workspace: Workspace,
  config: EngineConfig,
  restartAt: number,
): Promise<Restart> {
  const clock = stoppedClock(restartAt);
  const t0 = performance.now();
  const store = await openSqliteStore({ path: join(storeDir, 'lifeline.db') });
  const t1 = performance.now();
  const lifetime = new AbortController();
  const snapshot = await store.loadEngineSnapshot(
    { now: clock.now(), reopenWindowMs: config.reopenWindowMs },
    { signal: lifetime.signal },
  );
  const t2 = performance.now();
  const state = stateFromSnapshot(snapshot);
  const criteria = new CriteriaWatch(workspace, snapshot.engineState);
  const t3 = performance.now();
  const now = clock.now();
  const overdue = Object.values(state.timers).filter((t) => t.status === 'pending' && t.dueAt <= now).length;
  // Counting the overdue timers is the benchmark's, not the restart's: its time is left out.
  const counted = performance.now();
  const shell = new EngineShell({
    store,
    clock,
    config,
    state,
    criteria,
    logger: silentLogger,
    signal: lifetime.signal,
    onCommitted: () => undefined,
  });
  await shell.start();
  const t4 = performance.now();
  await closeShell({ store, shell, lifetime });
  return {
    overdue,
    openMs: t1 - t0,
    snapshotMs: t2 - t1,
    rebuildMs: t3 - t2,
    startMs: t4 - counted,
    totalMs: t4 - t0 - (counted - t3),
  };
}

interface FreshRestart extends Restart {
  bootMs: number;
  importMs: number;
  workspaceMs: number;
}

/** The same restart in a new process, timed from the process' start (performance.timeOrigin) to resumed. */
function restartInChild(storeDir: string, workspaceDir: string, restartAt: number): FreshRestart {
  const dist = (path: string) =>
    pathToFileURL(join(import.meta.dirname, '..', 'packages', 'lifeline', 'dist', path)).href;
  const script = `
const boot = performance.now();
const [{ openSqliteStore }, { loadWorkspace }, { compileEngineConfig }, { EngineShell }, { CriteriaWatch },
  { stateFromSnapshot }, { silentLogger }] = await Promise.all([
  import(${JSON.stringify(dist('store/index.js'))}),
  import(${JSON.stringify(dist('workspace/load-workspace.js'))}),
  import(${JSON.stringify(dist('engine/index.js'))}),
  import(${JSON.stringify(dist('daemon/engine-shell.js'))}),
  import(${JSON.stringify(dist('daemon/criteria-watch.js'))}),
  import(${JSON.stringify(dist('daemon/state-records.js'))}),
  import(${JSON.stringify(dist('daemon/logger.js'))}),
]);
const imported = performance.now();
const [storePath, workspaceDir, restartAt] = process.argv.slice(1);
const loaded = await loadWorkspace(workspaceDir);
const config = compileEngineConfig(loaded.workspace);
const clock = {
  now: () => Number(restartAt),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};
const t0 = performance.now();
const store = await openSqliteStore({ path: storePath });
const t1 = performance.now();
const lifetime = new AbortController();
const snapshot = await store.loadEngineSnapshot({ now: clock.now(), reopenWindowMs: config.reopenWindowMs }, { signal: lifetime.signal });
const t2 = performance.now();
const state = stateFromSnapshot(snapshot);
const criteria = new CriteriaWatch(loaded.workspace, snapshot.engineState);
const t3 = performance.now();
const now = clock.now();
const overdue = Object.values(state.timers).filter((t) => t.status === 'pending' && t.dueAt <= now).length;
const counted = performance.now();
const shell = new EngineShell({ store, clock, config, state, criteria, logger: silentLogger, signal: lifetime.signal, onCommitted: () => undefined });
await shell.start();
const t4 = performance.now();
await shell.stop();
lifetime.abort();
await store.close();
console.log(JSON.stringify({ overdue, bootMs: boot, importMs: imported - boot, workspaceMs: t0 - imported,
  openMs: t1 - t0, snapshotMs: t2 - t1, rebuildMs: t3 - t2, startMs: t4 - counted, totalMs: t4 - (counted - t3) }));
`;
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', script, join(storeDir, 'lifeline.db'), workspaceDir, String(restartAt)],
    { cwd: join(import.meta.dirname, '..', 'packages', 'lifeline'), encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as FreshRestart;
}

// ─── helpers ───────────────────────────────────────────────────────────────────────────────────────────────────

/** A copy of the state's records (the incident and timer objects are shared: nothing changes them). */
function copyOf(state: EngineState): EngineState {
  return {
    ...state,
    incidents: { ...state.incidents },
    signatures: { ...state.signatures },
    timers: { ...state.timers },
  };
}
