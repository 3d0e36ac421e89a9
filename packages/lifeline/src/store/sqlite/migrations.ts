/**
 * The SQLite schema as an append-only list of migrations. Later features (incidents and their timeline,
 * durable timers with `due_at`, outbox rows) each append a new entry; released entries are never edited.
 */
import type Database from 'better-sqlite3';
import type { Migration } from '../migration-plan.js';

export type SqliteMigration = Migration<Database.Database>;

/** Creates the bookkeeping table itself; run before reading which versions are applied. */
export const SCHEMA_MIGRATIONS_DDL = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`;

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'meta-and-check-results',
    up: (db) => {
      db.exec(`
        CREATE TABLE meta (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;

        -- One row per (integration, check) ever seen: the other tables refer to it by a small integer, which
        -- keeps billions of rollup rows from repeating the names. raw_results counts the series' rows in
        -- check_results, so trimming the ring finds its oldest rows directly instead of skipping past the
        -- newest rawResultsPerCheck index entries on every insert.
        CREATE TABLE check_series (
          id INTEGER PRIMARY KEY,
          integration TEXT NOT NULL,
          check_name TEXT NOT NULL,
          raw_results INTEGER NOT NULL DEFAULT 0,
          UNIQUE (integration, check_name)
        );

        -- AUTOINCREMENT so an id is never reused after the ring deletes the row holding the highest one:
        -- ids are public (API, cursors) and must keep meaning one result.
        CREATE TABLE check_results (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          series_id INTEGER NOT NULL REFERENCES check_series (id),
          started_at INTEGER NOT NULL,
          ok INTEGER NOT NULL,
          class TEXT NOT NULL,
          latency_ms REAL NOT NULL,
          data TEXT NOT NULL
        );
        -- Ring trimming, latest-per-check and per-check listing walk this one.
        CREATE INDEX check_results_by_series ON check_results (series_id, started_at, id);
        CREATE INDEX check_results_by_time ON check_results (started_at, id);
        -- "Recent failures" is the common dashboard query and failures are rare: without this it would scan
        -- up to every raw row to fill a page.
        CREATE INDEX check_results_failures ON check_results (started_at, id) WHERE ok = 0;

        -- minute is epoch minutes (4 bytes stored instead of 6 for epoch ms); by_class and histogram are JSON.
        CREATE TABLE check_rollups (
          series_id INTEGER NOT NULL REFERENCES check_series (id),
          minute INTEGER NOT NULL,
          count INTEGER NOT NULL,
          failures INTEGER NOT NULL,
          by_class TEXT NOT NULL,
          latency_sum REAL NOT NULL,
          latency_min REAL NOT NULL,
          latency_max REAL NOT NULL,
          histogram TEXT NOT NULL,
          PRIMARY KEY (series_id, minute)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    name: 'rollup-hour-and-day-tiers',
    // check_rollups stays the minute tier as released, so upgrading copies nothing and keeps every minute row.
    // Each tier is its own table keyed by (series_id, bucket) in its own unit (epoch hours fit in 3 bytes,
    // epoch days in 2), which keeps the key small and every per-series range scan a primary-key walk.
    up: (db) => {
      db.exec(`
        CREATE TABLE check_rollups_hourly (
          series_id INTEGER NOT NULL REFERENCES check_series (id),
          hour INTEGER NOT NULL,
          count INTEGER NOT NULL,
          failures INTEGER NOT NULL,
          by_class TEXT NOT NULL,
          latency_sum REAL NOT NULL,
          latency_min REAL NOT NULL,
          latency_max REAL NOT NULL,
          histogram TEXT NOT NULL,
          PRIMARY KEY (series_id, hour)
        ) WITHOUT ROWID;

        CREATE TABLE check_rollups_daily (
          series_id INTEGER NOT NULL REFERENCES check_series (id),
          day INTEGER NOT NULL,
          count INTEGER NOT NULL,
          failures INTEGER NOT NULL,
          by_class TEXT NOT NULL,
          latency_sum REAL NOT NULL,
          latency_min REAL NOT NULL,
          latency_max REAL NOT NULL,
          histogram TEXT NOT NULL,
          PRIMARY KEY (series_id, day)
        ) WITHOUT ROWID;
      `);
    },
  },
];
