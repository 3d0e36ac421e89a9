/**
 * Migration 6: API tokens and the audit trail (`docs/decisions/008-api-tokens-and-roles.md`). A token row
 * keeps only the SHA-256 of its secret; revoking sets `revoked_at` and keeps the row, so the audit trail's
 * token ids keep meaning something. The audit trail is append-only; `seq` is its order and its cursor.
 */
import type { SqliteMigration } from '../migrations.js';

export const API_TOKENS_AND_AUDIT_MIGRATION: SqliteMigration = {
  version: 6,
  name: 'api-tokens-and-audit',
  up: (db) => {
    db.exec(`
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
      -- A name is an actor: two live tokens of one name would be two people acting as one.
      CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        token_id TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL,
        status INTEGER
      );
      CREATE INDEX audit_log_by_at ON audit_log (at, seq);
    `);
  },
};
