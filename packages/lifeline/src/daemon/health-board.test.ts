import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/check-result.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../workspace/model.js';
import { BOARD_MINUTES, HealthBoard } from './health-board.js';
import type { IncidentService } from './incident-service.js';
import { createReadService } from './read-service-impl.js';
import { LIST_WINDOWS, type IntegrationHealth, type IntegrationsAnswer } from './read-service.js';

const MINUTE = 60_000;
/** 2026-03-01T12:00:30Z: half-way through a minute, so window edges cut a bucket. */
const START = Date.UTC(2026, 2, 1, 12, 0, 30);

function fakeClock(at = START) {
  return {
    at,
    now() {
      return this.at;
    },
  };
}

function workspaceOf(...ids: string[]): Workspace {
  return {
    integrations: ids.map((id) => ({ id, name: id, owner: 'team', checks: [{ id: 'charges' }] })),
  } as unknown as Workspace;
}

function itemsOf(answer: IntegrationsAnswer): IntegrationHealth[] {
  if (answer.kind !== 'page') throw new Error(answer.message);
  return answer.page.items;
}

function result(overrides: Partial<CheckResult> = {}): CheckResult {
  const ok = overrides.ok ?? true;
  return {
    integration: 'stripe',
    check: 'charges',
    kind: 'http',
    ok,
    class: ok ? 'ok' : 'server-error',
    latencyMs: 100,
    signature: 'sig',
    message: ok ? 'HTTP 200' : 'HTTP 503',
    startedAt: START - MINUTE,
    attempts: 1,
    ...overrides,
  };
}

