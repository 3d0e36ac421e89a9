/**
 * Conformance cases for raw check results: recording, listing with filters and cursor pagination, the newest
 * result per check, and the per-check ring that bounds raw growth.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../checks/check-result.js';
import { DEFAULT_RAW_RESULTS_PER_CHECK, MAX_PAGE_LIMIT } from '../store.js';
import {
  SECOND,
  T0,
  expectNewestFirst,
  expectStoreError,
  makeResult,
  readAllPages,
  withoutId,
  type StoreHarness,
} from './fixtures.js';

/** A fully populated result, every optional field set, to prove nothing is lost on the way through. */
const FULL_RESULT: CheckResult = makeResult({
  kind: 'schema',
  ok: false,
  class: 'schema-drift',
  status: 200,
  latencyMs: 87.5,
  signature: 'stripe:charges:schema-drift:/data/0/amount',
  message: 'amount became a string',
  startedAt: T0 + 1234,
  scheduledAt: T0 + 1000,
  errorCode: 'E_DRIFT',
  retryAfterMs: 1500,
  attempts: 2,
  tls: {
    daysLeft: 42,
    validTo: '2025-02-12T00:00:00.000Z',
    validFrom: '2024-11-14T00:00:00.000Z',
    issuer: 'CN=Test CA',
    subject: 'CN=api.stripe.test',
    selfSigned: false,
    trusted: true,
    hostnameMatches: true,
    protocol: 'TLSv1.3',
  },
  drift: [{ pointer: '/data/0/amount', kind: 'type-changed', expected: 'integer', actual: 'string' }],
});

