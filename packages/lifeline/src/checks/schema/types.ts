/**
 * Shared types of the schema check: the JSON Schema shapes we pass around, the dialects we compile, and the
 * error values the loader and compiler return instead of throwing.
 */

/** The JSON Schema dialects the validator compiles; OpenAPI schemas are converted to 2020-12. */
export type SchemaDialect = '2020-12' | 'draft-07';

/** A JSON Schema object: keywords are read defensively, so values stay `unknown` until narrowed. */
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

/** Any JSON Schema, including the boolean schemas `true` (anything) and `false` (nothing). */
export type JsonSchema = boolean | JsonSchemaObject;

/**
 * Stable codes of schema loading and compiling problems; callers branch on these, never on messages.
 * - `openapi-invalid`: not an object, no `openapi` field, unsupported version, unreadable or unparsable file.
 * - `openapi-operation-missing`: no operation with that `operationId` (suggestions hold the closest ones).
 * - `openapi-response-missing`: no response for the status, no JSON media type, or no schema.
 * - `openapi-ref-unresolved` / `schema-ref-unresolved`: a `$ref` points at a missing file or location.
 * - `schema-invalid`: a plain JSON Schema that cannot be read, has an unsupported `$schema`, or does not compile.
 */
export type SchemaErrorCode =
  | 'openapi-invalid'
  | 'openapi-operation-missing'
  | 'openapi-response-missing'
  | 'openapi-ref-unresolved'
  | 'schema-invalid'
  | 'schema-ref-unresolved';

/** A problem found while loading or compiling a schema, returned as a value. */
export interface SchemaError {
  code: SchemaErrorCode;
  /** One line a person can act on. */
  message: string;
  /** Close matches for what was asked for (e.g. operationIds), best first. */
  suggestions?: string[];
  cause?: unknown;
}

/** A response schema ready to compile: self-contained (internal `$ref`s only) in a known dialect. */
export interface ResponseSchema {
  schema: JsonSchema;
  dialect: SchemaDialect;
  /** Where it came from, for messages, e.g. `listCharges 200 application/json (OpenAPI 3.0.3)`. */
  origin: string;
  /** The response key that matched (`200`, `2XX`, `default`) when the source is OpenAPI. */
  status?: string;
  /** The media type key that matched when the source is OpenAPI. */
  mediaType?: string;
}

export type LoadResult = { ok: true; value: ResponseSchema } | { ok: false; error: SchemaError };

/** Narrows to a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
