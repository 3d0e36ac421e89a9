/**
 * The SQLite schema as an append-only list of migrations: a later feature appends a new entry; released
 * entries are never edited.
 */
import type Database from 'better-sqlite3';
import type { Migration } from '../migration-plan.js';
import { CHANGES_MIGRATION } from './migrations/004-changes.js';
import { OUTBOX_OPEN_LANES_MIGRATION } from './migrations/005-outbox-open-lanes.js';
import { API_TOKENS_AND_AUDIT_MIGRATION } from './migrations/006-api-tokens-and-audit.js';

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
  {
    version: 3,
    name: 'incidents-timers-outbox',
    // The engine's durable half. Each row is a JSON document (the engine's own shape) plus the columns queries
    // filter or sort on, so the engine's types can change without a migration. Times are epoch ms.
    up: (db) => {
      db.exec(`
        CREATE TABLE incidents (
          id TEXT PRIMARY KEY,
          signature TEXT NOT NULL,
          playbook TEXT NOT NULL,
          integration TEXT NOT NULL,
          severity TEXT NOT NULL,
          status TEXT NOT NULL,
          opened_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          resolved_at INTEGER,
          document TEXT NOT NULL
        );
        -- Grouping a new signal with the open incident of its signature; open incidents are few, so partial.
        CREATE INDEX incidents_open_by_signature ON incidents (signature) WHERE status <> 'resolved';
        CREATE INDEX incidents_by_status ON incidents (status, opened_at, id);
        -- The API lists newest first and pages by (opened_at, id).
        CREATE INDEX incidents_by_opened ON incidents (opened_at, id);
        -- The snapshot loads incidents resolved within the reopen window.
        CREATE INDEX incidents_resolved ON incidents (resolved_at) WHERE status = 'resolved';

        CREATE TABLE incident_timeline (
          incident_id TEXT NOT NULL REFERENCES incidents (id),
          seq INTEGER NOT NULL,
          at INTEGER NOT NULL,
          actor TEXT NOT NULL,
          kind TEXT NOT NULL,
          document TEXT NOT NULL,
          PRIMARY KEY (incident_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE timers (
          id TEXT PRIMARY KEY,
          incident_id TEXT NOT NULL REFERENCES incidents (id),
          kind TEXT NOT NULL,
          due_at INTEGER NOT NULL,
          status TEXT NOT NULL,
          payload TEXT NOT NULL
        );
        CREATE INDEX timers_due ON timers (status, due_at, id);
        CREATE INDEX timers_by_incident ON timers (incident_id, due_at, id);

        -- id is the idempotency key. seq is the creation order (the order claims follow and pages walk): the
        -- engine's created_at can tie or, with several daemons, disagree with commit order.
        CREATE TABLE outbox (
          id TEXT PRIMARY KEY,
          seq INTEGER NOT NULL UNIQUE,
          incident_id TEXT NOT NULL REFERENCES incidents (id),
          kind TEXT NOT NULL,
          channel TEXT,
          payload TEXT NOT NULL,
          status TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          lease_until INTEGER,
          last_error TEXT,
          receipt TEXT,
          created_at INTEGER NOT NULL,
          delivered_at INTEGER
        );
        CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
        -- Whether an older row of the same incident and lane is still undelivered (claims keep lane order).
        CREATE INDEX outbox_lane ON outbox (incident_id, channel, seq);

        CREATE TABLE engine_state (
          key TEXT PRIMARY KEY,
          document TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
  CHANGES_MIGRATION,
  OUTBOX_OPEN_LANES_MIGRATION,
  API_TOKENS_AND_AUDIT_MIGRATION,
];
