/**
 * Response schemas per endpoint and status, loaded and compiled once for the life of the registry (one per
 * process in the daemon): a schema check every minute must not re-read and re-compile its OpenAPI document.
 * Only successes are cached; a missing or broken schema file is tried again on the next run, so fixing the
 * file heals the check without a restart.
 */
import type { Endpoint } from '../../workspace/model.js';
import {
  compileResponseSchema,
  createSchemaCompiler,
  loadResponseSchema,
  type CompiledResponseSchema,
  type SchemaCompiler,
} from '../schema/index.js';

export type SchemaLookup =
  | { ok: true; compiled: CompiledResponseSchema; origin: string }
  | { ok: false; code: string; message: string };

export class ResponseSchemaCache {
  readonly #compiler: SchemaCompiler;
  readonly #entries = new Map<string, Promise<SchemaLookup>>();

  constructor(compiler: SchemaCompiler = createSchemaCompiler()) {
    this.#compiler = compiler;
  }

  /** The compiled schema `endpoint` declares for `status` (exact, then `2XX`, then `default`). */
  lookup(
    endpoint: Endpoint,
    status: number,
    resolvePath: (relative: string) => string,
  ): Promise<SchemaLookup> {
    const source = sourceFor(endpoint, status, resolvePath);
    if (!source.ok) return Promise.resolve(source);
    const cached = this.#entries.get(source.key);
    if (cached !== undefined) return cached;
    const loading = this.#load(source.load, source.label);
    this.#entries.set(source.key, loading);
    void loading.then((result) => {
      if (!result.ok) this.#entries.delete(source.key);
    });
    return loading;
  }

  /** How many schemas are cached. */
  get size(): number {
    return this.#entries.size;
  }

  async #load(load: Parameters<typeof loadResponseSchema>[0], label: string): Promise<SchemaLookup> {
    const loaded = await loadResponseSchema(load);
    if (!loaded.ok)
      return { ok: false, code: loaded.error.code, message: `${label}: ${loaded.error.message}` };
    const compiled = compileResponseSchema(loaded.value.schema, {
      dialect: loaded.value.dialect,
      compiler: this.#compiler,
    });
    if (!compiled.ok)
      return { ok: false, code: compiled.error.code, message: `${label}: ${compiled.error.message}` };
    return { ok: true, compiled: compiled.compiled, origin: label };
  }
}

type Source =
  | { ok: true; key: string; label: string; load: Parameters<typeof loadResponseSchema>[0] }
  | { ok: false; code: string; message: string };

function sourceFor(endpoint: Endpoint, status: number, resolvePath: (relative: string) => string): Source {
  if (endpoint.openapi !== undefined) {
    const document = resolvePath(endpoint.openapi.document);
    const { operationId } = endpoint.openapi;
    return {
      ok: true,
      key: JSON.stringify(['openapi', document, operationId, status]),
      label: `${operationId} ${status} in ${endpoint.openapi.document}`,
      load: { openapi: document, operationId, status },
    };
  }
  const responses = endpoint.responses;
  if (responses === undefined) {
    const message = `endpoint ${endpoint.id} declares no response schema (responses or openapi)`;
    return { ok: false, code: 'no-response-schema', message };
  }
  const byKey = new Map(Object.entries(responses).map(([key, value]) => [key.toUpperCase(), value]));
  const wanted = [String(status), `${String(status)[0]}XX`, 'DEFAULT'];
  const match = wanted.map((key) => byKey.get(key)).find((value) => value !== undefined);
  if (match === undefined) {
    const declared = Object.keys(responses).join(', ') || 'none';
    const message = `endpoint ${endpoint.id} declares no response schema for ${status} (declared: ${declared})`;
    return { ok: false, code: 'no-response-schema', message };
  }
  const file = resolvePath(match.schema);
  return { ok: true, key: JSON.stringify(['json', file]), label: match.schema, load: { jsonSchema: file } };
}
