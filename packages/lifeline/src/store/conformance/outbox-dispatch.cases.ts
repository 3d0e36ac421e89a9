/**
 * Conformance cases for outbox dispatch: claims under leases (expiry, lanes in creation order, channel filter,
 * per-channel limits, concurrent claimers never sharing a row), settling a claim (receipt, retry with backoff, dead letters, the
 * attempt fence against a dispatcher whose lease expired) and the stats the metrics endpoint shows.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { idsOf, makeEffect, seedIncidents } from './engine-fixtures.js';
import { MINUTE, SECOND, T0, expectStoreError, type StoreHarness } from './fixtures.js';

const LEASE = 30 * SECOND;

/** Claims everything deliverable at `now`, a few rows per call, from all `stores` at once. */
async function claimConcurrently(stores: readonly Store[], now: number, rounds: number): Promise<string[][]> {
  const calls: Promise<string[]>[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const store of stores) {
      calls.push(store.claimOutbox(now, { limit: 3, leaseMs: LEASE }).then(idsOf));
    }
  }
  return Promise.all(calls);
}

/** 12 rows over 6 incidents, each on its own lane so that none waits for another. */
async function seedIndependentRows(store: Store): Promise<string[]> {
  const incidents = ['INC-1', 'INC-2', 'INC-3', 'INC-4', 'INC-5', 'INC-6'];
  await seedIncidents(store, ...incidents);
  const rows = incidents.flatMap((incident) => [
    makeEffect(`${incident}:slack`, incident),
    makeEffect(`${incident}:email`, incident, { channel: 'email' }),
  ]);
  await store.applyDecision({ outbox: rows });
  return rows.map((row) => row.id);
}

function expectDisjointAndComplete(claims: readonly string[][], all: readonly string[]): void {
  const flat = claims.flat();
  expect(new Set(flat).size, 'a row was claimed twice').toBe(flat.length);
  expect([...flat].sort()).toEqual([...all].sort());
}

