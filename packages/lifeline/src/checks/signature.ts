/**
 * The failure signature: a short stable fingerprint of what failed, so that the same failure always gets the
 * same signature (incidents group on it; past incidents with it suggest what worked). It hashes only what
 * identifies the failure — integration, endpoint path template (not the filled path), class, status class,
 * error code and the drifted pointers with array indexes as `*` — never times, messages or concrete ids.
 */
import { hash } from 'node:crypto';
import type { DriftEntry, FailureClass } from './check-result.js';

/** What a signature is computed from. */
export interface SignatureInput {
  integration: string;
  /** The endpoint's path template (`/v1/charges/{id}`), or another stable target name (`tls:host:443`). */
  endpoint?: string;
  class: FailureClass;
  status?: number;
  errorCode?: string;
  drift?: readonly Pick<DriftEntry, 'pointer'>[];
}

/** Bumped when the canonical form changes, so old and new signatures never collide by accident. */
const VERSION = 'v1';

/** `503` → `5xx`; no status → empty. */
export function statusClass(status: number | undefined): string {
  if (status === undefined || !Number.isInteger(status)) return '';
  return `${Math.floor(status / 100)}xx`;
}

/** `/data/12/amount` → `/data/*` + `/amount`: which item drifted does not change what drifted. */
export function normalizePointer(pointer: string): string {
  return pointer
    .split('/')
    .map((segment, index) => (index > 0 && /^\d+$/.test(segment) ? '*' : segment))
    .join('/');
}

/** The canonical string hashed into the signature; exposed for tests and debugging. */
export function canonicalSignature(input: SignatureInput): string {
  const drift = input.drift;
  const pointers =
    drift === undefined || drift.length === 0
      ? []
      : [...new Set(drift.map((entry) => normalizePointer(entry.pointer)))].sort();
  // JSON keeps fields apart whatever characters ids, templates or pointers contain.
  return JSON.stringify([
    VERSION,
    input.integration,
    input.endpoint ?? '',
    input.class,
    statusClass(input.status),
    input.errorCode ?? '',
    pointers,
  ]);
}

/** Signatures remembered by canonical string; a long-running daemon sees few distinct failures. */
const MEMO_LIMIT = 4096;
const memo = new Map<string, string>();

/**
 * The failure signature: 16 hex characters of a SHA-256 of the canonical string. The hash is memoised by the
 * canonical string (a pure function of it, so the memo changes no result; bounded, oldest entry dropped first):
 * every run of a check hashes the same few strings over and over.
 * @example
 *   failureSignature({ integration: 'payments', endpoint: '/v1/charges', class: 'server-error', status: 503 })
 */
export function failureSignature(input: SignatureInput): string {
  const canonical = canonicalSignature(input);
  const known = memo.get(canonical);
  if (known !== undefined) return known;
  // One-shot `hash` (Node ≥ 20.12): no Hash object per result, which matters at thousands of checks a second.
  const signature = hash('sha256', canonical, 'hex').slice(0, 16);
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value ?? canonical);
  memo.set(canonical, signature);
  return signature;
}
