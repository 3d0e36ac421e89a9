/**
 * The server's schema validator. Fastify's default coerces types everywhere and silently drops unknown fields;
 * here only the query string and path parameters are coerced (they are text on the wire, `limit=20` must become
 * a number), while JSON bodies are checked as sent, so `{"actor": 42}` is rejected rather than turned into "42".
 * All errors are collected so a caller fixes every field in one go.
 */
import { Ajv, type Options } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

const COMMON: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: true };

// Shared by every server in the process: ajv caches compiled schemas by object identity and the route schemas
// are constants, so a second server (every test builds one) compiles nothing. Compiled validators are pure.
const STRICT_AJV = new Ajv({ ...COMMON, coerceTypes: false });
const COERCING_AJV = new Ajv({ ...COMMON, coerceTypes: 'array' });

export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  return ({ schema, httpPart }) => (httpPart === 'body' ? STRICT_AJV : COERCING_AJV).compile(schema);
}
