/**
 * The access-control half of the Store port, shared by every adapter: API tokens (who may call the daemon's
 * API, with which role) and the audit trail (who did what through it). Adapters accept and reject the same
 * input because they all validate here; the audit list pages by an opaque keyset cursor like the other lists.
 * A token is stored only as the SHA-256 hash of its secret (see `tokens.ts`): nothing here can show it again.
 */
import { StoreError } from '../store/store-error.js';
import { decodeTaggedCursor, encodeTaggedCursor } from '../store/tagged-cursor.js';

/** What a token may do: viewer reads; responder also acts on incidents; admin everything. */
export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A token as listed: everything but its hash. Times are epoch ms. */
export interface ApiToken {
  id: string;
  /** Who the token acts as: the actor of its commands and audit rows (a person id for approvals). */
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}

/** A token as stored: with the hex SHA-256 of its secret. */
export interface ApiTokenRecord extends ApiToken {
  hash: string;
}

export type RevokeApiTokenOutcome =
  { kind: 'revoked'; token: ApiToken } | { kind: 'already-revoked'; token: ApiToken } | { kind: 'not-found' };

/**
 * How a request ended: `ok` (2xx), `denied` (401, 403, 429: the caller was not let in), `refused` (another
 * 4xx: invalid, not found, conflict), `failed` (5xx).
 */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** One row of the audit trail: who did what to what, and how it ended. */
export interface AuditEntry {
  at: number;
  /** A token's name, the body's `actor` while no token exists, `anonymous`, or `cli:<user>` for local commands. */
  actor: string;
  tokenId?: string;
  /** `POST /api/v1/incidents/:id/ack`, `token.create`, … */
  action: string;
  /** What the action was about: an incident id, a token id. */
  target?: string;
  outcome: AuditOutcome;
  /** The HTTP status, for API requests. */
  status?: number;
}

export interface StoredAuditEntry extends AuditEntry {
  /** Increasing with every row written (the order of the trail). */
  id: string;
}

/** Audit rows newest first; `since`/`until` on `at` (inclusive / exclusive, epoch ms). */
export interface AuditQuery {
  since?: number;
  until?: number;
  /** Page size: default 100, values above 1000 are treated as 1000. */
  limit?: number;
  cursor?: string;
}

export interface AuditPage {
  items: StoredAuditEntry[];
  nextCursor?: string;
}

/** Token names become actors and person ids: letters, digits and `._@-`, starting with a letter or digit. */
export const TOKEN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

function invalid(what: string, message: string, cause: unknown): StoreError {
  return new StoreError('store-invalid-input', `${what}: ${message}`, { cause });
}

function epochMs(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Rejects a token the store must not keep with `store-invalid-input`, before anything is written. */
export function validateApiToken(token: ApiTokenRecord): void {
  const fail = (message: string) => invalid('api token', message, { id: token?.id, name: token?.name });
  if (typeof token !== 'object' || token === null) throw fail('expected an object');
  if (typeof token.id !== 'string' || token.id === '') throw fail('id must be a non-empty string');
  if (typeof token.name !== 'string' || !TOKEN_NAME_PATTERN.test(token.name)) {
    throw fail('name must be 1-100 letters, digits or ._@- starting with a letter or digit');
  }
  if (!isRole(token.role)) throw fail(`unknown role ${JSON.stringify(token.role)}`);
  if (typeof token.hash !== 'string' || !HASH_PATTERN.test(token.hash))
    throw fail('hash must be hex SHA-256');
  if (!epochMs(token.createdAt)) throw fail('createdAt must be epoch milliseconds');
  for (const key of ['lastUsedAt', 'revokedAt'] as const) {
    if (token[key] !== undefined && !epochMs(token[key])) throw fail(`${key} must be epoch milliseconds`);
  }
}

export function validateAuditEntry(entry: AuditEntry): void {
  const fail = (message: string) => invalid('audit entry', message, { action: entry?.action });
  if (typeof entry !== 'object' || entry === null) throw fail('expected an object');
  if (!epochMs(entry.at)) throw fail('at must be epoch milliseconds');
  if (typeof entry.actor !== 'string' || entry.actor === '') throw fail('actor must be a non-empty string');
  if (typeof entry.action !== 'string' || entry.action === '')
    throw fail('action must be a non-empty string');
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(entry.outcome)) {
    throw fail(`unknown outcome ${JSON.stringify(entry.outcome)}`);
  }
  for (const key of ['tokenId', 'target'] as const) {
    if (entry[key] !== undefined && typeof entry[key] !== 'string') throw fail(`${key} must be a string`);
  }
  if (entry.status !== undefined && !Number.isSafeInteger(entry.status))
    throw fail('status must be an integer');
}

const AUDIT_CURSOR = 'a1';

export function encodeAuditCursor(seq: number): string {
  return encodeTaggedCursor(AUDIT_CURSOR, [seq]);
}

export function decodeAuditCursor(cursor: string): number {
  const [seq] = decodeTaggedCursor(
    cursor,
    AUDIT_CURSOR,
    ([seq, ...rest]) => Number.isSafeInteger(seq) && rest.length === 0,
  );
  return seq as number;
}
