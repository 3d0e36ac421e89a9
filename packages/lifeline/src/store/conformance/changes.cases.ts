/**
 * Conformance cases for change records: recording is idempotent by id, listing is newest first with filters
 * (time range, integration, kind) and a keyset cursor that survives inserts between pages, and invalid input
 * or a foreign cursor is refused before anything is written.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from '../../changes/change.js';
import type { ChangeQuery } from '../change-records.js';
import type { Store } from '../store.js';
import { MINUTE, T0, expectStoreError, type StoreHarness } from './fixtures.js';

function makeChange(id: string, overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return { id, kind: 'deploy', ref: `ref-${id}`, at: T0, source: 'api', integration: 'stripe', ...overrides };
}

async function allIds(store: Store, query: ChangeQuery, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.listChanges({ ...query, limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('pagination does not terminate');
}

export function describeChangeCases(harness: StoreHarness): void {
  describe('changes', () => {
    it('records a change and returns it as stored, every field kept', async () => {
      const change = makeChange('c1', {
        service: 'checkout',
        team: 'payments-team',
        by: 'alice',
        url: 'https://ci.example/run/1',
        summary: 'v42 ünïcødé',
        environment: 'production',
        source: 'github',
      });
      expect(await harness.store.recordChange(change)).toEqual({ created: true, change });
      expect((await harness.store.listChanges()).items).toEqual([change]);
    });

    it('is idempotent by id: the same id twice is one record, the first one', async () => {
      await harness.store.recordChange(makeChange('c1', { ref: 'first' }));
      const again = await harness.store.recordChange(makeChange('c1', { ref: 'second', at: T0 + MINUTE }));
      expect(again.created).toBe(false);
      expect(again.change.ref).toBe('first');
      const { items } = await harness.store.listChanges();
      expect(items.map((c) => [c.id, c.ref])).toEqual([['c1', 'first']]);
    });

    it('lists newest first by at, then id, filtered by time, integration and kind', async () => {
      await harness.store.recordChange(makeChange('a', { at: T0 }));
      await harness.store.recordChange(makeChange('b', { at: T0 + MINUTE, integration: 'twilio' }));
      await harness.store.recordChange(makeChange('c', { at: T0 + MINUTE, kind: 'key-rotation' }));
      await harness.store.recordChange(makeChange('d', { at: T0 + 2 * MINUTE, integration: undefined }));
      const ids = async (query: ChangeQuery) =>
        (await harness.store.listChanges(query)).items.map((c) => c.id);
      expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
      expect(await ids({ since: T0 + MINUTE })).toEqual(['d', 'c', 'b']);
      expect(await ids({ until: T0 + MINUTE })).toEqual(['a']);
      expect(await ids({ since: T0, until: T0 + 2 * MINUTE })).toEqual(['c', 'b', 'a']);
      expect(await ids({ integration: 'stripe' })).toEqual(['c', 'a']);
      expect(await ids({ kind: 'key-rotation' })).toEqual(['c']);
      expect(await ids({ integration: 'nobody' })).toEqual([]);
    });

    it('pages with a cursor without gaps or duplicates, even when changes arrive between pages', async () => {
      for (let i = 0; i < 7; i++) {
        await harness.store.recordChange(makeChange(`c${i}`, { at: T0 + Math.floor(i / 2) * MINUTE }));
      }
      const first = await harness.store.listChanges({ limit: 3 });
      expect(first.items.map((c) => c.id)).toEqual(['c6', 'c5', 'c4']);
      // Newer than every page already read: it must not shift the older pages.
      await harness.store.recordChange(makeChange('late', { at: T0 + 10 * MINUTE }));
      const rest = await allIds(harness.store, { cursor: first.nextCursor! }, 3);
      expect(rest).toEqual(['c3', 'c2', 'c1', 'c0']);
      expect(await allIds(harness.store, {}, 2)).toEqual(['late', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1', 'c0']);
    });

    it('rejects an invalid change with store-invalid-input and writes nothing', async () => {
      const bad = [
        makeChange(''),
        makeChange('k', { kind: 'reboot' as ChangeRecord['kind'] }),
        makeChange('r', { ref: '' }),
        makeChange('t', { at: Number.NaN }),
        makeChange('s', { source: 'email' as ChangeRecord['source'] }),
        makeChange('i', { integration: 42 as unknown as string }),
      ];
      for (const change of bad) {
        await expectStoreError(harness.store.recordChange(change), 'store-invalid-input');
      }
      expect((await harness.store.listChanges()).items).toEqual([]);
    });

    it('rejects a cursor it did not issue and an unknown kind filter', async () => {
      await expectStoreError(harness.store.listChanges({ cursor: 'not-a-cursor' }), 'store-invalid-cursor');
      await expectStoreError(
        harness.store.listChanges({ kind: 'reboot' as ChangeRecord['kind'] }),
        'store-invalid-input',
      );
    });
  });
}
