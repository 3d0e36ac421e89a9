/**
 * RFC 6901 JSON pointers for body assertions (`/data/0/amount`), and matching pointers against the `safeFields`
 * patterns of an endpoint (`/data/*` + `/status`, with `*` for any array index).
 */

export type PointerLookup = { found: true; value: unknown } | { found: false };

/** Reads the value at `pointer`; `''` is the whole document. An invalid pointer finds nothing. */
export function lookupPointer(document: unknown, pointer: string): PointerLookup {
  if (pointer === '') return { found: true, value: document };
  if (!pointer.startsWith('/')) return { found: false };
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= current.length) return { found: false };
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** True when `pointer` is declared safe to show, exactly or through a `*` pattern. */
export function isSafePointer(pointer: string, safeFields: readonly string[] | undefined): boolean {
  if (safeFields === undefined || safeFields.length === 0) return false;
  const pattern = pointer
    .split('/')
    .map((segment, index) => (index > 0 && /^\d+$/.test(segment) ? '*' : segment))
    .join('/');
  return safeFields.includes(pointer) || safeFields.includes(pattern);
}

/** JSON equality: same type, same members, order of object keys ignored. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && jsonEqual(left[key], right[key]))
  );
}

/** `null`, `array`, `integer`, `number`, `string`, `boolean` or `object`: what a value is, without showing it. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
