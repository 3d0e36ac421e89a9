/**
 * Compiles response schemas with ajv, once per schema object: a check runs every minute against the same
 * schema, and compiling costs far more than validating. The compiled form answers "conforms?" cheaply
 * (first error stops it); the full drift analysis runs only when that answer is no.
 */
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { errorMessage } from './source.js';
import type { JsonSchema, SchemaDialect, SchemaError } from './types.js';

/** A failure ajv found that no drift kind names (e.g. `minimum`, `pattern`, `minItems`). */
export interface SchemaViolation {
  pointer: string;
  keyword: string;
  /** What the schema requires, from the schema side only (no response values), e.g. `must be >= 1`. */
  expected: string;
}

/** A response schema ready to validate; reuse it across runs. */
export interface CompiledResponseSchema {
  readonly schema: JsonSchema;
  readonly dialect: SchemaDialect;
  /** True when `value` conforms; stops at the first error. */
  isValid(value: unknown): boolean;
  /** Up to `max` raw validation failures, for when the drift walker names none; compiled on first use. */
  violations(value: unknown, max?: number): SchemaViolation[];
}

export type CompileResult =
  { ok: true; compiled: CompiledResponseSchema } | { ok: false; error: SchemaError };

export interface CompileOptions {
  /** Defaults to `2020-12` (what the loader produces for OpenAPI). */
  dialect?: SchemaDialect;
  /** Compiler (ajv instances + cache) to use; a shared default one otherwise. */
  compiler?: SchemaCompiler;
}

/** Owns ajv instances and the identity cache of compiled schemas. */
export interface SchemaCompiler {
  compile(schema: JsonSchema, dialect: SchemaDialect): CompileResult;
}

// ajv-formats is CommonJS with `module.exports = plugin` and `plugin.default = plugin`; `.default` is the
// plugin under every interop (Node ESM, bundlers, vitest).
const addFormats = addFormatsModule.default;

const BASE_OPTIONS: Options = {
  // Vendor schemas carry unknown keywords and formats; being strict about them would fail the check for
  // reasons that are not drift.
  strict: false,
  logger: false,
  // Two vendors may reuse an `$id`; never register compiled schemas by id in the shared instance.
  addUsedSchema: false,
  allowUnionTypes: true,
};

/**
 * Compiles (or returns the cached compilation of) a response schema. Never throws.
 * @example
 *   const c = compileResponseSchema(loaded.value.schema, { dialect: loaded.value.dialect });
 *   if (c.ok && !c.compiled.isValid(body)) { ... analyzeDrift ... }
 */
export function compileResponseSchema(schema: JsonSchema, options: CompileOptions = {}): CompileResult {
  const compiler = options.compiler ?? defaultCompiler();
  return compiler.compile(schema, options.dialect ?? '2020-12');
}

let sharedCompiler: SchemaCompiler | undefined;

function defaultCompiler(): SchemaCompiler {
  sharedCompiler ??= createSchemaCompiler();
  return sharedCompiler;
}

/** A compiler with its own ajv instances and cache (tests and multi-tenant daemons keep them apart). */
export function createSchemaCompiler(): SchemaCompiler {
  const instances = new Map<string, Ajv>();
  const cache = new Map<SchemaDialect, WeakMap<object, CompileResult>>();
  const ajvFor = (dialect: SchemaDialect, allErrors: boolean): Ajv => {
    const key = `${dialect}:${String(allErrors)}`;
    let ajv = instances.get(key);
    if (ajv === undefined) {
      const options: Options = { ...BASE_OPTIONS, allErrors };
      ajv = dialect === '2020-12' ? new Ajv2020(options) : new Ajv(options);
      // Two copies of ajv 8 may be installed; the plugin only needs the public API both share.
      addFormats(ajv as unknown as Parameters<typeof addFormats>[0]);
      instances.set(key, ajv);
    }
    return ajv;
  };
  return {
    compile(schema, dialect) {
      if (typeof schema === 'boolean') return build(schema, dialect, ajvFor);
      let byIdentity = cache.get(dialect);
      if (byIdentity === undefined) cache.set(dialect, (byIdentity = new WeakMap()));
      const cached = byIdentity.get(schema);
      if (cached !== undefined) return cached;
      const result = build(schema, dialect, ajvFor);
      byIdentity.set(schema, result);
      return result;
    },
  };
}

function build(
  schema: JsonSchema,
  dialect: SchemaDialect,
  ajvFor: (dialect: SchemaDialect, allErrors: boolean) => Ajv,
): CompileResult {
  // The dialect is chosen explicitly; a `$schema` URI ajv does not know (draft-06, https variants) would fail.
  const forAjv = typeof schema === 'boolean' ? schema : withoutMetaSchema(schema);
  let fast: ValidateFunction;
  try {
    fast = compileOnce(ajvFor(dialect, false), forAjv);
  } catch (cause) {
    return {
      ok: false,
      error: { code: 'schema-invalid', message: `schema does not compile: ${errorMessage(cause)}`, cause },
    };
  }
  let full: ValidateFunction | undefined;
  const compiled: CompiledResponseSchema = {
    schema,
    dialect,
    isValid(value) {
      try {
        return fast(value);
      } catch {
        // Generated validators recurse with the data; nesting deeper than the stack is not conforming.
        return false;
      }
    },
    violations(value, max = 50) {
      full ??= compileOnce(ajvFor(dialect, true), forAjv);
      try {
        if (full(value)) return [];
      } catch {
        return [];
      }
      return (full.errors ?? []).slice(0, max).map(toViolation);
    },
  };
  return { ok: true, compiled };
}

/**
 * ajv keeps every schema it compiled in an internal map; our own identity cache already prevents recompiling,
 * so dropping ajv's entry keeps a long-running daemon from accumulating every schema it ever loaded.
 */
function compileOnce(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  const validate = ajv.compile(schema);
  if (typeof schema === 'object') ajv.removeSchema(schema);
  return validate;
}

function withoutMetaSchema(schema: Record<string, unknown>): Record<string, unknown> {
  if (!('$schema' in schema)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

function toViolation(error: ErrorObject): SchemaViolation {
  return { pointer: error.instancePath, keyword: error.keyword, expected: error.message ?? error.keyword };
}
