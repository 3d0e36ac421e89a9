/** Token secrets: their shape, their hash, and recognising one among the live tokens. */
import { describe, expect, it } from 'vitest';
import {
  TOKEN_PATTERN,
  bearerOf,
  generateTokenId,
  generateTokenSecret,
  hashToken,
  matchToken,
} from './tokens.js';

describe('API token secrets', () => {
  it('are ll_ and 32 random bytes in base64url, stored as their SHA-256', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    expect(a.token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(a.token.slice(3), 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token.slice(3));
    expect(generateTokenId()).toMatch(/^tok_[0-9a-f]{12}$/);
  });

  it('are recognised only when their hash is among the candidates', () => {
    const a = generateTokenSecret();
    const b = generateTokenSecret();
    const candidates = [
      { id: 'a', hash: a.hash },
      { id: 'b', hash: b.hash },
    ];
    expect(matchToken(a.token, candidates)?.id).toBe('a');
    expect(matchToken(b.token, candidates)?.id).toBe('b');
    expect(matchToken(generateTokenSecret().token, candidates)).toBeUndefined();
    expect(matchToken(`${a.token}x`, candidates)).toBeUndefined();
    expect(matchToken(a.hash, [{ id: 'a', hash: a.hash }])).toBeUndefined();
    expect(matchToken(undefined, candidates)).toBeUndefined();
    expect(matchToken(a.token, [])).toBeUndefined();
  });

  it('come from an Authorization: Bearer header only', () => {
    expect(bearerOf('Bearer ll_abc')).toBe('ll_abc');
    expect(bearerOf('bearer   ll_abc ')).toBe('ll_abc');
    expect(bearerOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerOf('Bearer')).toBeUndefined();
    expect(bearerOf(['Bearer a', 'Bearer b'])).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });
});
