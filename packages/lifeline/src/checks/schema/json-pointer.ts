/**
 * RFC 6901 JSON pointers: escaping property names into pointers, and resolving `#/...` references inside a
 * document. Drift reports and `$ref` resolution both depend on getting `~` and `/` right.
 */
import { isRecord } from './types.js';

/** Escapes one property name for use as a pointer segment (`~` → `~0`, `/` → `~1`, in that order). */
export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Reverses {@link escapeSegment} (`~1` → `/` first would corrupt `~01`, so `~1` then `~0`). */
export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Splits a `$ref` fragment (`#/components/schemas/Charge`) into unescaped segments; `undefined` when the
 * reference is not a local JSON pointer. Fragments are URI-encoded, so `%25` etc. are decoded first.
 */
export function refToSegments(ref: string): string[] | undefined {
  if (ref === '#') return [];
  if (!ref.startsWith('#/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(ref.slice(2));
  } catch {
    decoded = ref.slice(2);
  }
  return decoded.split('/').map(unescapeSegment);
}

/** Builds a local `$ref` (`#/a/b`) from unescaped segments, URI-encoding what a fragment cannot hold. */
export function segmentsToRef(segments: readonly string[]): string {
  if (segments.length === 0) return '#';
  return `#/${segments.map((s) => encodeURI(escapeSegment(s)).replace(/#/g, '%23')).join('/')}`;
}

/** Follows segments from `root`; `undefined` when any step is missing. */
export function resolveSegments(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      node = node[Number(segment)];
    } else if (isRecord(node) && Object.hasOwn(node, segment)) {
      node = node[segment];
    } else {
      return undefined;
    }
  }
  return node;
}
