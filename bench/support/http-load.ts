/**
 * Load on one route of a server: `clients` concurrent workers looping requests on one keep-alive undici `Pool`,
 * latencies in an HDR histogram; and one request alone, for its size and time.
 */
import { setMaxListeners } from 'node:events';
import * as hdr from 'hdr-histogram-js';
import type { Pool } from 'undici';
import { READ_TIMEOUT_MS } from '../../packages/lifeline/dist/server/read-routes-common.js';
import { progress } from './figures.js';

/** How long one request may take before the benchmark gives up on it. */
export const LOAD_TIMEOUT_MS = 30_000;

export interface Load {
  answered: number;
  unanswered: number;
  errors: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** One request alone (no other load): its time and the response's size (and a check that it answers 200). */
export async function once(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
): Promise<{ bytes: number; ms: number }> {
  const start = performance.now();
  const res = await pool.request({
    path,
    method: 'GET',
    headers,
    signal: AbortSignal.timeout(LOAD_TIMEOUT_MS),
  });
  const body = await res.body.arrayBuffer();
  if (res.statusCode !== 200)
    throw new Error(`${path}: HTTP ${res.statusCode}: ${Buffer.from(body).toString()}`);
  return { bytes: body.byteLength, ms: performance.now() - start };
}

/**
 * `clients` workers loop requests on the pool for `windowMs`; a request still unanswered `graceMs` after the
 * window is aborted and recorded with its time so far.
 */
export async function load(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  clients: number,
  windowMs: number,
  graceMs: number,
): Promise<Load> {
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let answered = 0;
  let unanswered = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = start + windowMs;
  const abort = new AbortController();
  setMaxListeners(clients + 10, abort.signal);
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const res = await pool.request({ path, method: 'GET', headers, signal: abort.signal });
        await res.body.dump({ limit: Number.MAX_SAFE_INTEGER });
        if (res.statusCode !== 200) errors++;
        answered++;
      } catch (error) {
        if (!abort.signal.aborted) throw error;
        unanswered++;
      }
      histogram.recordValue(Math.max(1, Math.round((performance.now() - sent) * 1000)));
    }
  };
  const done = Promise.all(Array.from({ length: clients }, worker));
  const timer = setTimeout(() => abort.abort(), windowMs + graceMs);
  await done;
  clearTimeout(timer);
  const elapsedMs = performance.now() - start;
  const result: Load = {
    answered,
    unanswered,
    errors,
    perSecond: (answered / elapsedMs) * 1000,
    p50: histogram.getValueAtPercentile(50) / 1000,
    p95: histogram.getValueAtPercentile(95) / 1000,
    p99: histogram.getValueAtPercentile(99) / 1000,
    max: histogram.maxValue / 1000,
  };
  histogram.destroy();
  return result;
}

/** Waits out the server's read timeout: aborted requests are still being answered until then. */
export async function settle(): Promise<void> {
  progress(`  requests aborted: waiting ${READ_TIMEOUT_MS / 1000} s for the server to drop them`);
  await new Promise((resolve) => setTimeout(resolve, READ_TIMEOUT_MS + 500));
}
