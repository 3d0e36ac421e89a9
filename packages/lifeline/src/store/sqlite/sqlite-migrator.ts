/**
 * Applies SQLite migrations when a store opens: each pending migration and its `schema_migrations` row commit
 * together in one IMMEDIATE transaction, so a crash or a failing step leaves the database at the previous
 * version, and two processes opening the same file at once never apply a version twice.
 */
import type Database from 'better-sqlite3';
import { assertMigrationList, pendingMigrations } from '../migration-plan.js';
import { StoreError, isStoreError } from '../store-error.js';
import { SCHEMA_MIGRATIONS_DDL, type SqliteMigration } from './migrations.js';
import { isSqliteBusy } from './sqlite-errors.js';

export interface MigrationReport {
  /** Versions this call applied, in order (empty when the database was already current). */
  applied: number[];
  /** Highest version recorded afterwards. */
  version: number;
}

function appliedVersions(db: Database.Database): number[] {
  return db.prepare<[], number>('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
}

/**
 * Brings `db` up to the last migration in `migrations`.
 * Throws `store-too-new` (nothing changed) or `store-migration-failed` (that migration rolled back).
 */
export function migrateSqlite(
  db: Database.Database,
  migrations: readonly SqliteMigration[],
  now: () => number,
  location: string,
): MigrationReport {
  assertMigrationList(migrations);
  db.exec(SCHEMA_MIGRATIONS_DDL);
  // Checked up front so a too-new database is refused before any write.
  const pending = pendingMigrations(migrations, appliedVersions(db), location);
  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const applied: number[] = [];
  for (const migration of pending) {
    const apply = db.transaction(() => {
      // Another process may have applied it between our read and our write lock.
      if (isApplied.get(migration.version) !== undefined) return false;
      const outcome = migration.up(db);
      if (outcome instanceof Promise) {
        outcome.catch(() => undefined);
        throw new Error(`SQLite migration ${migration.version} must be synchronous`);
      }
      record.run(migration.version, migration.name, new Date(now()).toISOString());
      return true;
    });
    try {
      if (apply.immediate()) applied.push(migration.version);
    } catch (error) {
      // A busy database is not a broken migration: let the caller report it as store-busy.
      if (isStoreError(error) || isSqliteBusy(error)) throw error;
      throw new StoreError(
        'store-migration-failed',
        `migration ${migration.version} (${migration.name}) failed on ${location} and was rolled back: ` +
          `${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  // Re-read rather than trust `pending`: a concurrent opener may have applied some.
  const versions = appliedVersions(db);
  pendingMigrations(migrations, versions, location);
  return { applied, version: versions.reduce((max, v) => Math.max(max, v), 0) };
}