function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('HealthBoard', () => {
  it('counts results per window, every minute bucket overlapping the window included', () => {
    const clock = fakeClock();
    const board = new HealthBoard(clock);
    board.retain(workspaceOf('stripe'));
    board.record(result({ startedAt: START - 2 * MINUTE }));
    board.record(result({ startedAt: START - 30 * MINUTE, ok: false }));
    // Its minute ends 30 s after `now - 1h`, so the hour still overlaps it.
    board.record(result({ startedAt: START - 60 * MINUTE }));
    board.record(result({ startedAt: START - 62 * MINUTE }));
    const windows = board.windows('stripe', LIST_WINDOWS);
    expect(windows['5m']).toMatchObject({ windowMs: 5 * MINUTE, count: 1, failures: 0, errorRate: 0 });
    expect(windows['1h']).toMatchObject({ windowMs: 60 * MINUTE, count: 3, failures: 1, errorRate: 1 / 3 });
  });

  it('rolls buckets: an hour later the old minutes leave the windows and their slots are reused', () => {
    const clock = fakeClock();
    const board = new HealthBoard(clock);
    board.retain(workspaceOf('stripe'));
    board.record(result({ startedAt: START - MINUTE }));
    clock.at += 2 * MINUTE;
    expect(board.windows('stripe', LIST_WINDOWS)['5m'].count).toBe(1);
    clock.at += 70 * MINUTE;
    expect(board.windows('stripe', LIST_WINDOWS)['1h']).toEqual({
      windowMs: 60 * MINUTE,
      count: 0,
      failures: 0,
      errorRate: null,
      p50: null,
      p95: null,
      p99: null,
    });
    // The same slot, BOARD_MINUTES minutes on: the old minute is dropped, not added to.
    board.record(result({ startedAt: START - MINUTE + BOARD_MINUTES * MINUTE, latencyMs: 7 }));
    expect(board.windows('stripe', LIST_WINDOWS)['1h']).toMatchObject({ count: 1, p50: 7 });
    // A result older than the ring changes no window.
    board.record(result({ startedAt: START - MINUTE }));
    expect(board.windows('stripe', LIST_WINDOWS)['1h'].count).toBe(1);
  });

  it('estimates percentiles within 19 % of the exact value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 100_000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (latencies) => {
          const board = new HealthBoard(fakeClock());
          board.retain(workspaceOf('stripe'));
          for (const latencyMs of latencies) board.record(result({ latencyMs }));
          const stats = board.windows('stripe', LIST_WINDOWS)['1h'];
          const sorted = [...latencies].sort((a, b) => a - b);
          for (const [q, estimate] of [
            [0.5, stats.p50],
            [0.95, stats.p95],
            [0.99, stats.p99],
          ] as const) {
            const exact = exactQuantile(sorted, q);
            expect(estimate! / exact).toBeGreaterThanOrEqual(1 / 1.19);
            expect(estimate! / exact).toBeLessThanOrEqual(1.19);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps the newest result per check for the status, whatever order results arrive in', () => {
    const board = new HealthBoard(fakeClock());
    board.retain(workspaceOf('stripe'));
    board.record(result({ startedAt: START - 1000, ok: false }));
    board.record(result({ startedAt: START - 5000 }));
    board.record(result({ check: 'refunds', startedAt: START - 2000 }));
    const latest = board.latest('stripe', ['charges', 'refunds', 'undeclared']);
    expect(latest.map((r) => [r.check, r.ok])).toEqual([
      ['charges', false],
      ['refunds', true],
    ]);
    expect(board.latest('nobody', ['charges'])).toEqual([]);
  });

  it('forgets integrations removed from the workspace and ignores results of unknown ones', () => {
    const board = new HealthBoard(fakeClock());
    board.retain(workspaceOf('stripe', 'twilio'));
    board.record(result({ integration: 'twilio' }));
    board.retain(workspaceOf('stripe'));
    board.record(result({ integration: 'twilio' }));
    expect(board.windows('twilio', LIST_WINDOWS)['1h'].count).toBe(0);
    expect(board.latest('twilio', ['charges'])).toEqual([]);
  });

  it('warms from the store to the same numbers live updates give', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    const clock = fakeClock();
    const workspace = workspaceOf('stripe', 'twilio');
    const results: CheckResult[] = [];
    for (let i = 0; i < 90; i++) {
      results.push(
        result({
          integration: i % 3 === 0 ? 'twilio' : 'stripe',
          check: i % 2 === 0 ? 'charges' : 'refunds',
          ok: i % 7 !== 0,
          latencyMs: 5 + ((i * 37) % 900),
          startedAt: START - (i + 1) * 45_000,
        }),
      );
    }
    await store.recordCheckResults(results);
    const live = new HealthBoard(clock);
    live.retain(workspace);
    for (const r of results) live.record(r);
    const warmed = new HealthBoard(clock);
    await warmed.warm(store, workspace, new AbortController().signal);
    // A second warm is the same warm, not a second helping.
    await warmed.warm(store, workspace, new AbortController().signal);
    for (const id of ['stripe', 'twilio']) {
      expect(warmed.windows(id, LIST_WINDOWS)).toEqual(live.windows(id, LIST_WINDOWS));
      expect(warmed.latest(id, ['charges', 'refunds'])).toMatchObject(
        live.latest(id, ['charges', 'refunds']).map((r) => ({ startedAt: r.startedAt, ok: r.ok })),
      );
    }
    expect(warmed.windows('stripe', LIST_WINDOWS)['1h'].count).toBeGreaterThan(0);
  });

  it('serves the list from the live board: a new result shows at once, and leaves the 5m window on time', async () => {
    store = await openSqliteStore({ path: ':memory:' });
    const clock = fakeClock();
    const board = new HealthBoard(clock);
    const workspace = workspaceOf('stripe');
    await board.warm(store, workspace, new AbortController().signal);
    const read = createReadService({
      store,
      clock,
      workspace: () => workspace,
      incidents: { revision: () => 'no incidents' } as IncidentService,
      board,
      openByIntegration: () => new Map(),
    });
    const signal = new AbortController().signal;
    const [before] = itemsOf(await read.integrations({}, signal));
    expect(before).toMatchObject({ status: 'unknown', lastResultAt: null });
    expect(board.version('stripe')).toBe(0);

    board.record(result({ startedAt: START - 1000, ok: false }));
    expect(board.version('stripe')).toBe(1);
    const [after] = itemsOf(await read.integrations({}, signal));
    expect(after).toMatchObject({ status: 'down', lastResultAt: START - 1000 });
    expect(after!.windows['5m']).toMatchObject({ count: 1, failures: 1 });

    clock.at += 6 * MINUTE;
    const [later] = itemsOf(await read.integrations({}, signal));
    expect(later!.windows['5m'].count).toBe(0);
    expect(later!.windows['1h'].count).toBe(1);
  });
});
