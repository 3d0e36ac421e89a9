/**
 * Migration 4: change records (deploys, config changes, key rotations, vendor notices, feature flags), so an
 * incident can list what changed shortly before it. Like the engine's tables, a row is the record as a JSON
 * document plus the columns queries filter and sort on; times are epoch ms.
 */
import type { SqliteMigration } from '../migrations.js';

export const CHANGES_MIGRATION: SqliteMigration = {
  version: 4,
  name: 'changes',
  up: (db) => {
    db.exec(`
      CREATE TABLE changes (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        integration TEXT,
        recorded_at INTEGER NOT NULL,
        document TEXT NOT NULL
      );
      -- Incidents read the changes of a time window, newest first, and pages walk (at, id).
      CREATE INDEX changes_by_at ON changes (at, id);
      -- \`lifeline change list --integration X\` and the credential check's latest key rotation per integration.
      CREATE INDEX changes_by_integration ON changes (integration, at, id) WHERE integration IS NOT NULL;
    `);
  },
};
