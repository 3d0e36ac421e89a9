/**
 * Remembers the outcome of POST requests sent with an `Idempotency-Key`, the way payment APIs do: the same
 * key with the same request replays the first answer, the same key with a different request is a conflict.
 * Only successful outcomes are kept, so a request refused by validation or a fault can be retried as is.
 */
import { createHash } from 'node:crypto';

export interface StoredOutcome {
  status: number;
  body: unknown;
}

export type IdempotencyLookup =
  { kind: 'new' } | { kind: 'replay'; outcome: StoredOutcome } | { kind: 'conflict' };

interface Entry {
  fingerprint: string;
  outcome: StoredOutcome;
  expiresAt: number;
}

/** Keys are kept 24 hours, like the vendors this imitates. */
const RETENTION_MS = 24 * 3_600_000;

export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  lookup(key: string, route: string, body: unknown): IdempotencyLookup {
    const entry = this.#entries.get(key);
    if (entry === undefined) return { kind: 'new' };
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return { kind: 'new' };
    }
    return entry.fingerprint === fingerprint(route, body)
      ? { kind: 'replay', outcome: entry.outcome }
      : { kind: 'conflict' };
  }

  remember(key: string, route: string, body: unknown, outcome: StoredOutcome): void {
    this.#entries.set(key, {
      fingerprint: fingerprint(route, body),
      outcome: structuredClone(outcome),
      expiresAt: this.#now() + RETENTION_MS,
    });
  }
}

/** Key order does not change a request's meaning, so it must not change its fingerprint either. */
function fingerprint(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
