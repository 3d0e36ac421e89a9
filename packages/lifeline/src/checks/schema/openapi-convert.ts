/**
 * Turns one schema inside an OpenAPI document into a self-contained JSON Schema 2020-12 document: every local
 * `$ref` it reaches is copied into `$defs` (cycles included), and OpenAPI 3.0 Schema Objects are rewritten to
 * their 2020-12 meaning (`nullable`, boolean `exclusiveMinimum/Maximum`, OpenAPI-only keywords dropped).
 */
import { refToSegments, resolveSegments, segmentsToRef } from './json-pointer.js';
import { isRecord, type JsonSchema, type JsonSchemaObject } from './types.js';

export type OpenApiVersion = '3.0' | '3.1';

export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** Keywords whose value is a map of name → subschema. */
const MAP_KEYWORDS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is one subschema. */
const SINGLE_KEYWORDS = new Set([
  'additionalProperties',
  'items',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'additionalItems',
]);
/** Keywords whose value is a list of subschemas. */
const LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
/** OpenAPI annotations that are not JSON Schema; they would only make ajv's strict mode complain. */
const OPENAPI_ONLY = new Set(['nullable', 'discriminator', 'xml', 'externalDocs', 'example']);
/** Keywords that combine schemas: `nullable` next to them cannot be expressed by widening `type` alone. */
const COMBINERS = ['allOf', 'anyOf', 'oneOf', 'not', '$ref'];

/** A `$ref` that points nowhere in the (already bundled) document. */
export class UnresolvedRefError extends Error {
  override readonly name = 'UnresolvedRefError';
  constructor(readonly ref: string) {
    super(`$ref ${ref} does not resolve`);
  }
}

/**
 * Converts `schema` (found in `doc`) into a standalone 2020-12 schema.
 * @throws UnresolvedRefError when a reachable `$ref` is not a local pointer or points nowhere.
 */
export function extractSchema(doc: unknown, schema: unknown, version: OpenApiVersion): JsonSchemaObject {
  return new SchemaExtractor(doc, version, schema).run(schema);
}

class SchemaExtractor {
  private readonly defs: Record<string, JsonSchema> = {};
  private readonly names = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(
    private readonly doc: unknown,
    private readonly version: OpenApiVersion,
    root: unknown,
  ) {
    // A 3.1 schema may carry its own $defs; our names must not overwrite them.
    if (isRecord(root) && isRecord(root.$defs))
      for (const key of Object.keys(root.$defs)) this.taken.add(key);
  }

  run(schema: unknown): JsonSchemaObject {
    const converted = this.convert(schema);
    const root: JsonSchemaObject =
      converted === true ? {} : converted === false ? { not: {} } : { ...converted };
    if (Object.keys(this.defs).length > 0) {
      root.$defs = { ...(isRecord(root.$defs) ? root.$defs : {}), ...this.defs };
    }
    return { $schema: DRAFT_2020_12, ...root };
  }

  private convert(node: unknown): JsonSchema {
    if (typeof node === 'boolean') return node;
    // A malformed schema constrains nothing; reporting drift against it would be noise.
    if (!isRecord(node)) return true;
    const out: JsonSchemaObject = {};
    if (typeof node.$ref === 'string') {
      const target = this.defRef(node.$ref);
      // OpenAPI 3.0 ignores siblings of $ref, except that authors widely mean `nullable` to apply.
      if (this.version === '3.0') {
        return node.nullable === true ? { anyOf: [{ $ref: target }, { type: 'null' }] } : { $ref: target };
      }
      out.$ref = target;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' || key === '$schema' || OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
      out[key] = this.convertKeyword(key, value);
    }
    return this.version === '3.0' ? applyOpenApi30(node, out) : out;
  }

  private convertKeyword(key: string, value: unknown): unknown {
    if (MAP_KEYWORDS.has(key) && isRecord(value)) {
      return Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, this.convert(sub)]));
    }
    if (LIST_KEYWORDS.has(key) && Array.isArray(value)) return value.map((sub) => this.convert(sub));
    if (SINGLE_KEYWORDS.has(key) && (isRecord(value) || typeof value === 'boolean'))
      return this.convert(value);
    // enum, const, default, required…: data, copied as is.
    return value;
  }

  /** Registers the target of a local `$ref` under `$defs` (once, so cycles terminate) and returns its new ref. */
  private defRef(ref: string): string {
    const known = this.names.get(ref);
    if (known !== undefined) return segmentsToRef(['$defs', known]);
    const segments = refToSegments(ref);
    if (segments === undefined) throw new UnresolvedRefError(ref);
    const target = resolveSegments(this.doc, segments);
    if (target === undefined) throw new UnresolvedRefError(ref);
    const name = this.uniqueName(segments);
    this.names.set(ref, name);
    this.defs[name] = true;
    this.defs[name] = this.convert(target);
    return segmentsToRef(['$defs', name]);
  }

  private uniqueName(segments: readonly string[]): string {
    const components = segments[0] === 'components' && segments[1] === 'schemas' ? segments.slice(2) : [];
    // Readable, pointer-safe names: `Charge`, or `paths._v1_charges.get…` for schemas inlined by bundling.
    const joined = (components.length > 0 ? components : segments).join('.') || 'root';
    const base = joined.replace(/[^A-Za-z0-9._-]/g, '_');
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }
}

/** Applies the OpenAPI 3.0 keywords whose meaning differs from 2020-12. */
function applyOpenApi30(node: JsonSchemaObject, out: JsonSchemaObject): JsonSchema {
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[exclusive] !== 'boolean') continue;
    if (out[exclusive] === true && typeof out[bound] === 'number') {
      out[exclusive] = out[bound];
      delete out[bound];
    } else {
      delete out[exclusive];
    }
  }
  if (node.nullable !== true) return out;
  if (COMBINERS.some((key) => key in out)) return { anyOf: [out, { type: 'null' }] };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}
