/**
 * The `schema` check kind: requests the endpoint and validates the JSON body against the response schema the
 * endpoint declares for the status that came back (JSON Schema file or OpenAPI operation, compiled once, see
 * `schema-cache.ts`). A mismatch is `schema-drift` with one drift entry per difference from the drift module;
 * values are shown only at the endpoint's `safeFields`. A non-2xx status is classified like any check
 * (401 → `credential`, 5xx → `server-error`) rather than validated: an error body is not drift.
 */
import type { Check } from '../../workspace/model.js';
import type { DriftEntry } from '../check-result.js';
import type { CheckKindRunner, CheckOutcome, CheckRunContext } from '../check-kind.js';
import { classifyStatus } from '../classify.js';
import { findEndpoint } from '../endpoint.js';
import { exchange } from '../request/exchange.js';
import { parseJsonBody } from '../request/json-body.js';
import type { RequestDeps } from '../request/request-deps.js';
import { validateResponse, type SchemaViolation } from '../schema/index.js';
import { ResponseSchemaCache } from './schema-cache.js';

export type SchemaCheck = Extract<Check, { kind: 'schema' }>;

/** Drift entries spelled out in the message; all of them are in `drift`. */
const MAX_LISTED = 3;

/**
 * @example
 *   const schema = createSchemaCheck(createRequestDeps());
 *   await schema.run(check, context);
 *   // → { class: 'schema-drift', drift: [{ pointer: '/data/0/amount', kind: 'became-null', … }], … }
 */
export function createSchemaCheck(
  deps: RequestDeps,
  cache: ResponseSchemaCache = new ResponseSchemaCache(),
): CheckKindRunner<'schema'> {
  return new SchemaCheckRunner(deps, cache);
}

/** A class, so that every registry's schema runner shares one `run` function (and the JIT's work on it). */
class SchemaCheckRunner implements CheckKindRunner<'schema'> {
  readonly kind = 'schema';
  readonly #deps: RequestDeps;
  readonly #cache: ResponseSchemaCache;

  constructor(deps: RequestDeps, cache: ResponseSchemaCache) {
    this.#deps = deps;
    this.#cache = cache;
  }

  run(check: SchemaCheck, context: CheckRunContext): Promise<CheckOutcome> {
    return runSchemaCheck(check, context, this.#deps, this.#cache);
  }
}

async function runSchemaCheck(
  check: SchemaCheck,
  context: CheckRunContext,
  deps: RequestDeps,
  cache: ResponseSchemaCache,
): Promise<CheckOutcome> {
  const found = findEndpoint(context.integration, check.endpoint);
  if (!found.ok) return found.outcome;
  const endpoint = found.endpoint;
  if (endpoint.responses === undefined && endpoint.openapi === undefined) {
    const message = `endpoint ${endpoint.id} declares no response schema (responses or openapi)`;
    return { class: 'assertion', errorCode: 'no-response-schema', message };
  }
  const request = check.request === undefined ? {} : { request: check.request };
  const exchanged = await exchange({ integration: context.integration, endpoint, ...request }, context, deps);
  if (!exchanged.ok) return exchanged.outcome;
  const response = exchanged.response;
  const { status, latencyMs } = response;
  if (status < 200 || status >= 300) {
    const retryAfter = response.headers['retry-after'];
    return {
      ...classifyStatus(status, { now: context.now(), ...(retryAfter === undefined ? {} : { retryAfter }) }),
      latencyMs,
    };
  }
  const schema = await cache.lookup(endpoint, status, context.resolvePath);
  if (!schema.ok)
    return { class: 'assertion', status, latencyMs, errorCode: schema.code, message: schema.message };
  const body = parseJsonBody(response);
  if (!body.ok) return { ...body.outcome, latencyMs };
  const validated = validateResponse(schema.compiled, body.value, {
    ...(endpoint.safeFields === undefined ? {} : { safePointers: endpoint.safeFields }),
    ...(check.strict === undefined ? {} : { strict: check.strict }),
  });
  if (validated.ok)
    return { class: 'ok', status, latencyMs, message: `${status} conforms to ${schema.origin}` };
  return {
    class: 'schema-drift',
    status,
    latencyMs,
    drift: validated.drift,
    message: driftMessage(validated.drift, validated.violations, validated.truncated, schema.origin),
  };
}

function driftMessage(
  drift: readonly DriftEntry[],
  violations: readonly SchemaViolation[],
  truncated: boolean,
  origin: string,
): string {
  const more = (total: number) => (total > MAX_LISTED || truncated ? ' (and more)' : '');
  if (drift.length === 0) {
    const listed = violations.slice(0, MAX_LISTED).map((v) => `${v.pointer || '(root)'} ${v.expected}`);
    return `response violates ${origin}: ${listed.join('; ') || 'unknown reason'}${more(violations.length)}`;
  }
  const listed = drift
    .slice(0, MAX_LISTED)
    .map(
      (entry) =>
        `${entry.kind} ${entry.pointer || '(root)'} (expected ${entry.expected}, got ${entry.actual})`,
    );
  const noun = drift.length === 1 ? '1 drift' : `${drift.length} drifts`;
  return `${noun} from ${origin}: ${listed.join('; ')}${more(drift.length)}`;
}