export function describeOutboxDispatchCases(harness: StoreHarness): void {
  describe('claimOutbox', () => {
    it('claims due rows in creation order, leases them, and hands them out again only after the lease', async () => {
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        outbox: [
          makeEffect('late', 'INC-2', { channel: 'pagerduty', nextAttemptAt: T0 + MINUTE }),
          makeEffect('first', 'INC-2'),
          makeEffect('second', 'INC-1', { createdAt: T0 - MINUTE }),
        ],
      });
      const claimed = await harness.store.claimOutbox(T0, { limit: 10, leaseMs: LEASE });
      expect(idsOf(claimed)).toEqual(['first', 'second']);
      expect(claimed[0]).toMatchObject({ status: 'delivering', attempts: 1, leaseUntil: T0 + LEASE });
      expect(idsOf(await harness.store.claimOutbox(T0 + LEASE - 1, { limit: 10, leaseMs: LEASE }))).toEqual(
        [],
      );

      const again = await harness.store.claimOutbox(T0 + MINUTE, { limit: 10, leaseMs: LEASE });
      expect(idsOf(again)).toEqual(['late', 'first', 'second']);
      expect(again.map((row) => row.attempts)).toEqual([1, 2, 2]);
      expect(again[1]?.leaseUntil).toBe(T0 + MINUTE + LEASE);
    });

    it('keeps each incident’s lane in creation order; other lanes and incidents do not wait', async () => {
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        outbox: [
          makeEffect('1-slack-a', 'INC-1'),
          makeEffect('1-slack-b', 'INC-1'),
          makeEffect('1-email', 'INC-1', { channel: 'email' }),
          makeEffect('1-action-a', 'INC-1', { kind: 'run-action', channel: undefined }),
          makeEffect('1-action-b', 'INC-1', { kind: 'run-action', channel: undefined }),
          makeEffect('2-slack', 'INC-2'),
        ],
      });
      // Leases outlast the test, so only settling frees a lane.
      const claim = async (now: number) =>
        idsOf(await harness.store.claimOutbox(now, { limit: 10, leaseMs: 10 * MINUTE }));
      expect(await claim(T0)).toEqual(['1-slack-a', '1-email', '1-action-a', '2-slack']);
      // A retry scheduled later still holds its lane: b must not overtake a.
      await harness.store.failOutbox('1-slack-a', { error: 'HTTP 502', nextAttemptAt: T0 + MINUTE });
      expect(await claim(T0 + SECOND)).toEqual([]);
      expect(await claim(T0 + MINUTE)).toEqual(['1-slack-a']);
      await harness.store.completeOutbox('1-slack-a', { ts: '1.2' });
      await harness.store.failOutbox('1-action-a', { error: 'gave up', dead: true });
      expect(await claim(T0 + MINUTE)).toEqual(['1-slack-b', '1-action-b']);
    });

    it('hands out a message only once every older one of its incident and channel is delivered or dead', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({
        outbox: [
          makeEffect('a', 'INC-1'),
          makeEffect('b', 'INC-1'),
          makeEffect('c', 'INC-1'),
          makeEffect('mail', 'INC-1', { channel: 'email' }),
        ],
      });
      const claim = async (now: number) =>
        idsOf(await harness.store.claimOutbox(now, { limit: 10, leaseMs: LEASE }));
      expect(await claim(T0)).toEqual(['a', 'mail']);
      await harness.store.completeOutbox('mail', { status: 250 });
      // Waiting for its retry: the newer messages wait too, however long the outage lasts.
      await harness.store.failOutbox('a', { error: 'connection refused', nextAttemptAt: T0 + 10 * MINUTE });
      expect(await claim(T0 + 9 * MINUTE)).toEqual([]);
      expect(await claim(T0 + 10 * MINUTE)).toEqual(['a']);
      // Its dispatcher died mid-delivery: once the lease runs out, a is handed out again, still before b.
      expect(await claim(T0 + 10 * MINUTE + LEASE)).toEqual(['a']);
      await harness.store.failOutbox('a', { error: 'gave up', dead: true });
      expect(await claim(T0 + 11 * MINUTE)).toEqual(['b']);
      await harness.store.completeOutbox('b', { status: 200 });
      expect(await claim(T0 + 11 * MINUTE)).toEqual(['c']);
    });

    it('claims at most channelLimits rows of each named channel; other lanes only count against limit', async () => {
      const incidents = ['INC-1', 'INC-2', 'INC-3'];
      await seedIncidents(harness.store, ...incidents);
      await harness.store.applyDecision({
        outbox: incidents.flatMap((incident) => [
          makeEffect(`${incident}:slack`, incident),
          makeEffect(`${incident}:email`, incident, { channel: 'email' }),
          makeEffect(`${incident}:step`, incident, { kind: 'run-action', channel: 'step:confirm' }),
        ]),
      });
      const limited = await harness.store.claimOutbox(T0, {
        limit: 10,
        leaseMs: LEASE,
        channelLimits: { 'slack-ops': 2, email: 0 },
      });
      expect(idsOf(limited)).toEqual([
        'INC-1:slack',
        'INC-1:step',
        'INC-2:slack',
        'INC-2:step',
        'INC-3:step',
      ]);
      const capped = await harness.store.claimOutbox(T0, { limit: 2, leaseMs: LEASE, channelLimits: {} });
      expect(idsOf(capped)).toEqual(['INC-1:email', 'INC-2:email']);
      for (const bad of [{ email: -1 }, { email: 1.5 }, [1], 'email']) {
        await expectStoreError(
          harness.store.claimOutbox(T0, {
            limit: 1,
            leaseMs: LEASE,
            channelLimits: bad as unknown as Record<string, number>,
          }),
          'store-invalid-input',
        );
      }
    });

    it('claims only the given channel, at most limit rows', async () => {
      const all = await seedIndependentRows(harness.store);
      const email = await harness.store.claimOutbox(T0, { limit: 4, leaseMs: LEASE, channel: 'email' });
      expect(idsOf(email)).toEqual(all.filter((id) => id.endsWith(':email')).slice(0, 4));
      expect(email.every((row) => row.channel === 'email')).toBe(true);
      const rest = await harness.store.claimOutbox(T0, { limit: 1000, leaseMs: LEASE });
      expect(rest).toHaveLength(all.length - 4);
    });

    it('never gives the same row to concurrent claimers on one store', async () => {
      const all = await seedIndependentRows(harness.store);
      expectDisjointAndComplete(await claimConcurrently([harness.store], T0, 6), all);
    });

    it('never gives the same row to claimers on two connections (two daemons)', async (ctx) => {
      const all = await seedIndependentRows(harness.store);
      const other = await harness.openAnother();
      if (!other) return ctx.skip('this store cannot be opened twice');
      expectDisjointAndComplete(await claimConcurrently([harness.store, other], T0, 4), all);
      // After the leases expire, the rows are shared out again, still once each.
      expectDisjointAndComplete(await claimConcurrently([other, harness.store], T0 + LEASE, 4), all);
    });

    it('rejects a bad limit, lease or time', async () => {
      const claim = (now: number, limit: number, leaseMs: number) =>
        harness.store.claimOutbox(now, { limit, leaseMs });
      await expectStoreError(claim(T0, 0, LEASE), 'store-invalid-input');
      await expectStoreError(claim(T0, 1, 0), 'store-invalid-input');
      await expectStoreError(claim(Number.NaN, 1, LEASE), 'store-invalid-input');
    });
  });

  describe('completeOutbox and failOutbox', () => {
    it('records the receipt and the store clock’s time once; later settles are stale', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({ outbox: [makeEffect('o', 'INC-1')] });
      expect(await harness.store.completeOutbox('o', { ok: true })).toEqual({
        kind: 'stale',
        status: 'pending',
        attempts: 0,
      });
      await harness.store.claimOutbox(T0, { limit: 1, leaseMs: LEASE });
      harness.setNow(T0 + 2 * SECOND);
      const receipt = { status: 200, ts: '1712.55', headers: { 'x-request-id': 'r-1' } };
      expect(await harness.store.completeOutbox('o', receipt)).toEqual({
        kind: 'settled',
        status: 'delivered',
      });
      expect(await harness.store.completeOutbox('o', receipt)).toEqual({
        kind: 'stale',
        status: 'delivered',
        attempts: 1,
      });
      expect(await harness.store.failOutbox('o', { error: 'late', dead: true })).toMatchObject({
        kind: 'stale',
      });
      expect(await harness.store.completeOutbox('nope', receipt)).toEqual({ kind: 'not-found' });
      const [row] = (await harness.store.listOutbox()).items;
      expect(row).toMatchObject({ status: 'delivered', receipt, deliveredAt: T0 + 2 * SECOND, attempts: 1 });
      expect(row?.leaseUntil).toBeUndefined();
      expect(idsOf(await harness.store.claimOutbox(T0 + MINUTE, { limit: 1, leaseMs: LEASE }))).toEqual([]);
    });

    it('retries a failed attempt at nextAttemptAt, and buries it as a dead letter when told to', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({ outbox: [makeEffect('o', 'INC-1')] });
      await harness.store.claimOutbox(T0, { limit: 1, leaseMs: LEASE });
      expect(await harness.store.failOutbox('o', { error: 'HTTP 503', nextAttemptAt: T0 + MINUTE })).toEqual({
        kind: 'settled',
        status: 'pending',
      });
      expect((await harness.store.listOutbox()).items[0]).toMatchObject({
        status: 'pending',
        nextAttemptAt: T0 + MINUTE,
        lastError: 'HTTP 503',
        attempts: 1,
      });
      expect(await harness.store.claimOutbox(T0 + MINUTE - 1, { limit: 1, leaseMs: LEASE })).toEqual([]);
      const [retry] = await harness.store.claimOutbox(T0 + MINUTE, { limit: 1, leaseMs: LEASE });
      expect(retry?.attempts).toBe(2);
      await harness.store.failOutbox('o', { error: 'HTTP 400: bad payload', dead: true });
      const dead = (await harness.store.listOutbox({ status: 'dead' })).items;
      expect(dead).toEqual([
        expect.objectContaining({ id: 'o', lastError: 'HTTP 400: bad payload', attempts: 2 }),
      ]);
      expect(await harness.store.claimOutbox(T0 + 60 * MINUTE, { limit: 1, leaseMs: LEASE })).toEqual([]);
    });

    it('keeps the receipt, the attempts and the last failed attempt’s error together, by incident and channel', async () => {
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        outbox: [
          makeEffect('opened', 'INC-1', { channel: 'jira' }),
          makeEffect('elsewhere', 'INC-1'),
          makeEffect('other-incident', 'INC-2', { channel: 'jira' }),
          makeEffect('updated', 'INC-1', { channel: 'jira' }),
        ],
      });
      const claim = (now: number) => harness.store.claimOutbox(now, { limit: 10, leaseMs: LEASE });
      await claim(T0);
      await harness.store.failOutbox('opened', { error: 'jira answered 503', nextAttemptAt: T0 + SECOND });
      for (const id of ['elsewhere', 'other-incident'])
        await harness.store.completeOutbox(id, { status: 200 });
      await claim(T0 + SECOND);
      const receipt = { channel: 'jira', kind: 'jira', status: 201, at: T0 + SECOND, providerId: 'OPS-17' };
      await harness.store.completeOutbox('opened', receipt, { attempt: 2 });
      await claim(T0 + SECOND);
      await harness.store.completeOutbox('updated', { status: 204 });

      const delivered = await harness.store.listOutbox({
        incident: 'INC-1',
        channel: 'jira',
        status: 'delivered',
      });
      expect(delivered.items.map((row) => row.id)).toEqual(['updated', 'opened']);
      expect(delivered.items[1]).toMatchObject({
        status: 'delivered',
        attempts: 2,
        lastError: 'jira answered 503',
        receipt,
      });
      const page = await harness.store.listOutbox({ incident: 'INC-1', channel: 'jira', limit: 1 });
      expect(page.items.map((row) => row.id)).toEqual(['updated']);
      const next = await harness.store.listOutbox({
        incident: 'INC-1',
        channel: 'jira',
        limit: 1,
        ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
      });
      expect(next.items.map((row) => row.id)).toEqual(['opened']);
      expect(next.nextCursor).toBeUndefined();
      expect((await harness.store.listOutbox({ channel: 'jira' })).items.map((row) => row.id)).toEqual([
        'updated',
        'other-incident',
        'opened',
      ]);
      await expectStoreError(
        harness.store.listOutbox({ channel: 7 as unknown as string }),
        'store-invalid-input',
      );
    });

    it('lets only the latest claimer settle when given the attempt it claimed', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({ outbox: [makeEffect('o', 'INC-1')] });
      const [slow] = await harness.store.claimOutbox(T0, { limit: 1, leaseMs: LEASE });
      const [fast] = await harness.store.claimOutbox(T0 + LEASE, { limit: 1, leaseMs: LEASE });
      expect([slow?.attempts, fast?.attempts]).toEqual([1, 2]);
      const failure = { error: 'timed out', nextAttemptAt: T0 + MINUTE };
      expect(await harness.store.failOutbox('o', failure, { attempt: 1 })).toEqual({
        kind: 'stale',
        status: 'delivering',
        attempts: 2,
      });
      expect(await harness.store.completeOutbox('o', { ok: true }, { attempt: 2 })).toEqual({
        kind: 'settled',
        status: 'delivered',
      });
    });

    it('rejects a missing id, an error that is not text, a bad retry time and a receipt that is not JSON', async () => {
      await expectStoreError(harness.store.completeOutbox('', {}), 'store-invalid-input');
      await expectStoreError(
        harness.store.completeOutbox('o', () => 1),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.failOutbox('o', { error: 7 as unknown as string, dead: true }),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.failOutbox('o', { error: 'x', nextAttemptAt: Number.POSITIVE_INFINITY }),
        'store-invalid-input',
      );
      await expectStoreError(harness.store.completeOutbox('o', {}, { attempt: 0 }), 'store-invalid-input');
    });
  });

  describe('outboxStats', () => {
    it('counts rows by status and reports the age of the oldest undelivered row by the store clock', async () => {
      expect(await harness.store.outboxStats()).toEqual({
        counts: { pending: 0, delivering: 0, delivered: 0, dead: 0 },
      });
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        outbox: [
          makeEffect('a', 'INC-1', { createdAt: T0 - MINUTE }),
          makeEffect('b', 'INC-2', { createdAt: T0 }),
          makeEffect('c', 'INC-2', { createdAt: T0, channel: 'email' }),
          makeEffect('d', 'INC-1', { createdAt: T0, channel: 'email' }),
        ],
      });
      await harness.store.claimOutbox(T0, { limit: 4, leaseMs: LEASE });
      await harness.store.completeOutbox('b', {});
      await harness.store.failOutbox('c', { error: 'x', dead: true });
      await harness.store.failOutbox('d', { error: 'x', nextAttemptAt: T0 + MINUTE });
      harness.setNow(T0 + 10 * SECOND);
      expect(await harness.store.outboxStats()).toEqual({
        counts: { pending: 1, delivering: 1, delivered: 1, dead: 1 },
        oldestPendingAgeMs: MINUTE + 10 * SECOND,
      });
    });
  });
}
