/**
 * The sandbox's fault vocabulary: what can be switched on per vendor, how a partial update is validated
 * (every problem reported at once, so a drill author fixes a bad request in one go) and how it merges into
 * the current settings. Plain data; the run-time effect lives in `fault-controller.ts`.
 */

/** The fake third-party APIs the sandbox serves. */
export type VendorName = 'payments' | 'shipping' | 'identity';

export const VENDOR_NAMES: readonly VendorName[] = ['payments', 'shipping', 'identity'];

/**
 * How the vendor's main read drifts from its documented shape. The exact JSON pointers per vendor are in the
 * table at the top of `schema-variants.ts`.
 */
export type SchemaVariant = 'field-removed' | 'field-retyped' | 'field-null' | 'new-enum-value';

export const SCHEMA_VARIANTS: readonly SchemaVariant[] = [
  'field-removed',
  'field-retyped',
  'field-null',
  'new-enum-value',
];

/** After `burst` requests in a window of `retryAfterSeconds`, answer 429 with `Retry-After` until it ends. */
export interface RateLimitFault {
  burst: number;
  retryAfterSeconds: number;
}

/** The faults active on one vendor. An absent field means "behave normally". */
export interface VendorFaults {
  /** Added before every answer, including fault answers. */
  latencyMs?: number;
  /** Fraction (0..1) of requests answered with `errorStatus`, drawn from a generator seeded with `seed`. */
  errorRate?: number;
  /** Status for `errorRate` answers; default 503. */
  errorStatus?: number;
  /** Seed of the `errorRate` draws, which restart whenever faults are set. Default: the sandbox's seed. */
  seed?: number;
  rateLimit?: RateLimitFault;
  /** Every request is refused as if the key had been revoked. */
  rejectCredentials?: boolean;
  schema?: SchemaVariant;
  /** Accept the request, never answer; the connection ends when the client gives up or the sandbox closes. */
  hang?: boolean;
}

/** A partial update: present fields replace, `null` (or `false` for flags) removes, absent ones are kept. */
export type VendorFaultsPatch = { [K in keyof VendorFaults]?: VendorFaults[K] | null };

export type FaultsByVendor = Record<VendorName, VendorFaults>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export const DEFAULT_ERROR_STATUS = 503;

const FAULT_KEYS: readonly (keyof VendorFaults)[] = [
  'latencyMs',
  'errorRate',
  'errorStatus',
  'seed',
  'rateLimit',
  'rejectCredentials',
  'schema',
  'hang',
];

/** Raised by `setFaults` on bad input; `problems` lists each one. Recognise it by `name`. */
export class SandboxFaultError extends Error {
  override readonly name = 'SandboxFaultError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`invalid sandbox faults: ${problems.join('; ')}`, options);
    this.problems = problems;
  }
}

export function isVendorName(value: string): value is VendorName {
  return (VENDOR_NAMES as readonly string[]).includes(value);
}

/**
 * Checks an untrusted patch (a control API body or a caller's object) and collects every problem.
 *
 * @example
 * parseFaultsPatch({ latencyMs: 200, schema: 'field-null' }) // { ok: true, value: {...} }
 * parseFaultsPatch({ errorRate: 2 }) // { ok: false, problems: ['errorRate must be a number from 0 to 1'] }
 */
export function parseFaultsPatch(input: unknown): ParseResult<VendorFaultsPatch> {
  if (!isPlainObject(input)) {
    return { ok: false, problems: ['faults must be a JSON object such as {"latencyMs": 200}'] };
  }
  const problems: string[] = [];
  const patch: VendorFaultsPatch = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) {
      problems.push(`unknown fault '${key}' (known: ${FAULT_KEYS.join(', ')})`);
      continue;
    }
    if (value === null) {
      patch[key as keyof VendorFaults] = null;
      continue;
    }
    parseField(key as keyof VendorFaults, value, patch, problems);
  }
  return problems.length === 0 ? { ok: true, value: patch } : { ok: false, problems };
}

function parseField(
  key: keyof VendorFaults,
  value: unknown,
  patch: VendorFaultsPatch,
  problems: string[],
): void {
  switch (key) {
    case 'latencyMs':
      if (isInteger(value, 0, 600_000)) patch.latencyMs = value;
      else problems.push('latencyMs must be an integer from 0 to 600000');
      return;
    case 'errorRate':
      if (typeof value === 'number' && value >= 0 && value <= 1) patch.errorRate = value;
      else problems.push('errorRate must be a number from 0 to 1');
      return;
    case 'errorStatus':
      if (isInteger(value, 400, 599)) patch.errorStatus = value;
      else problems.push('errorStatus must be an HTTP status from 400 to 599');
      return;
    case 'seed':
      if (isInteger(value, 0, 0xffff_ffff)) patch.seed = value;
      else problems.push('seed must be an integer from 0 to 4294967295');
      return;
    case 'rateLimit':
      parseRateLimit(value, patch, problems);
      return;
    case 'rejectCredentials':
    case 'hang':
      if (typeof value === 'boolean') patch[key] = value;
      else problems.push(`${key} must be true or false`);
      return;
    case 'schema':
      if (typeof value === 'string' && (SCHEMA_VARIANTS as readonly string[]).includes(value)) {
        patch.schema = value as SchemaVariant;
      } else {
        problems.push(`schema must be one of ${SCHEMA_VARIANTS.join(', ')}`);
      }
      return;
  }
}

function parseRateLimit(value: unknown, patch: VendorFaultsPatch, problems: string[]): void {
  if (!isPlainObject(value)) {
    problems.push('rateLimit must be an object {"burst": number, "retryAfterSeconds": number}');
    return;
  }
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (key !== 'burst' && key !== 'retryAfterSeconds')
      problems.push(`rateLimit.${key} is not a known field`);
  }
  const { burst, retryAfterSeconds } = value;
  if (!isInteger(burst, 0, 1_000_000)) problems.push('rateLimit.burst must be an integer from 0 to 1000000');
  if (!isInteger(retryAfterSeconds, 1, 86_400)) {
    problems.push('rateLimit.retryAfterSeconds must be an integer from 1 to 86400');
  }
  if (
    problems.length === before &&
    isInteger(burst, 0, 1_000_000) &&
    isInteger(retryAfterSeconds, 1, 86_400)
  ) {
    patch.rateLimit = { burst, retryAfterSeconds };
  }
}

/** Applies a validated patch; the result holds only the fields that are switched on. */
export function mergeFaults(current: VendorFaults, patch: VendorFaultsPatch): VendorFaults {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined || value === false) delete next[key];
    else next[key] = value;
  }
  return next as VendorFaults;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
