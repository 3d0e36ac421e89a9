/**
 * The assertions of an `http` check on a response: expected header values and JSON-pointer assertions on the
 * body (`equals`, `exists`, `matches`). Each failure is one short sentence. Body values are shown only at
 * pointers the endpoint declares safe (`safeFields`); elsewhere only their JSON type, because responses may
 * hold personal data and messages go to chat channels.
 */
import type { Check } from '../../workspace/model.js';
import { isSafePointer, jsonEqual, jsonTypeName, lookupPointer } from './json-pointer.js';

export type BodyAssertion = NonNullable<
  NonNullable<Extract<Check, { kind: 'http' }>['expect']>['body']
>[number];

/** Headers whose values are never shown, even when they differ. */
const HIDDEN_HEADERS = new Set(['set-cookie', 'cookie', 'authorization', 'proxy-authorization']);
const MAX_SHOWN = 80;

/** Failures of the expected headers; names compare case-insensitively, values exactly. */
export function headerFailures(
  expected: Readonly<Record<string, string>> | undefined,
  actual: Readonly<Record<string, string>>,
): string[] {
  const failures: string[] = [];
  for (const [name, value] of Object.entries(expected ?? {})) {
    const key = name.toLowerCase();
    const got = actual[key];
    if (got === undefined) failures.push(`header ${key} is absent, expected ${JSON.stringify(value)}`);
    else if (got !== value) {
      const shown = HIDDEN_HEADERS.has(key) ? 'a different value' : JSON.stringify(clip(got));
      failures.push(`header ${key} is ${shown}, expected ${JSON.stringify(value)}`);
    }
  }
  return failures;
}

/** Failures of the body assertions against a parsed JSON body. */
export function bodyFailures(
  assertions: readonly BodyAssertion[],
  body: unknown,
  safeFields: readonly string[] | undefined,
): string[] {
  const failures: string[] = [];
  for (const assertion of assertions) {
    const failure = checkOne(assertion, body, isSafePointer(assertion.pointer, safeFields));
    if (failure !== undefined) failures.push(failure);
  }
  return failures;
}

function checkOne(assertion: BodyAssertion, body: unknown, safe: boolean): string | undefined {
  const at = assertion.pointer === '' ? 'the body' : assertion.pointer;
  const found = lookupPointer(body, assertion.pointer);
  if (assertion.exists === false) return found.found ? `${at} is present, expected absent` : undefined;
  if (!found.found) return `${at} is absent, expected present`;
  const value = found.value;
  if (assertion.equals !== undefined && !jsonEqual(value, assertion.equals)) {
    return `${at} is ${describe(value, assertion.equals, safe)}, expected ${clip(JSON.stringify(assertion.equals))}`;
  }
  if (assertion.matches !== undefined) return checkMatch(at, value, assertion.matches, safe);
  return undefined;
}

function checkMatch(at: string, value: unknown, pattern: string, safe: boolean): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return `${at}: the pattern /${pattern}/ is not a valid regular expression`;
  }
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
  if (text === undefined)
    return `${at} is ${article(jsonTypeName(value))}, expected a value matching /${pattern}/`;
  if (regex.test(text)) return undefined;
  const shown = safe ? JSON.stringify(clip(text)) : article(jsonTypeName(value));
  return `${at} is ${shown}, which does not match /${pattern}/`;
}

/** The actual value when safe to show; else its type, or "a different <type>" when the type is as expected. */
function describe(value: unknown, expected: unknown, safe: boolean): string {
  if (safe) return clip(JSON.stringify(value) ?? 'undefined');
  const type = jsonTypeName(value);
  return type === jsonTypeName(expected) ? `a different ${type}` : article(type);
}

/** `an integer`, `a string`, `null`. */
function article(type: string): string {
  if (type === 'null') return 'null';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
