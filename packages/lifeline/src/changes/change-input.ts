/**
 * What a caller sends to record a change (the API body, the signed webhook's body), as one JSON Schema that
 * the API validates with and the webhook checks its raw body against, and the step from a valid input to a
 * `ChangeRecord`: the time parsed, the source stamped, an id made when none was sent. Unknown fields are
 * rejected, like every API body.
 */
import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject } from 'ajv';
import { CHANGE_KINDS, type ChangeRecord, type ChangeSource } from './change.js';

const NAME = { minLength: 1, maxLength: 200 } as const;
export const CHANGE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$';
/** ISO 8601 with a date, optionally a time with seconds, fraction and zone (`Z` or `±hh:mm`). */
export const ISO_TIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$';

export const ChangeInputSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: CHANGE_ID_PATTERN })),
    integration: Type.Optional(Type.String(NAME)),
    service: Type.Optional(Type.String(NAME)),
    team: Type.Optional(Type.String(NAME)),
    kind: Type.Union(CHANGE_KINDS.map((kind) => Type.Literal(kind))),
    ref: Type.String({ minLength: 1, maxLength: 500 }),
    by: Type.Optional(Type.String(NAME)),
    at: Type.Optional(Type.Union([Type.String({ pattern: ISO_TIME_PATTERN }), Type.Integer({ minimum: 0 })])),
    url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    summary: Type.Optional(Type.String({ maxLength: 2000 })),
    environment: Type.Optional(Type.String(NAME)),
    /** Who is recording: `cli` from `lifeline change record`, else `api` (the webhooks set their own). */
    source: Type.Optional(Type.Union([Type.Literal('cli'), Type.Literal('api')])),
  },
  { additionalProperties: false },
);

export type ChangeInput = Static<typeof ChangeInputSchema>;

/** A field that is wrong, named as the API's problems name it. */
export interface InputProblem {
  field: string;
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: InputProblem };

const ajv = new Ajv({ allErrors: false, strict: true });
const validateInput = ajv.compile(ChangeInputSchema);

/** Checks a parsed JSON body against the schema (the webhook's body is not validated by fastify). */
export function checkChangeInput(value: unknown): Checked<ChangeInput> {
  if (validateInput(value)) return { ok: true, value: value as ChangeInput };
  return { ok: false, problem: problemOf(validateInput.errors?.[0]) };
}

/** Parses a raw JSON body and checks it; a body that is not JSON is a problem of the whole body (field ''). */
export function parseChangeInput(body: string): Checked<ChangeInput> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: { field: '', message: 'the body is not valid JSON' } };
  }
  return checkChangeInput(value);
}

/** `at` as epoch ms: an ISO 8601 time, epoch ms, or `now` when absent. */
export function changeTime(at: ChangeInput['at'], now: number): Checked<number> {
  if (at === undefined) return { ok: true, value: now };
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    return { ok: false, problem: { field: 'at', message: 'is not a valid time' } };
  }
  return { ok: true, value: ms };
}

/**
 * The record for a valid input. An input without an id gets a fresh one (`chg-<uuid>`).
 *
 * @example
 *   toChangeRecord({ kind: 'deploy', ref: 'v42', integration: 'payments' }, 'api', Date.now())
 */
export function toChangeRecord(
  input: ChangeInput,
  source: ChangeSource,
  now: number,
  newId: () => string = () => `chg-${randomUUID()}`,
): Checked<ChangeRecord> {
  const at = changeTime(input.at, now);
  if (!at.ok) return at;
  const record: ChangeRecord = {
    id: input.id ?? newId(),
    kind: input.kind,
    ref: input.ref,
    at: at.value,
    source,
    ...(input.integration !== undefined ? { integration: input.integration } : {}),
    ...(input.service !== undefined ? { service: input.service } : {}),
    ...(input.team !== undefined ? { team: input.team } : {}),
    ...(input.by !== undefined ? { by: input.by } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.summary !== undefined ? { summary: input.summary } : {}),
    ...(input.environment !== undefined ? { environment: input.environment } : {}),
  };
  return { ok: true, value: record };
}

function problemOf(error: ErrorObject | undefined): InputProblem {
  if (!error) return { field: '', message: 'is invalid' };
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const named = error.params.missingProperty ?? error.params.additionalProperty;
  const field = typeof named === 'string' ? (path ? `${path}.${named}` : named) : path;
  if (error.keyword === 'required') return { field, message: 'is required' };
  if (error.keyword === 'additionalProperties') return { field, message: 'is not a known field' };
  if (error.keyword === 'type' && field === '') return { field, message: 'the body must be a JSON object' };
  if (field === 'kind') return { field, message: `must be one of ${CHANGE_KINDS.join(', ')}` };
  if (field === 'at') return { field, message: 'must be an ISO 8601 time or epoch milliseconds' };
  return { field, message: error.message ?? 'is invalid' };
}
