/**
 * Tests of the SQLite adapter: the shared conformance suite on a temp file and on `:memory:`, then what only
 * SQLite has: pragmas, the migration table, refusing a newer schema, files, and several connections. The
 * rollup tiers' SQLite specifics are in `sqlite-rollup-tiers.test.ts`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../conformance.js';
import { DAY, SECOND, T0, expectStoreError, makeResult } from '../conformance/fixtures.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { defaultStorePath, openSqliteStore, type SqliteStore } from './sqlite-store.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lifeline-store-'));
}

describeStoreConformance('sqlite file', async ({ now }) => {
  const dir = tempDir();
  const path = join(dir, 'lifeline.db');
  const store = await openSqliteStore({ path, now });
  return {
    store,
    openAnother: () => openSqliteStore({ path, now }),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeStoreConformance('sqlite :memory:', async ({ now }) => {
  const store = await openSqliteStore({ path: ':memory:', now });
  return { store, cleanup: () => store.close() };
});

describe('SQLite store', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];
  const open = async (options: Partial<Parameters<typeof openSqliteStore>[0]> = {}) => {
    const store = await openSqliteStore({ path, ...options });
    opened.push(store);
    return store;
  };
  /** A second, raw connection, the way another process (or a curious user) sees the file. */
  const rawQuery = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare<unknown[], T>(sql).all(...params);
    } finally {
      db.close();
    }
  };
  const rawExec = (sql: string): void => {
    const db = new Database(path);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = tempDir();
    path = join(dir, 'lifeline.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to <workspace>/.lifeline/lifeline.db and creates the directory on open', async () => {
    const workspace = join(dir, 'my workspace');
    path = defaultStorePath(workspace);
    expect(path).toBe(join(workspace, '.lifeline', 'lifeline.db'));
    const store = await open();
    expect(store.path).toBe(path);
    expect(existsSync(path)).toBe(true);
  });

  it('runs with WAL, NORMAL sync, foreign keys and a 5 s busy timeout', async () => {
    const store = await open();
    expect(await store.diagnostics()).toEqual({
      path,
      journalMode: 'wal',
      synchronous: 1,
      foreignKeys: true,
      busyTimeoutMs: 5000,
      schemaVersion: SQLITE_MIGRATIONS.length,
    });
    expect(rawQuery<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
  });

  it('records each migration once, with the clock time it was applied, across reopenings', async () => {
    const first = await open({ now: () => T0 });
    await first.close();
    const second = await open({ now: () => T0 + DAY });
    await second.close();
    await open({ now: () => T0 + 2 * DAY });
    const rows = rawQuery<{ version: number; name: string; applied_at: string }>(
      'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({
        version: m.version,
        name: m.name,
        applied_at: new Date(T0).toISOString(),
      })),
    );
  });

  it('keeps results, rollups and meta across close and reopen', async () => {
    const store = await open();
    await store.setMeta('workspace-id', 'ws-1');
    await store.recordCheckResults([makeResult({ startedAt: T0 }), makeResult({ startedAt: T0 + SECOND })]);
    const before = await store.listCheckResults();
    await store.close();

    const reopened = await open();
    expect(await reopened.getMeta('workspace-id')).toBe('ws-1');
    expect(await reopened.listCheckResults()).toEqual(before);
    expect((await reopened.checkRollups({ integration: 'stripe' }))[0]?.count).toBe(2);
    await reopened.recordCheckResults([makeResult({ startedAt: T0 + 2 * SECOND })]);
    expect((await reopened.checkRollups({ integration: 'stripe' }))[0]?.count).toBe(3);
  });

  it('refuses a database migrated by a newer Lifeline, telling the user to upgrade, and leaves it alone', async () => {
    await (await open()).close();
    const future = SQLITE_MIGRATIONS.length + 1;
    rawExec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${future}, 'future', 'x')`);
    const error = await expectStoreError(openSqliteStore({ path }), 'store-too-new');
    expect(error.message).toContain('Upgrade Lifeline');
    expect(error.message).toContain(`version ${future}`);
    expect(error.cause).toMatchObject({
      databaseVersion: future,
      supportedVersion: SQLITE_MIGRATIONS.length,
    });
    const versions = rawQuery<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((row) => row.version)).toEqual([...SQLITE_MIGRATIONS.map((m) => m.version), future]);
  });

  it('fails to open a path that is a directory or a file that is not a database', async () => {
    await expectStoreError(openSqliteStore({ path: dir }), 'store-open-failed');
    const garbage = join(dir, 'garbage.db');
    writeFileSync(
      garbage,
      'this is not a sqlite database, just text long enough to have a header'.repeat(20),
    );
    const error = await expectStoreError(openSqliteStore({ path: garbage }), 'store-open-failed');
    expect(error.message).toContain(garbage);
  });

  it('keeps each series’ raw row counter equal to its rows, and applies a smaller ring on reopen', async () => {
    const store = await open({ rawResultsPerCheck: 5 });
    for (let batch = 0; batch < 4; batch++) {
      await store.recordCheckResults([
        ...Array.from({ length: 3 }, (_, i) => makeResult({ startedAt: T0 + batch * 10 + i })),
        makeResult({ check: 'refunds', startedAt: T0 - batch }),
      ]);
    }
    const counters = () =>
      rawQuery<{ check_name: string; raw_results: number; actual: number }>(
        `SELECT check_name, raw_results,
           (SELECT COUNT(*) FROM check_results r WHERE r.series_id = s.id) AS actual
         FROM check_series s ORDER BY check_name`,
      );
    expect(counters()).toEqual([
      { check_name: 'charges', raw_results: 5, actual: 5 },
      { check_name: 'refunds', raw_results: 4, actual: 4 },
    ]);
    await store.close();

    const smaller = await open({ rawResultsPerCheck: 2 });
    await smaller.recordCheckResults([makeResult({ startedAt: T0 + 100 })]);
    expect(counters()[0]).toEqual({ check_name: 'charges', raw_results: 2, actual: 2 });
    const kept = (await smaller.listCheckResults({ check: 'charges' })).items.map(
      (item) => item.startedAt - T0,
    );
    expect(kept).toEqual([100, 32]);
  });

  it('never reuses an id, even after the ring deleted the row holding the highest one', async () => {
    const store = await open({ rawResultsPerCheck: 2 });
    await store.recordCheckResults([makeResult({ startedAt: T0 + 2 }), makeResult({ startedAt: T0 + 3 })]);
    await store.recordCheckResults([makeResult({ startedAt: T0 + 1, message: 'trimmed at once' })]);
    await store.recordCheckResults([makeResult({ startedAt: T0 + 4 })]);
    const ids = (await store.listCheckResults()).items.map((item) => Number(item.id));
    expect(ids).toEqual([4, 2]);
  });

  it('rolls back a failed batch completely and can record the same new check afterwards', async () => {
    const store = await open();
    rawExec(`CREATE TRIGGER boom BEFORE INSERT ON check_rollups BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const error = await expectStoreError(
      store.recordCheckResults([makeResult({ integration: 'new', check: 'fresh' })]),
      'store-failed',
    );
    expect(error.message).toContain('boom');
    expect(rawQuery('SELECT * FROM check_series')).toEqual([]);
    expect(rawQuery('SELECT * FROM check_results')).toEqual([]);
    rawExec('DROP TRIGGER boom');
    // A series id cached from the rolled-back transaction would now violate the foreign key.
    await store.recordCheckResults([makeResult({ integration: 'new', check: 'fresh' })]);
    expect((await store.latestCheckResults()).map((r) => `${r.integration}/${r.check}`)).toEqual([
      'new/fresh',
    ]);
  });

  it('reports store-busy when another process holds the write lock past the busy timeout', async () => {
    const store = await open({ busyTimeoutMs: 20 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      await expectStoreError(store.recordCheckResults([makeResult()]), 'store-busy');
      expect(await store.getMeta('still readable')).toBeUndefined();
      other.exec('ROLLBACK');
      expect(await store.recordCheckResults([makeResult()])).toEqual({ recorded: 1 });
    } finally {
      other.close();
    }
  });

  it('lets two connections to one file write and read each other’s data', async () => {
    const a = await open();
    const b = await open();
    await a.recordCheckResults([makeResult({ startedAt: T0, message: 'from a' })]);
    await b.recordCheckResults([makeResult({ startedAt: T0 + SECOND, message: 'from b' })]);
    await a.recordCheckResults([makeResult({ startedAt: T0 + 2 * SECOND, message: 'from a again' })]);
    await b.setMeta('owner', 'b');
    expect(await a.getMeta('owner')).toBe('b');
    expect((await a.listCheckResults()).items.map((item) => item.message)).toEqual([
      'from a again',
      'from b',
      'from a',
    ]);
    expect(await b.latestCheckResults()).toHaveLength(1);
    expect((await b.checkRollups({ integration: 'stripe' }))[0]?.count).toBe(3);
  });
});
