/**
 * Value-side helpers of the drift walker: JSON type names, type and enum matching, format checks (the same
 * definitions ajv-formats gives ajv, so the fast path and the walker agree), and how a value may be shown.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isRecord } from './types.js';

/** JSON type of a value, with `integer` for whole numbers (the distinction response drift is usually about). */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  if (value === undefined) return 'absent';
  return typeof value;
}

/** Whether `value` is one of the JSON Schema `types` (`number` includes integers). */
export function matchesType(types: readonly string[], value: unknown): boolean {
  const actual = jsonTypeName(value);
  if (types.includes(actual)) return true;
  return actual === 'integer' && types.includes('number');
}

/** The `type` keyword as a list; `undefined` when absent or malformed. */
export function typeList(type: unknown): string[] | undefined {
  if (typeof type === 'string') return [type];
  if (Array.isArray(type) && type.every((t) => typeof t === 'string')) return type;
  return undefined;
}

/** JSON equality as JSON Schema's `enum`/`const` define it (key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const keys = Object.keys(aRecord);
  if (keys.length !== Object.keys(bRecord).length) return false;
  return keys.every((key) => Object.hasOwn(bRecord, key) && jsonEqual(aRecord[key], bRecord[key]));
}

/** `string (date-time) or null`: the types a schema accepts, with the string format when there is one. */
export function describeTypes(types: readonly string[], format?: unknown): string {
  const named = types.map((t) => (t === 'string' && typeof format === 'string' ? `string (${format})` : t));
  return named.length > 0 ? named.join(' or ') : 'nothing';
}

const ENUM_SHOWN = 8;

/** `one of: usd, eur, gbp`; schema values are not personal data, so they are always shown. */
export function describeEnum(values: readonly unknown[]): string {
  const shown = values.slice(0, ENUM_SHOWN).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const more = values.length > ENUM_SHOWN ? `, … (${values.length - ENUM_SHOWN} more)` : '';
  return `one of: ${shown.join(', ')}${more}`;
}

const SHOWN_LENGTH = 80;

/** A scalar as it may appear in a report when its pointer is declared safe; structures show as their type. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH)}…` : value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return jsonTypeName(value);
}

interface FormatCheck {
  type: 'string' | 'number';
  test: (value: string | number) => boolean;
}

/** ajv-formats' definitions, narrowed once to what the walker needs; async formats are skipped. */
const FORMAT_CHECKS: ReadonlyMap<string, FormatCheck> = new Map(
  Object.entries(fullFormats as Record<string, unknown>).flatMap(([name, definition]) => {
    const check = toFormatCheck(definition);
    return check === undefined ? [] : [[name, check] as const];
  }),
);

function toFormatCheck(definition: unknown): FormatCheck | undefined {
  // A format is a RegExp, a function, or `{ type?, validate, async? }`.
  const isDefinition = isRecord(definition) && !(definition instanceof RegExp);
  if (isDefinition && definition.async === true) return undefined;
  const validator = isDefinition ? definition.validate : definition;
  const type = isDefinition && definition.type === 'number' ? 'number' : 'string';
  if (validator instanceof RegExp) return { type, test: (value) => validator.test(String(value)) };
  if (typeof validator === 'function') {
    return { type, test: (value) => Boolean((validator as (v: string | number) => unknown)(value)) };
  }
  return undefined;
}

/**
 * Whether `value` passes `format`: `undefined` when the format is unknown or does not apply to this type
 * (formats only constrain their own type, as in ajv).
 */
export function passesFormat(format: string, value: unknown): boolean | undefined {
  const check = FORMAT_CHECKS.get(format);
  if (check === undefined || typeof value !== check.type) return undefined;
  try {
    return check.test(value as string | number);
  } catch {
    return undefined;
  }
}

/** The type a format applies to, for the `expected` text (`string (email)`, `number (int32)`). */
export function formatType(format: string): string {
  return FORMAT_CHECKS.get(format)?.type ?? 'string';
}
