/**
 * Exhaustiveness guard for tagged unions: a `switch` that forgets a case fails to compile, and a value that should
 * be impossible at run time (e.g. a stored state written by a newer version) fails loudly instead of silently.
 */

/** Call in the `default` branch of an exhaustive switch. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
