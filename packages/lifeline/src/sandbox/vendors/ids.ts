/**
 * Random identifiers in the style real vendors use (`ch_3Pq...`, `req_...`): a type prefix and base62
 * characters, so logs and fixtures from the sandbox read like production ones.
 */
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `randomId('ch_3', 20)` → `ch_3` followed by 20 base62 characters. */
export function randomId(prefix: string, length: number): string {
  // 248 is the largest multiple of 62 below 256: dropping bytes above it keeps all characters equally likely.
  let out = prefix;
  while (out.length < prefix.length + length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < prefix.length + length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** `randomDigits(12)` → twelve decimal digits, e.g. for tracking numbers. */
export function randomDigits(length: number): string {
  let out = '';
  for (const byte of randomBytes(length * 2)) {
    if (byte < 250 && out.length < length) out += String(byte % 10);
  }
  return out.length === length ? out : out + randomDigits(length - out.length);
}
