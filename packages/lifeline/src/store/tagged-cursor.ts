/**
 * Opaque pagination cursors: a tag naming the list, then the position, as base64url JSON. Each list has its own
 * tag, so a cursor of one list handed to another is refused rather than misread.
 *
 * @example
 * const cursor = encodeTaggedCursor('c1', [at, id]);
 * const [at, id] = decodeTaggedCursor(cursor, 'c1', (at, id) => isTime(at) && typeof id === 'string');
 */
import { StoreError } from './store-error.js';

export function encodeTaggedCursor(tag: string, position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...position]), 'utf8').toString('base64url');
}

/** The position in `cursor`, if it carries `tag` and `valid` accepts it; else a `store-invalid-cursor` error. */
export function decodeTaggedCursor(
  cursor: unknown,
  tag: string,
  valid: (position: readonly unknown[]) => boolean,
): unknown[] {
  let parts: unknown;
  try {
    parts = typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : [];
  } catch {
    parts = [];
  }
  const position = Array.isArray(parts) && parts[0] === tag ? (parts.slice(1) as unknown[]) : undefined;
  if (!position || !valid(position)) {
    throw new StoreError('store-invalid-cursor', 'the cursor is not one this store issued', {
      cause: { cursor },
    });
  }
  return position;
}
