/**
 * SQLite specifics of the rollup tiers: the tier migration on a database the first release created and filled,
 * retention options, compaction turns that commit fold and delete together (abort and failure part-way), and
 * query plans that stay primary-key walks.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, T0, expectStoreError, makeResult } from '../conformance/fixtures.js';
import { bucketIndex } from '../latency-histogram.js';
import { summariseRollups } from '../rollups.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { migrateSqlite } from './sqlite-migrator.js';
import { rollupsSql } from './sqlite-rollup-tiers.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

describe('SQLite rollup tiers', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];
  const open = async (options: Partial<Parameters<typeof openSqliteStore>[0]> = {}) => {
    const store = await openSqliteStore({ path, ...options });
    opened.push(store);
    return store;
  };
  /** Runs statements on a separate connection, the way another process sees the file. */
  const withRaw = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  const countRows = (table: string): number =>
    withRaw((db) => db.prepare<[], number>(`SELECT COUNT(*) FROM ${table}`).pluck().get() ?? 0);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-tiers-'));
    path = join(dir, 'lifeline.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('upgrades a database the first migration created, keeping its minute rows and raw results', async () => {
    const [first] = SQLITE_MIGRATIONS;
    withRaw((db) => {
      migrateSqlite(db, [first!], () => T0, path);
      // Rows exactly as the first release wrote them: minutes in epoch minutes, classes and histogram as JSON.
      db.exec(`
        INSERT INTO check_series (id, integration, check_name, raw_results) VALUES (1, 'stripe', 'charges', 1);
        INSERT INTO check_results (series_id, started_at, ok, class, latency_ms, data)
          VALUES (1, ${T0}, 1, 'ok', 120, '${JSON.stringify(makeResult({ startedAt: T0 }))}');
        INSERT INTO check_rollups VALUES
          (1, ${T0 / MINUTE}, 2, 1, '{"ok":1,"timeout":1}', 320, 120, 200,
            '{"${bucketIndex(120)}":1,"${bucketIndex(200)}":1}'),
          (1, ${T0 / MINUTE + 1}, 1, 0, '{"ok":1}', 80, 80, 80, '{"${bucketIndex(80)}":1}');
      `);
    });

    const store = await open({ now: () => T0 + DAY });
    expect((await store.diagnostics()).schemaVersion).toBe(SQLITE_MIGRATIONS.length);
    expect(await store.checkRollups({ integration: 'stripe' })).toEqual([
      {
        integration: 'stripe',
        check: 'charges',
        start: T0,
        bucketMs: MINUTE,
        count: 2,
        failures: 1,
        byClass: { ok: 1, timeout: 1 },
        latencySumMs: 320,
        latencyMinMs: 120,
        latencyMaxMs: 200,
        histogram: { [bucketIndex(120)]: 1, [bucketIndex(200)]: 1 },
      },
      expect.objectContaining({ start: T0 + MINUTE, bucketMs: MINUTE, count: 1 }),
    ]);
    expect((await store.listCheckResults()).items).toHaveLength(1);

    // New results merge into the upgraded minute rows, and compaction folds them like any other.
    await store.recordCheckResults([makeResult({ startedAt: T0 + 30_000, latencyMs: 100 })]);
    const before = summariseRollups(await store.checkRollups({ integration: 'stripe' }));
    expect(before.count).toBe(4);
    expect(await store.compactRollups(T0 + HOUR + 48 * HOUR)).toMatchObject({ minutesFolded: 2 });
    const after = await store.checkRollups({ integration: 'stripe' });
    expect(after.map((row) => [row.start, row.bucketMs])).toEqual([[T0, HOUR]]);
    expect(summariseRollups(after)).toEqual(before);
  });

  it('rejects nonsensical retention before touching the file', async () => {
    for (const options of [
      { rawResultsPerCheck: 0 },
      { minuteRetentionHours: 0 },
      { hourRetentionDays: Number.NaN },
      { rollupRetentionDays: -1 },
      // A finer tier kept longer than the next coarser one.
      { minuteRetentionHours: 36 * 24 },
      { hourRetentionDays: 401 },
    ]) {
      await expectStoreError(openSqliteStore({ path, ...options }), 'store-invalid-input');
    }
    expect(existsSync(path)).toBe(false);
  });

  it('honours the ring size and each tier’s retention', async () => {
    const store = await open({
      rawResultsPerCheck: 3,
      minuteRetentionHours: 1,
      hourRetentionDays: 1,
      rollupRetentionDays: 2,
    });
    await store.recordCheckResults(
      Array.from({ length: 5 }, (_, i) => makeResult({ startedAt: T0 + i * DAY + 6 * HOUR })),
    );
    const kept = (await store.listCheckResults()).items.map((item) =>
      Math.floor((item.startedAt - T0) / DAY),
    );
    expect(kept).toEqual([4, 3, 2]);

    const outcome = await store.compactRollups(T0 + 4 * DAY + 12 * HOUR);
    expect(outcome).toEqual({
      minutesFolded: 3,
      hoursFolded: 1,
      expired: 2,
      cutoffs: { minute: T0 + 4 * DAY + 11 * HOUR, hour: T0 + 3 * DAY, retention: T0 + 2 * DAY },
    });
    const rows = await store.checkRollups({ integration: 'stripe' });
    expect(rows.map((row) => [row.start - T0, row.bucketMs])).toEqual([
      [2 * DAY, DAY],
      [3 * DAY + 6 * HOUR, HOUR],
      [4 * DAY + 6 * HOUR, HOUR],
    ]);
  });

  it('keeps the turns an aborted compaction committed, losing and double-counting nothing', async () => {
    const store = await open();
    // 150 checks × 20 minutes to fold: more than one turn of work, so the abort lands between turns.
    await store.recordCheckResults(
      Array.from({ length: 3000 }, (_, i) =>
        makeResult({ check: `check-${i % 150}`, startedAt: T0 + Math.floor(i / 150) * MINUTE }),
      ),
    );
    const now = T0 + HOUR + 48 * HOUR;
    const controller = new AbortController();
    const compacting = store.compactRollups(now, { signal: controller.signal });
    setImmediate(() => controller.abort(new Error('shutdown')));
    await expectStoreError(compacting, 'store-aborted');

    const minutesLeft = countRows('check_rollups');
    expect(countRows('check_rollups_hourly')).toBeGreaterThan(0);
    expect(minutesLeft).toBeGreaterThan(0);
    // Whatever was folded, each result is still counted exactly once across the two tiers.
    expect(summariseRollups(await store.checkRollups({ integration: 'stripe' })).count).toBe(3000);

    expect(await store.compactRollups(now)).toMatchObject({ minutesFolded: minutesLeft });
    const rows = await store.checkRollups({ integration: 'stripe' });
    expect(rows).toHaveLength(150);
    expect(rows.every((row) => row.bucketMs === HOUR && row.count === 20)).toBe(true);
  });

  it('rolls back a fold whose source rows cannot be deleted, so no result is counted twice', async () => {
    const store = await open();
    await store.recordCheckResults([makeResult({ startedAt: T0 }), makeResult({ startedAt: T0 + MINUTE })]);
    withRaw((db) =>
      db.exec(`CREATE TRIGGER boom BEFORE DELETE ON check_rollups BEGIN SELECT RAISE(ABORT, 'boom'); END`),
    );
    const now = T0 + HOUR + 48 * HOUR;
    const error = await expectStoreError(store.compactRollups(now), 'store-failed');
    expect(error.message).toContain('boom');
    expect(countRows('check_rollups_hourly')).toBe(0);
    expect(countRows('check_rollups')).toBe(2);

    withRaw((db) => db.exec('DROP TRIGGER boom'));
    expect(await store.compactRollups(now)).toMatchObject({ minutesFolded: 2 });
    expect((await store.checkRollups({ integration: 'stripe' })).map((row) => row.count)).toEqual([2]);
  });

  it('reads every tier by primary-key range, never by scanning a table', async () => {
    await (await open()).close();
    const plan = withRaw((db) =>
      db
        .prepare<Record<string, unknown>, { detail: string }>(
          `EXPLAIN QUERY PLAN ${rollupsSql({ check: true, since: true, until: true })}`,
        )
        .all({ integration: 'x', check: 'y', ...Object.fromEntries(boundNames().map((name) => [name, 0])) })
        .map((row) => row.detail),
    );
    const tableAccess = plan.filter((detail) => /^(SEARCH|SCAN) r\b/.test(detail));
    expect(tableAccess).toHaveLength(3);
    for (const detail of tableAccess)
      expect(detail).toMatch(/^SEARCH r USING PRIMARY KEY \(series_id=\? AND/);
  });
});

function boundNames(): string[] {
  return ['minute', 'hour', 'day'].flatMap((column) => [`since_${column}`, `until_${column}`]);
}
