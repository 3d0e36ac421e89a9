/**
 * Test-only: the real `lifeline up` as a child process, for crash tests. A crash is only a crash when the
 * process dies for real — no `finally`, no graceful stop, whatever the store had not committed is gone — so the
 * daemon runs from the built CLI, is ended with SIGKILL at the moment a test picks (or SIGTERM for a clean stop),
 * and the test reads what survived through the API of the next daemon and from the store file in between.
 * A seeded random source makes a failing crash schedule replayable; waits take an AbortSignal, so the end of a
 * daemon's life cuts them short.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { TimelineEntry } from '../../engine/index.js';

const REPO = fileURLToPath(new URL('../../../../../', import.meta.url));
/** The `lifeline` binary; it runs the compiled CLI in dist/. */
export const BIN = join(REPO, 'packages/lifeline/bin/lifeline.js');
export const BUILT_CLI = join(REPO, 'packages/lifeline/dist/cli/main.js');

/** Whether there is a compiled CLI to spawn (CI builds it in `npm ci`; locally `npm run build`). */
export function cliBuilt(): boolean {
  return existsSync(BUILT_CLI);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonProcess {
  pid: number;
  /** The API's base URL (`http://127.0.0.1:PORT`) once `up` printed it; rejects if the process ended first. */
  apiUrl: Promise<string>;
  exited: Promise<Exit>;
  /** Crashes the daemon: SIGKILL, resolved once the process is gone. */
  kill(): Promise<Exit>;
  /** Stops the daemon cleanly: SIGTERM, resolved once the process is gone. */
  terminate(): Promise<Exit>;
  /** Everything it printed so far, stdout then stderr (for failure messages). */
  output(): string;
}

const API_LINE = /API\s+(http:\/\/\S+?)\/api\/v1\/incidents/;

/** Starts `lifeline up <workspaceDir> --port 0 --store <storePath>` without colours. */
export function spawnDaemon(workspaceDir: string, storePath: string): DaemonProcess {
  const child = spawn(process.execPath, [BIN, 'up', workspaceDir, '--port', '0', '--store', storePath], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const apiUrl = new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = API_LINE.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((exit) =>
      reject(new Error(`lifeline up ended (${exit.signal ?? `exit ${exit.code}`}) before its API listened`)),
    );
  });
  // Nobody may have to wait for the API (a kill during start): a rejection then is expected, not unhandled.
  apiUrl.catch(() => undefined);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const end = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  if (child.pid === undefined) throw new Error(`could not start ${BIN}`);
  return {
    pid: child.pid,
    apiUrl,
    exited,
    kill: () => end('SIGKILL'),
    terminate: () => end('SIGTERM'),
    output: () => `${stdout}\n${stderr}`,
  };
}

/** One incident as the store file holds it: only what a crash test compares, straight from the tables. */
export interface StoredIncident {
  id: string;
  openedAt: number;
  /** The timeline documents in seq order. */
  timeline: TimelineEntry[];
  timers: { id: string; kind: string; status: string }[];
  outbox: { id: string; kind: string; status: string; attempts: number }[];
}

/**
 * What the store file holds, read while no daemon runs: the test's view of what survived a crash. Read-only
 * and with plain SQL rather than through the store adapter, so the check does not trust the code it checks and
 * never migrates or writes the daemon's file (the daemon may be a build older than the source). A daemon
 * killed before it created or migrated its store leaves no incidents.
 */
export function readStore(path: string): StoredIncident[] {
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const migrated = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incidents'")
      .get();
    if (!migrated) return [];
    return db.transaction(() =>
      db
        .prepare<[], { id: string; opened_at: number }>('SELECT id, opened_at FROM incidents ORDER BY id')
        .all()
        .map((row) => ({
          id: row.id,
          openedAt: row.opened_at,
          timeline: db
            .prepare<[string], { document: string }>(
              'SELECT document FROM incident_timeline WHERE incident_id = ? ORDER BY seq',
            )
            .all(row.id)
            .map((entry) => JSON.parse(entry.document) as TimelineEntry),
          timers: db
            .prepare<[string], StoredIncident['timers'][number]>(
              'SELECT id, kind, status FROM timers WHERE incident_id = ? ORDER BY due_at, id',
            )
            .all(row.id),
          outbox: db
            .prepare<[string], StoredIncident['outbox'][number]>(
              'SELECT id, kind, status, attempts FROM outbox WHERE incident_id = ? ORDER BY seq',
            )
            .all(row.id),
        })),
    )();
  } finally {
    db.close();
  }
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so a run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Waits for `probe` to hold, polling every 25 ms; false if `signal` ended the wait first. */
export async function until(
  probe: () => boolean,
  timeoutMs: number,
  what: () => string,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (signal.aborted) return false;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await sleep(25, signal);
  }
  return true;
}
