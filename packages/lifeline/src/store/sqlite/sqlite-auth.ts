/**
 * API tokens and the audit trail on SQLite (tables `api_tokens` and `audit_log`, migration 6). Synchronous like
 * the rest of the SQLite adapter; `SqliteStoreImpl` wraps each method with the checks every port method shares.
 */
import type Database from 'better-sqlite3';
import {
  decodeAuditCursor,
  encodeAuditCursor,
  validateApiToken,
  validateAuditEntry,
  type ApiToken,
  type ApiTokenRecord,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type RevokeApiTokenOutcome,
  type Role,
  type StoredAuditEntry,
} from '../../auth/auth-records.js';
import { StoreError } from '../store-error.js';
import { pageLimit, timeBound } from '../store-input.js';
import type { Statement } from './sqlite-queries.js';

interface TokenRow {
  id: string;
  name: string;
  role: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  token_id: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
}

const TOKEN_COLUMNS = 'id, name, role, hash, created_at, last_used_at, revoked_at';

export class SqliteAuthTables {
  private readonly insertToken: Statement<Record<string, unknown>>;
  private readonly liveByName: Statement<[string], { id: string }>;
  private readonly tokenById: Statement<[string], TokenRow>;
  private readonly allTokens: Statement<[], TokenRow>;
  private readonly liveTokens: Statement<[], TokenRow>;
  private readonly touch: Statement<[number, string]>;
  private readonly revoke: Statement<[number, string]>;
  private readonly insertAudit: Statement<Record<string, unknown>>;
  private readonly auditPage: Statement<Record<string, unknown>, AuditRow>;
  private readonly createTransaction: Database.Transaction<(token: ApiTokenRecord) => void>;

  constructor(db: Database.Database) {
    this.insertToken = db.prepare(
      `INSERT INTO api_tokens (${TOKEN_COLUMNS})
       VALUES (@id, @name, @role, @hash, @createdAt, @lastUsedAt, @revokedAt)`,
    );
    this.liveByName = db.prepare('SELECT id FROM api_tokens WHERE name = ? AND revoked_at IS NULL');
    this.tokenById = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`);
    this.allTokens = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`);
    this.liveTokens = db.prepare(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE revoked_at IS NULL ORDER BY created_at, id`,
    );
    this.touch = db.prepare(
      'UPDATE api_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?',
    );
    this.revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.insertAudit = db.prepare(
      `INSERT INTO audit_log (at, actor, token_id, action, target, outcome, status)
       VALUES (@at, @actor, @tokenId, @action, @target, @outcome, @status)`,
    );
    // Optional filters as NULL-able parameters: one statement serves every query shape (the table is small
    // next to check results, and `seq` order is the primary key).
    this.auditPage = db.prepare(
      `SELECT seq, at, actor, token_id, action, target, outcome, status FROM audit_log
       WHERE (@since IS NULL OR at >= @since) AND (@until IS NULL OR at < @until)
         AND (@cursor IS NULL OR seq < @cursor)
       ORDER BY seq DESC
       LIMIT @limit`,
    );
    this.createTransaction = db.transaction((token: ApiTokenRecord) => {
      if (this.liveByName.get(token.name)) {
        throw new StoreError('store-invalid-input', `api token: a token named ${token.name} already exists`, {
          cause: { name: token.name },
        });
      }
      if (this.tokenById.get(token.id)) {
        throw new StoreError('store-invalid-input', `api token: id ${token.id} already exists`, {
          cause: { id: token.id },
        });
      }
      this.insertToken.run({
        id: token.id,
        name: token.name,
        role: token.role,
        hash: token.hash,
        createdAt: token.createdAt,
        lastUsedAt: token.lastUsedAt ?? null,
        revokedAt: token.revokedAt ?? null,
      });
    });
  }

  createApiToken(token: ApiTokenRecord): void {
    validateApiToken(token);
    this.createTransaction.immediate(token);
  }

  listApiTokens(): ApiToken[] {
    return this.allTokens.all().map((row) => withoutHash(rowToToken(row)));
  }

  activeApiTokens(): ApiTokenRecord[] {
    return this.liveTokens.all().map(rowToToken);
  }

  touchApiToken(id: string, at: number): void {
    if (!Number.isSafeInteger(at) || at < 0) {
      throw new StoreError('store-invalid-input', 'touchApiToken: at must be epoch milliseconds', {
        cause: { at },
      });
    }
    this.touch.run(at, id);
  }

  revokeApiToken(id: string, at: number): RevokeApiTokenOutcome {
    if (!Number.isSafeInteger(at) || at < 0) {
      throw new StoreError('store-invalid-input', 'revokeApiToken: at must be epoch milliseconds', {
        cause: { at },
      });
    }
    const { changes } = this.revoke.run(at, id);
    const row = this.tokenById.get(id);
    if (!row) return { kind: 'not-found' };
    const token = withoutHash(rowToToken(row));
    return changes === 1 ? { kind: 'revoked', token } : { kind: 'already-revoked', token };
  }

  recordAudit(entry: AuditEntry): void {
    validateAuditEntry(entry);
    this.insertAudit.run({
      at: entry.at,
      actor: entry.actor,
      tokenId: entry.tokenId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      status: entry.status ?? null,
    });
  }

  listAudit(query: AuditQuery = {}): AuditPage {
    const limit = pageLimit(query.limit);
    const rows = this.auditPage.all({
      since: timeBound('since', query.since) ?? null,
      until: timeBound('until', query.until) ?? null,
      cursor: query.cursor === undefined ? null : decodeAuditCursor(query.cursor),
      limit: limit + 1,
    });
    const onPage = rows.slice(0, limit);
    const items = onPage.map(rowToAudit);
    const last = onPage[onPage.length - 1];
    if (rows.length <= limit || !last) return { items };
    return { items, nextCursor: encodeAuditCursor(last.seq) };
  }
}

function rowToToken(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    hash: row.hash,
    createdAt: row.created_at,
    ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at } : {}),
    ...(row.revoked_at !== null ? { revokedAt: row.revoked_at } : {}),
  };
}

function withoutHash(token: ApiTokenRecord): ApiToken {
  const { hash: _hash, ...rest } = token;
  return rest;
}

function rowToAudit(row: AuditRow): StoredAuditEntry {
  return {
    id: String(row.seq),
    at: row.at,
    actor: row.actor,
    ...(row.token_id !== null ? { tokenId: row.token_id } : {}),
    action: row.action,
    ...(row.target !== null ? { target: row.target } : {}),
    outcome: row.outcome as StoredAuditEntry['outcome'],
    ...(row.status !== null ? { status: row.status } : {}),
  };
}
