/**
 * API token secrets: made, hashed and recognised. A token is `ll_` and 32 random bytes in base64url, shown once
 * and stored only as its SHA-256. A fast hash is right here, unlike for passwords: with 256 bits of randomness
 * there is no dictionary to try, so slowing each guess down buys nothing, while every API request pays for
 * the hash. Recognising a token compares its hash with every live token's in constant time, so neither the
 * answer's timing nor an index lookup tells a caller how close a guess came.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiTokenRecord } from './auth-records.js';

export const TOKEN_PREFIX = 'll_';
const TOKEN_BYTES = 32;
/** `ll_` + 43 base64url characters (32 bytes). */
export const TOKEN_PATTERN = /^ll_[A-Za-z0-9_-]{43}$/;

export interface NewTokenSecret {
  /** The secret the user keeps: shown once, never stored. */
  token: string;
  /** Hex SHA-256 of `token`: what the store keeps. */
  hash: string;
}

export function generateTokenSecret(): NewTokenSecret {
  const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

/** A short public id to list and revoke a token by, e.g. `tok_3f9a2c1b7d04`. */
export function generateTokenId(): string {
  return `tok_${randomBytes(6).toString('hex')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The live token whose hash matches `presented`, or undefined. Every candidate is compared (no early exit)
 * with `timingSafeEqual` on the 32-byte digests.
 *
 * @example
 * const token = matchToken(bearerOf(request.headers.authorization), await store.activeApiTokens());
 */
export function matchToken<T extends Pick<ApiTokenRecord, 'hash'>>(
  presented: string | undefined,
  candidates: readonly T[],
): T | undefined {
  if (presented === undefined || !TOKEN_PATTERN.test(presented)) return undefined;
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: T | undefined;
  for (const candidate of candidates) {
    const stored = Buffer.from(candidate.hash, 'hex');
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && !found) found = candidate;
  }
  return found;
}

/** The token of an `Authorization: Bearer …` header; undefined for any other or a missing header. */
export function bearerOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
