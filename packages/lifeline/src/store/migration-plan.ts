/**
 * Dialect-free rules for forward-only, versioned migrations, shared by every adapter: a migration list is
 * numbered 1, 2, 3… and only ever appended to; opening a database applies the versions it lacks, and refuses a
 * database that a newer Lifeline has already migrated further.
 */
import { StoreError } from './store-error.js';

/** One schema step. `up` receives the adapter's own connection type. */
export interface Migration<Connection> {
  /** 1-based and consecutive; never renumber or edit a released migration, append a new one. */
  version: number;
  /** Short kebab-case description, recorded in `schema_migrations`. */
  name: string;
  up: (connection: Connection) => void | Promise<void>;
}

/** Throws (a programming error, caught by tests) unless versions run 1, 2, 3… with unique names. */
export function assertMigrationList<Connection>(migrations: readonly Migration<Connection>[]): void {
  const names = new Set<string>();
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      );
    }
    if (names.has(migration.name)) throw new Error(`migration name "${migration.name}" is used twice`);
    names.add(migration.name);
  });
}

/**
 * The migrations still to apply given the versions a database records, in order. A database that records a
 * version this code does not know was written by a newer Lifeline: refuse it rather than risk corrupting it.
 */
export function pendingMigrations<Connection>(
  migrations: readonly Migration<Connection>[],
  appliedVersions: readonly number[],
  location: string,
): Migration<Connection>[] {
  const known = migrations.length;
  const highest = appliedVersions.reduce((max, version) => Math.max(max, version), 0);
  if (highest > known) {
    throw new StoreError(
      'store-too-new',
      `the store at ${location} has schema version ${highest}, but this Lifeline only knows up to version ` +
        `${known}: it was written by a newer Lifeline. Upgrade Lifeline to use it (nothing was changed).`,
      { cause: { databaseVersion: highest, supportedVersion: known, location } },
    );
  }
  const applied = new Set(appliedVersions);
  return migrations.filter((migration) => !applied.has(migration.version));
}
