/** Exhaustiveness guard for switches over tagged unions: a new variant becomes a compile error here. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected variant: ${JSON.stringify(value)}`);
}
