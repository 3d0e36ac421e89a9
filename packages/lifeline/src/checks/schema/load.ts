/**
 * One entry point for every kind of response schema source a workspace endpoint can declare: an OpenAPI
 * operation or a plain JSON Schema, each as a file or an object.
 */
import { loadJsonSchema } from './json-schema-source.js';
import { loadOpenApiResponseSchema } from './openapi.js';
import type { JsonSchema, LoadResult } from './types.js';

/** Where an endpoint's response schema comes from. */
export type ResponseSchemaSource =
  | {
      /** Path to an OpenAPI 3.0/3.1 file (YAML or JSON), or the parsed document. */
      openapi: string | object;
      operationId: string;
      /** `200`, `'2XX'` or `'default'`; defaults to `200`. */
      status?: string | number;
      /** Defaults to `application/json` (any `+json` type also matches). */
      mediaType?: string;
      baseDir?: string;
    }
  | {
      /** Path to a JSON Schema file (draft-07 or 2020-12), or the schema itself. */
      jsonSchema: string | JsonSchema;
      baseDir?: string;
    };

/**
 * Loads a response schema; never throws, problems come back as `{ ok: false, error: { code, message } }`.
 * @example
 *   const loaded = await loadResponseSchema({ openapi: 'vendor/stripe.yaml', operationId: 'GetCharges' });
 */
export async function loadResponseSchema(source: ResponseSchemaSource): Promise<LoadResult> {
  if ('openapi' in source) {
    const { openapi, ...options } = source;
    return loadOpenApiResponseSchema(openapi, options);
  }
  return loadJsonSchema(source.jsonSchema, source.baseDir === undefined ? {} : { baseDir: source.baseDir });
}