export function describeCheckResultCases(harness: StoreHarness): void {
  describe('recordCheckResults', () => {
    it('stores every field of a result and gives it a string id', async () => {
      const outcome = await harness.store.recordCheckResults([FULL_RESULT]);
      expect(outcome).toEqual({ recorded: 1 });
      const { items } = await harness.store.listCheckResults();
      expect(items).toHaveLength(1);
      expect(typeof items[0]?.id).toBe('string');
      expect(withoutId(items[0]!)).toEqual(FULL_RESULT);
    });

    it('records an empty batch as nothing', async () => {
      expect(await harness.store.recordCheckResults([])).toEqual({ recorded: 0 });
      expect((await harness.store.listCheckResults()).items).toEqual([]);
    });

    it('rejects a batch with an invalid result without writing any of it', async () => {
      const bad = makeResult({ latencyMs: Number.NaN, startedAt: T0 + 1 });
      const error = await expectStoreError(
        harness.store.recordCheckResults([makeResult(), bad]),
        'store-invalid-input',
      );
      expect(error.message).toContain('check result 1');
      expect((await harness.store.listCheckResults()).items).toEqual([]);
      expect(await harness.store.latestCheckResults()).toEqual([]);
      expect(await harness.store.checkRollups({ integration: 'stripe' })).toEqual([]);
    });

    it('gives every result its own id, also across batches', async () => {
      await harness.store.recordCheckResults([makeResult(), makeResult()]);
      await harness.store.recordCheckResults([makeResult()]);
      const ids = (await harness.store.listCheckResults()).items.map((item) => item.id);
      expect(new Set(ids).size).toBe(3);
    });
  });

  describe('listCheckResults', () => {
    it('lists newest first, ties in the order they were recorded (latest recorded first)', async () => {
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 + 2 * SECOND, message: 'newest' }),
        makeResult({ startedAt: T0, message: 'oldest' }),
        makeResult({ startedAt: T0 + SECOND, message: 'tie recorded first' }),
      ]);
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 + SECOND, message: 'tie recorded second' }),
      ]);
      const { items, nextCursor } = await harness.store.listCheckResults();
      expect(items.map((item) => item.message)).toEqual([
        'newest',
        'tie recorded second',
        'tie recorded first',
        'oldest',
      ]);
      expect(nextCursor).toBeUndefined();
    });

    it('filters by integration, check, class, ok and a half-open time range', async () => {
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0, message: 'a' }),
        makeResult({ startedAt: T0 + SECOND, class: 'timeout', message: 'b' }),
        makeResult({ startedAt: T0 + 2 * SECOND, check: 'refunds', class: 'credential', message: 'c' }),
        makeResult({ startedAt: T0 + 3 * SECOND, integration: 'twilio', check: 'charges', message: 'd' }),
        makeResult({ startedAt: T0 + 4 * SECOND, class: 'server-error', message: 'e' }),
      ]);
      const messages = async (query: Parameters<typeof harness.store.listCheckResults>[0]) =>
        (await harness.store.listCheckResults(query)).items.map((item) => item.message);

      expect(await messages({ integration: 'stripe' })).toEqual(['e', 'c', 'b', 'a']);
      expect(await messages({ integration: 'stripe', check: 'charges' })).toEqual(['e', 'b', 'a']);
      expect(await messages({ check: 'charges' })).toEqual(['e', 'd', 'b', 'a']);
      expect(await messages({ class: 'timeout' })).toEqual(['b']);
      expect(await messages({ class: ['credential', 'server-error'] })).toEqual(['e', 'c']);
      expect(await messages({ ok: true })).toEqual(['d', 'a']);
      expect(await messages({ ok: false })).toEqual(['e', 'c', 'b']);
      expect(await messages({ ok: false, integration: 'stripe', check: 'charges' })).toEqual(['e', 'b']);
      expect(await messages({ since: T0 + SECOND, until: T0 + 4 * SECOND })).toEqual(['d', 'c', 'b']);
      expect(await messages({ since: T0 + 4 * SECOND })).toEqual(['e']);
      expect(await messages({ until: T0 + SECOND })).toEqual(['a']);
      expect(await messages({ integration: 'nobody' })).toEqual([]);
      expect(await messages({ class: [] })).toEqual([]);
    });

    it('pages through everything with no duplicates or gaps, ties included', async () => {
      // 250 results over 3 checks, several sharing each startedAt, recorded out of order.
      const results = Array.from({ length: 250 }, (_, i) =>
        makeResult({
          check: ['charges', 'refunds', 'payouts'][i % 3],
          startedAt: T0 + ((i * 37) % 83) * SECOND,
          ok: i % 4 !== 0,
          message: `r${i}`,
        }),
      );
      await harness.store.recordCheckResults(results);

      const all = await readAllPages(harness.store, {}, 7);
      expect(all.pages).toBe(Math.ceil(250 / 7));
      expect(all.items.map((item) => item.message).sort()).toEqual(results.map((r) => r.message).sort());
      expect(new Set(all.items.map((item) => item.id)).size).toBe(250);
      expectNewestFirst(all.items);
      // Page boundaries must not reorder anything: the paged listing equals one big page.
      const single = await harness.store.listCheckResults({ limit: 250 });
      expect(all.items.map((item) => item.id)).toEqual(single.items.map((item) => item.id));

      const failures = await readAllPages(harness.store, { ok: false, check: 'refunds' }, 4);
      const expected = results.filter((r) => !r.ok && r.check === 'refunds').map((r) => r.message);
      expect(failures.items.map((item) => item.message).sort()).toEqual(expected.sort());
      expect(new Set(failures.items.map((item) => item.id)).size).toBe(expected.length);
      expectNewestFirst(failures.items);
    });

    it('keeps paging consistent when newer results arrive between pages', async () => {
      await harness.store.recordCheckResults(
        Array.from({ length: 10 }, (_, i) => makeResult({ startedAt: T0 + i * SECOND, message: `old${i}` })),
      );
      const first = await harness.store.listCheckResults({ limit: 4 });
      await harness.store.recordCheckResults([makeResult({ startedAt: T0 + 60 * SECOND, message: 'new' })]);
      const second = await harness.store.listCheckResults({ limit: 4, cursor: first.nextCursor! });
      const third = await harness.store.listCheckResults({ limit: 4, cursor: second.nextCursor! });
      const seen = [...first.items, ...second.items, ...third.items].map((item) => item.message);
      expect(seen).toEqual(['old9', 'old8', 'old7', 'old6', 'old5', 'old4', 'old3', 'old2', 'old1', 'old0']);
      expect(third.nextCursor).toBeUndefined();
    });

    it('defaults to 100 a page and never returns more than 1000', async () => {
      // Spread over enough checks that the raw ring keeps every one of them.
      const checks = Math.ceil(1200 / DEFAULT_RAW_RESULTS_PER_CHECK);
      const results = Array.from({ length: 1200 }, (_, i) =>
        makeResult({ check: `check-${i % checks}`, startedAt: T0 + i }),
      );
      await harness.store.recordCheckResults(results);
      const defaultPage = await harness.store.listCheckResults();
      expect(defaultPage.items).toHaveLength(100);
      expect(defaultPage.items[0]?.startedAt).toBe(T0 + 1199);
      expect(defaultPage.nextCursor).toBeDefined();
      const capped = await harness.store.listCheckResults({ limit: 5000 });
      expect(capped.items).toHaveLength(MAX_PAGE_LIMIT);
      const rest = await harness.store.listCheckResults({ limit: 5000, cursor: capped.nextCursor! });
      expect(rest.items).toHaveLength(200);
      expect(rest.nextCursor).toBeUndefined();
    });

    it('rejects a bad limit, an unknown class and a cursor it did not issue', async () => {
      await expectStoreError(harness.store.listCheckResults({ limit: 0 }), 'store-invalid-input');
      await expectStoreError(harness.store.listCheckResults({ limit: 2.5 }), 'store-invalid-input');
      await expectStoreError(
        harness.store.listCheckResults({ class: 'nonsense' as CheckResult['class'] }),
        'store-invalid-input',
      );
      await expectStoreError(harness.store.listCheckResults({ since: Number.NaN }), 'store-invalid-input');
      await expectStoreError(
        harness.store.listCheckResults({ cursor: 'not-a-cursor' }),
        'store-invalid-cursor',
      );
      const foreign = Buffer.from('{"offset":100}').toString('base64url');
      await expectStoreError(harness.store.listCheckResults({ cursor: foreign }), 'store-invalid-cursor');
    });
  });

  describe('latestCheckResults', () => {
    it('returns nothing for an empty store', async () => {
      expect(await harness.store.latestCheckResults()).toEqual([]);
    });

    it('returns the newest result of each (integration, check), ordered by integration then check', async () => {
      await harness.store.recordCheckResults([
        makeResult({
          integration: 'twilio',
          check: 'sms',
          startedAt: T0 + 5 * SECOND,
          message: 'twilio new',
        }),
        makeResult({ check: 'refunds', startedAt: T0, message: 'refunds only' }),
        makeResult({ startedAt: T0 + 9 * SECOND, ok: false, message: 'charges newest' }),
        makeResult({ integration: 'twilio', check: 'sms', startedAt: T0, message: 'twilio old' }),
      ]);
      // Recorded later but older: must not become the latest.
      await harness.store.recordCheckResults([
        makeResult({ startedAt: T0 + SECOND, message: 'charges late' }),
      ]);
      const latest = await harness.store.latestCheckResults();
      expect(latest.map((r) => [r.integration, r.check, r.message])).toEqual([
        ['stripe', 'charges', 'charges newest'],
        ['stripe', 'refunds', 'refunds only'],
        ['twilio', 'sms', 'twilio new'],
      ]);
      expect(latest[0]?.ok).toBe(false);
    });

    it('breaks a startedAt tie in favour of the result recorded last', async () => {
      await harness.store.recordCheckResults([makeResult({ message: 'first' })]);
      await harness.store.recordCheckResults([makeResult({ message: 'second' })]);
      expect((await harness.store.latestCheckResults()).map((r) => r.message)).toEqual(['second']);
    });
  });

  describe('raw result ring', () => {
    const ring = DEFAULT_RAW_RESULTS_PER_CHECK;

    it(`keeps only the newest ${ring} raw results per check, leaving other checks alone`, async () => {
      const charges = Array.from({ length: ring + 10 }, (_, i) => makeResult({ startedAt: T0 + i * SECOND }));
      const refunds = Array.from({ length: 5 }, (_, i) =>
        makeResult({ check: 'refunds', startedAt: T0 + i }),
      );
      await harness.store.recordCheckResults([...charges, ...refunds]);

      const kept = await readAllPages(harness.store, { check: 'charges' }, 1000);
      expect(kept.items).toHaveLength(ring);
      expect(kept.items[0]?.startedAt).toBe(T0 + (ring + 9) * SECOND);
      expect(kept.items[ring - 1]?.startedAt).toBe(T0 + 10 * SECOND);
      expect((await harness.store.listCheckResults({ check: 'refunds' })).items).toHaveLength(5);
    });

    it('trims across batches and drops a late result older than everything kept', async () => {
      await harness.store.recordCheckResults(
        Array.from({ length: ring }, (_, i) => makeResult({ startedAt: T0 + (i + 10) * SECOND })),
      );
      for (let i = 0; i < 3; i++) {
        await harness.store.recordCheckResults([makeResult({ startedAt: T0 + (ring + 10 + i) * SECOND })]);
      }
      await harness.store.recordCheckResults([makeResult({ startedAt: T0, message: 'late and old' })]);
      const kept = await readAllPages(harness.store, {}, 1000);
      expect(kept.items).toHaveLength(ring);
      expect(kept.items.some((item) => item.message === 'late and old')).toBe(false);
      expect(kept.items[ring - 1]?.startedAt).toBe(T0 + 13 * SECOND);
      // Rollups are not trimmed by the ring: every result ever recorded is counted.
      const rollups = await harness.store.checkRollups({ integration: 'stripe' });
      expect(rollups.reduce((sum, row) => sum + row.count, 0)).toBe(ring + 4);
    });
  });
}
