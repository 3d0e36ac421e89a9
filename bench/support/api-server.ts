/**
 * `lifeline up` from the built CLI in a child process, for the API benchmark: started on a workspace and store,
 * waited for (`/healthz`, then the health board's first SLO pass), stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'undici';
import { progress } from './figures.js';
import { LOAD_TIMEOUT_MS } from './http-load.js';

/** The built CLI the server runs from (`npm run build` first). */
export const CLI = fileURLToPath(new URL('../../packages/lifeline/bin/lifeline.js', import.meta.url));
/** How long the child may take to print its API line, to settle its SLO pass, and to exit after SIGTERM. */
const START_TIMEOUT_MS = 120_000;
export const SETTLE_TIMEOUT_MS = 300_000;
const SETTLE_POLL_MS = 1_000;
const STOP_TIMEOUT_MS = 30_000;

export interface Server {
  child: ChildProcess;
  /** The API's base URL, from the `API      http://…/api/v1/incidents` line `lifeline up` prints. */
  apiUrl: Promise<string>;
  /** The child's last output lines, for when it fails. */
  log: string[];
}

export function startServer(workspaceDir: string, storePath: string): Server {
  // E.g. LIFELINE_BENCH_SERVER_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the server.
  const nodeArgs = (process.env.LIFELINE_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, CLI, 'up', workspaceDir, '--port', '0', '--store', storePath];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const log: string[] = [];
  const remember = (text: string) => {
    log.push(...text.split('\n').filter(Boolean));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  const apiUrl = new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(
        new Error(`\`lifeline up\` printed no API line in ${START_TIMEOUT_MS / 1000} s:\n${log.join('\n')}`),
      );
    }, START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      remember(text);
      stdout += text;
      const match = /API\s+(http:\/\/[^\s/]+)\/api\/v1\/incidents/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', remember);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`\`lifeline up\` ended with ${code ?? signal} before listening:\n${log.join('\n')}`));
    });
    child.once('error', reject);
  });
  // Nobody may await it if the run fails before: no unhandled rejection on top of the real error.
  apiUrl.catch(() => undefined);
  return { child, apiUrl, log };
}

export async function untilHealthy(probe: Pool): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await probe.request({
        path: '/healthz',
        method: 'GET',
        signal: AbortSignal.timeout(5_000),
      });
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
    }
    if (performance.now() > deadline)
      throw new Error(`/healthz not answering 200 in ${START_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }
}

/** Polls every page of the integrations list until each item has `slo.computedAt` (or the timeout passes). */
export async function untilSloPassed(probe: Pool, headers: Record<string, string>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let total = 0;
    let computed = 0;
    let cursor: string | undefined;
    do {
      const path = `/api/v1/integrations?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await probe.request({
        path,
        method: 'GET',
        headers,
        signal: AbortSignal.timeout(LOAD_TIMEOUT_MS),
      });
      const page = (await res.body.json()) as {
        items?: { slo?: { computedAt?: number } }[];
        nextCursor?: string;
      };
      if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}: ${JSON.stringify(page)}`);
      for (const item of page.items ?? []) {
        total++;
        if (typeof item.slo?.computedAt === 'number') computed++;
      }
      cursor = page.nextCursor;
    } while (cursor);
    if (computed === total || performance.now() > deadline)
      return { every: computed === total, computed, total };
    await sleep(SETTLE_POLL_MS);
  }
}

/** SIGTERM, then the exit code (`lifeline up` exits 0 on SIGTERM); SIGKILL if it has not exited in time. */
export async function stopServer(server: Server): Promise<number | string> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode!;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    progress(`  \`lifeline up\` still running ${STOP_TIMEOUT_MS / 1000} s after SIGTERM: killing it`);
    child.kill('SIGKILL');
  }, STOP_TIMEOUT_MS);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

function sleep(msToWait: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}
