/**
 * What only SQLite shows about the engine's tables (the shared behaviour is in the conformance suite): a failure
 * in the middle of a decision's transaction rolls back every row, upgrading a store of the previous schema
 * keeps its data, the hot queries use their indexes, and two processes claiming one file's outbox at the same
 * time never get the same row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeEffect, makeEntry, makeIncident, makeTimer } from '../conformance/engine-fixtures.js';
import { T0, expectStoreError } from '../conformance/fixtures.js';
import { spawnTsx } from '../test-support/child-process.js';
import { ENGINE_SQL } from './sqlite-engine-sql.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { migrateSqlite } from './sqlite-migrator.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

describe('SQLite engine tables', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];
  const open = async () => {
    const store = await openSqliteStore({ path, now: () => T0 });
    opened.push(store);
    return store;
  };
  const withRaw = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-engine-'));
    path = join(dir, 'lifeline.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rolls back every row of a decision when its last insert fails inside the transaction', async () => {
    const store = await open();
    withRaw((db) =>
      db.exec(
        `CREATE TRIGGER boom BEFORE INSERT ON engine_state BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`,
      ),
    );
    const decision = {
      incidents: [makeIncident('INC-1')],
      timeline: [makeEntry('INC-1', 0)],
      timers: [makeTimer('t', 'INC-1')],
      outbox: [makeEffect('o', 'INC-1')],
      engineState: [{ key: 'counters', document: { next: 2 } }],
    };
    const error = await expectStoreError(store.applyDecision(decision), 'store-failed');
    expect(error.message).toContain('disk on fire');
    const counts = withRaw((db) =>
      ['incidents', 'incident_timeline', 'timers', 'outbox', 'engine_state'].map(
        (table) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
      ),
    );
    expect(counts).toEqual([0, 0, 0, 0, 0]);
    withRaw((db) => db.exec('DROP TRIGGER boom'));
    await store.applyDecision(decision);
    expect((await store.getIncident('INC-1'))?.outbox.map((row) => row.id)).toEqual(['o']);
  });

  it('adds the engine tables to a store of the previous schema, keeping its data', async () => {
    withRaw((db) => {
      migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 2), () => T0, path);
      db.prepare(`INSERT INTO meta (key, value) VALUES ('workspace-id', 'ws-1')`).run();
    });
    const store = await open();
    expect((await store.diagnostics()).schemaVersion).toBe(SQLITE_MIGRATIONS.length);
    expect(await store.getMeta('workspace-id')).toBe('ws-1');
    await store.applyDecision({ incidents: [makeIncident('INC-1')] });
    expect((await store.listIncidents()).items).toHaveLength(1);
  });

  it('answers the hot queries from indexes, not table scans', async () => {
    await open();
    const plan = (sql: string, params: Record<string, unknown> | unknown[]): string =>
      withRaw((db) =>
        db
          .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...(Array.isArray(params) ? params : [params]))
          .map((row) => row.detail)
          .join('\n'),
      );
    const dueTimers = plan(ENGINE_SQL.dueTimers, [T0, 10]);
    expect(dueTimers).toContain('timers_due');
    const claimable = plan(ENGINE_SQL.claimable, { now: T0, channel: null, limit: 10 });
    expect(claimable).toMatch(/outbox_due/);
    // The lane check probes the partial index of undelivered rows, not a lane's whole history.
    expect(claimable).toMatch(/SEARCH p USING INDEX outbox_open_lanes/);
    expect(claimable).not.toMatch(/SCAN (o|outbox)\b(?! USING)/);
    const within = plan(ENGINE_SQL.claimableWithin, {
      now: T0,
      channel: null,
      limit: 10,
      channelLimits: '{"slack-ops":2}',
    });
    expect(within).toMatch(/SEARCH p USING INDEX outbox_open_lanes/);
    expect(within).not.toMatch(/SCAN (o|outbox)\b(?! USING)/);
    const snapshot = plan(ENGINE_SQL.snapshotIncidents, [T0]);
    expect(snapshot).toContain('incidents_by_status');
    expect(snapshot).not.toMatch(/SCAN incidents/);
  });

  it('never lets two processes claim the same row of one file', async () => {
    const store = await open();
    const incidents = Array.from({ length: 40 }, (_, i) => makeIncident(`INC-${i}`));
    const rows = incidents.flatMap((incident) =>
      ['slack', 'email', 'pagerduty'].map((channel) =>
        makeEffect(`${incident.id}:${channel}`, incident.id, { channel }),
      ),
    );
    await store.applyDecision({ incidents, outbox: rows });

    const claimers = ['a', 'b'].map((name) => spawnTsx('./outbox-claimer.ts', [path, name]));
    await Promise.all(claimers.map((child) => child.waitFor('ready')));
    for (const child of claimers) child.process.stdin?.write('go\n');
    await Promise.all(claimers.map((child) => child.waitFor('done')));

    const claimedBy = claimers.map((child) =>
      child.lines.filter((line) => line.startsWith('claimed ')).map((line) => line.slice('claimed '.length)),
    );
    const all = claimedBy.flat();
    expect(new Set(all).size, 'a row was claimed twice').toBe(all.length);
    expect([...all].sort()).toEqual(rows.map((row) => row.id).sort());
    const stats = await store.outboxStats();
    expect(stats.counts).toEqual({ pending: 0, delivering: 0, delivered: rows.length, dead: 0 });
    const attempts = withRaw((db) => db.prepare('SELECT DISTINCT attempts FROM outbox').pluck().all());
    expect(attempts).toEqual([1]);
  }, 30_000);
});
