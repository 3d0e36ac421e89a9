/**
 * Tests of the SQLite migration runner with made-up migration lists: append-only application, one transaction
 * per migration, and what happens when a step fails.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '../store-error.js';
import { SQLITE_MIGRATIONS, type SqliteMigration } from './migrations.js';
import { migrateSqlite } from './sqlite-migrator.js';

const now = () => Date.UTC(2025, 0, 1);

function createTable(version: number, table: string): SqliteMigration {
  return {
    version,
    name: `create-${table}`,
    up: (db) => {
      db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY)`);
    },
  };
}

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], string>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    .pluck()
    .all();
}

describe('migrateSqlite', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => {
    db.close();
  });

  it('applies pending migrations in order, then nothing, then only what was appended', () => {
    const v1 = [createTable(1, 'one'), createTable(2, 'two')];
    expect(migrateSqlite(db, v1, now, ':memory:')).toEqual({ applied: [1, 2], version: 2 });
    expect(migrateSqlite(db, v1, now, ':memory:')).toEqual({ applied: [], version: 2 });
    expect(migrateSqlite(db, [...v1, createTable(3, 'three')], now, ':memory:')).toEqual({
      applied: [3],
      version: 3,
    });
    expect(tables(db)).toEqual(['one', 'schema_migrations', 'three', 'two']);
  });

  it('rolls back a failing migration with its partial changes and keeps the ones before it', () => {
    const failing: SqliteMigration = {
      version: 2,
      name: 'half-done',
      up: (conn) => {
        conn.exec('CREATE TABLE partial (id INTEGER)');
        conn.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    let caught: unknown;
    try {
      migrateSqlite(db, [createTable(1, 'one'), failing, createTable(3, 'three')], now, 'test.db');
    } catch (error) {
      caught = error;
    }
    expect(isStoreError(caught, 'store-migration-failed')).toBe(true);
    expect((caught as Error).message).toContain('migration 2 (half-done) failed on test.db');
    expect((caught as Error).cause).toBeInstanceOf(Error);
    expect(tables(db)).toEqual(['one', 'schema_migrations']);
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual([1]);
  });

  it('refuses a database with a version it does not know, before changing anything', () => {
    migrateSqlite(db, [createTable(1, 'one'), createTable(2, 'two')], now, 'x.db');
    expect(() => migrateSqlite(db, [createTable(1, 'one')], now, 'x.db')).toThrow(/Upgrade Lifeline/);
  });

  it('rejects a migration list that is not numbered 1, 2, 3…', () => {
    expect(() => migrateSqlite(db, [createTable(1, 'one'), createTable(3, 'three')], now, 'x')).toThrow(
      /expected 2/,
    );
    expect(tables(db)).toEqual([]);
  });

  it('ships a well-formed list whose schema has the tables the store uses', () => {
    expect(migrateSqlite(db, SQLITE_MIGRATIONS, now, ':memory:').version).toBe(SQLITE_MIGRATIONS.length);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['meta', 'check_series', 'check_results', 'check_rollups', 'schema_migrations']),
    );
  });
});
