/**
 * The schema check's public API: load a response schema (OpenAPI operation or JSON Schema), compile it once,
 * validate responses, and report drift pinpointed to the field.
 */
export { loadResponseSchema, type ResponseSchemaSource } from './load.js';
export {
  findResponseSchema,
  loadOpenApiResponseSchema,
  type OpenApiLoadOptions,
  type OpenApiResponseQuery,
} from './openapi.js';
export { loadJsonSchema, type JsonSchemaLoadOptions } from './json-schema-source.js';
export {
  compileResponseSchema,
  createSchemaCompiler,
  type CompileOptions,
  type CompileResult,
  type CompiledResponseSchema,
  type SchemaCompiler,
  type SchemaViolation,
} from './compile.js';
export { analyzeDrift, type DriftOptions, type DriftReport } from './drift.js';
export { validateResponse, type ValidationOutcome } from './validate.js';
export type {
  JsonSchema,
  JsonSchemaObject,
  LoadResult,
  ResponseSchema,
  SchemaDialect,
  SchemaError,
  SchemaErrorCode,
} from './types.js';
