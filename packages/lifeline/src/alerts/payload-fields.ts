/**
 * Reading the fields of an untrusted JSON payload while collecting every problem with its dotted path, so a
 * sender learns all that is wrong with its body in one answer. Shared by the Alertmanager and generic parsers.
 */
import type { PayloadIssue } from './alert.js';

type Json = Record<string, unknown>;

/** Alertmanager's "no time": the zero `time.Time` it sends as the `endsAt` of a firing alert. */
const BEFORE_ANY_REAL_TIME = Date.UTC(1971, 0, 1);
/** RFC 3339 with a time zone, as Alertmanager writes it (`2026-01-01T12:00:00.123Z`, `…+02:00`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const LIMITS = { text: 10_000, labels: 100 } as const;

export class FieldReader {
  constructor(
    private readonly prefix = '',
    readonly issues: PayloadIssue[] = [],
  ) {}

  /** A reader for a nested object (e.g. `alerts.0`), reporting into the same list. */
  nested(path: string | number): FieldReader {
    return new FieldReader(this.path(String(path)), this.issues);
  }

  problem(field: string, message: string): void {
    this.issues.push({ field: this.path(field), message });
  }

  /** The value as an object, or a problem (`field` empty: the whole value). */
  object(value: unknown, field = ''): Json | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.problem(field, 'must be an object');
    return undefined;
  }

  /** Reports every key of `value` that is not in `known`. */
  onlyKnown(value: Json, known: readonly string[]): void {
    for (const key of Object.keys(value)) if (!known.includes(key)) this.problem(key, 'is not a known field');
  }

  string(
    value: Json,
    field: string,
    options: { required?: boolean; nonEmpty?: boolean } = {},
  ): string | undefined {
    const raw = value[field];
    if (raw === undefined) {
      if (options.required) this.problem(field, 'is required');
      return undefined;
    }
    if (typeof raw !== 'string') return this.fail(field, 'must be a string');
    if (options.nonEmpty && raw.trim() === '') return this.fail(field, 'must not be empty');
    if (raw.length > LIMITS.text) return this.fail(field, `must be at most ${LIMITS.text} characters`);
    return raw;
  }

  oneOf<T extends string>(
    value: Json,
    field: string,
    allowed: readonly T[],
    required = false,
  ): T | undefined {
    const raw = this.string(value, field, { required });
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw))
      return this.fail(field, `must be one of ${allowed.join(', ')}`);
    return raw as T;
  }

  /** A map of strings (labels, annotations); absent is an empty map. */
  labels(value: Json, field: string, required = false): Record<string, string> {
    const raw = value[field];
    if (raw === undefined || (raw === null && !required)) {
      if (required) this.problem(field, 'is required');
      return {};
    }
    const map = this.object(raw, field);
    if (!map) return {};
    const entries = Object.entries(map);
    if (entries.length > LIMITS.labels) this.problem(field, `must have at most ${LIMITS.labels} entries`);
    const out: Record<string, string> = {};
    for (const [key, item] of entries) {
      if (typeof item !== 'string') this.problem(`${field}.${key}`, 'must be a string');
      else if (item.length > LIMITS.text)
        this.problem(`${field}.${key}`, `must be at most ${LIMITS.text} characters`);
      else out[key] = item;
    }
    return out;
  }

  /**
   * An RFC 3339 time as epoch ms. Alertmanager's zero time (`0001-01-01T00:00:00Z`) and anything before 1971
   * read as absent: it means "no time", not a time long ago.
   */
  time(value: Json, field: string, required = false): number | undefined {
    const raw = this.string(value, field, { required });
    if (raw === undefined) return undefined;
    const ms = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
    if (Number.isNaN(ms)) return this.fail(field, 'must be an RFC 3339 time, e.g. 2026-01-01T12:00:00Z');
    return ms < BEFORE_ANY_REAL_TIME ? undefined : ms;
  }

  private fail(field: string, message: string): undefined {
    this.problem(field, message);
    return undefined;
  }

  private path(field: string): string {
    if (!this.prefix) return field;
    return field ? `${this.prefix}.${field}` : this.prefix;
  }
}
