/**
 * The measuring Store decorator over a real (in-memory SQLite) store: every call is observed under its method
 * name, answers and failures pass through unchanged, and non-method properties are left alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import { measureStore } from './measured-store.js';

let opened: SqliteStore | undefined;

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

describe('measureStore', () => {
  it('observes each call by method name and passes its answer through', async () => {
    opened = await openSqliteStore({ path: ':memory:' });
    const seen: { operation: string; seconds: number }[] = [];
    const store = measureStore(opened, (operation, seconds) => seen.push({ operation, seconds }));
    await store.setMeta('workspace', 'acme');
    expect(await store.getMeta('workspace')).toBe('acme');
    const stats = await store.outboxStats();
    expect(stats.counts.pending).toBe(0);
    expect(seen.map((s) => s.operation)).toEqual(['setMeta', 'getMeta', 'outboxStats']);
    for (const s of seen) {
      expect(s.seconds).toBeGreaterThanOrEqual(0);
      expect(s.seconds).toBeLessThan(5);
    }
  });

  it('observes failed calls too, and the failure reaches the caller unchanged', async () => {
    opened = await openSqliteStore({ path: ':memory:' });
    const seen: string[] = [];
    const store = measureStore(opened, (operation) => seen.push(operation));
    const aborted = AbortSignal.abort();
    await expect(store.getMeta('x', { signal: aborted })).rejects.toMatchObject({ code: 'store-aborted' });
    expect(seen).toEqual(['getMeta']);
  });

  it('leaves non-method properties alone and keeps method identity stable', async () => {
    opened = await openSqliteStore({ path: ':memory:' });
    const store = measureStore(opened, () => undefined) as SqliteStore;
    expect(store.path).toBe(opened.path);
    expect(store.getMeta).toBe(store.getMeta);
  });
});
