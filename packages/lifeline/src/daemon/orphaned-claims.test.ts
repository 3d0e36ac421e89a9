/**
 * Claims a crashed daemon left behind, against a real (in-memory) SQLite store: a starting daemon hands them
 * back so the row and the rest of its lane are due at once, not after the lease; the attempt still counts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type OutboxRecord, type Store } from '../store/index.js';
import type { Clock } from '../checks/scheduler/index.js';
import { silentLogger } from './logger.js';
import { releaseOrphanedClaims } from './orphaned-claims.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const LEASE_MS = 60_000;
let store: Store;
let now = T0;
const clock = { now: () => now } as Clock;

function message(level: number): OutboxRecord {
  return {
    id: `INC-1:notify:1:0:${level}@hook`,
    incidentId: 'INC-1',
    kind: 'notify',
    channel: 'hook',
    payload: { level },
    createdAt: T0,
  };
}

beforeEach(async () => {
  now = T0;
  store = await openSqliteStore({ path: ':memory:' });
  await store.applyDecision({
    incidents: [
      {
        id: 'INC-1',
        signature: 's',
        playbook: 'payments-latency',
        integration: 'payments',
        severity: 'SEV2',
        status: 'triggered',
        openedAt: T0,
        updatedAt: T0,
        document: {},
      },
    ],
    outbox: [message(0), message(1)],
  });
});

afterEach(async () => {
  await store.close();
});

describe('releaseOrphanedClaims', () => {
  it('makes a row a crashed daemon was delivering due at once, and the rest of its lane after it', async () => {
    const [claimed] = await store.claimOutbox(now, { limit: 10, leaseMs: LEASE_MS });
    expect(claimed?.id).toBe('INC-1:notify:1:0:0@hook');
    // The daemon dies here. One second later a new one starts: the lease has 59 s to run.
    now += 1000;
    expect(await store.claimOutbox(now, { limit: 10, leaseMs: LEASE_MS })).toEqual([]);

    expect(await releaseOrphanedClaims({ store, clock, logger: silentLogger })).toBe(1);

    const again = await store.claimOutbox(now, { limit: 10, leaseMs: LEASE_MS });
    expect(again.map((r) => [r.id, r.attempts])).toEqual([['INC-1:notify:1:0:0@hook', 2]]);
    await store.completeOutbox('INC-1:notify:1:0:0@hook', { ok: true }, { attempt: 2 });
    const next = await store.claimOutbox(now, { limit: 10, leaseMs: LEASE_MS });
    expect(next.map((r) => r.id)).toEqual(['INC-1:notify:1:0:1@hook']);
  });

  it('hands back nothing when no claim is open', async () => {
    expect(await releaseOrphanedClaims({ store, clock, logger: silentLogger })).toBe(0);
    const rows = (await store.getIncident('INC-1'))?.outbox ?? [];
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });
});
