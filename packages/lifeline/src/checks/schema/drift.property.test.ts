// Properties of the drift walker: values built to conform never drift; it agrees with ajv on random schemas;
// it never throws on arbitrary JSON, respects maxEntries and leaks no values by default.
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRIFT_KINDS } from './fixtures/drift-kinds.js';
import { refToSegments, resolveSegments } from './json-pointer.js';
import {
  analyzeDrift,
  compileResponseSchema,
  createSchemaCompiler,
  loadResponseSchema,
  validateResponse,
  type CompiledResponseSchema,
  type JsonSchema,
  type JsonSchemaObject,
} from './index.js';
import { isRecord } from './types.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const compiler = createSchemaCompiler();
const TYPE_NAMES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array', 'absent']);
// A clock that never advances: no property may depend on how loaded the machine is.
const BUDGET = { now: () => 0 };

function compile(schema: JsonSchema): CompiledResponseSchema {
  const result = compileResponseSchema(schema, { compiler });
  if (!result.ok) throw new Error(result.error.message);
  return result.compiled;
}

// ---- values that conform to a schema (the subset of keywords the fixtures and random schemas use) ----

function resolve(root: JsonSchema, ref: string): unknown {
  return resolveSegments(root, refToSegments(ref) ?? []);
}

/** Folds `allOf` members (and `$ref`s to them) into one object schema. */
function mergeAllOf(schema: JsonSchemaObject, root: JsonSchema): JsonSchemaObject {
  const merged: JsonSchemaObject = { ...schema, properties: { ...(schema.properties as object) } };
  delete merged.allOf;
  for (let member of schema.allOf as unknown[]) {
    while (isRecord(member) && typeof member.$ref === 'string') member = resolve(root, member.$ref);
    if (!isRecord(member)) continue;
    const flat = Array.isArray(member.allOf) ? mergeAllOf(member, root) : member;
    merged.type ??= flat.type;
    Object.assign(merged.properties as object, flat.properties);
    merged.required = [...((merged.required as string[]) ?? []), ...((flat.required as string[]) ?? [])];
  }
  return merged;
}

function conforming(schema: unknown, root: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema === true || (isRecord(schema) && Object.keys(schema).length === 0))
    return fc.jsonValue({ maxDepth: 1 });
  if (!isRecord(schema)) throw new Error('unsupported schema');
  if (typeof schema.$ref === 'string') return conforming(resolve(root, schema.$ref), root, depth + 1);
  if (Array.isArray(schema.allOf)) return conforming(mergeAllOf(schema, root), root, depth);
  const branches = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (branches !== undefined) return fc.oneof(...branches.map((b) => conforming(b, root, depth)));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type as string[]);
  return fc.oneof(...types.map((type) => ofType(type, schema, root, depth)));
}

function ofType(
  type: string,
  schema: JsonSchemaObject,
  root: JsonSchema,
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({
        min:
          typeof schema.exclusiveMinimum === 'number'
            ? schema.exclusiveMinimum + 1
            : ((schema.minimum as number) ?? -1000),
        max: (schema.maximum as number) ?? 1_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 });
    case 'string':
      return ofFormat(schema.format);
    case 'array':
      return fc.array(conforming(schema.items ?? true, root, depth + 1), { maxLength: depth > 3 ? 0 : 3 });
    default:
      return ofObject(schema, root, depth);
  }
}

function ofFormat(format: unknown): fc.Arbitrary<string> {
  if (format === 'date-time') {
    const range = {
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    };
    return fc.date(range).map((d) => d.toISOString());
  }
  if (format === 'email') return fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.(com|org)$/);
  if (format === 'uuid') return fc.uuid();
  return fc.string({ maxLength: 8 });
}

function ofObject(schema: JsonSchemaObject, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = ((schema.required ?? []) as string[]).filter((name) => name in properties);
  // Deep down only required properties, so recursive schemas (category trees) stay finite.
  const names = depth > 3 ? required : Object.keys(properties);
  const model = Object.fromEntries(
    names.map((name) => [name, conforming(properties[name], root, depth + 1)]),
  );
  const record = fc.record(model, { requiredKeys: required });
  const extra = schema.additionalProperties;
  if (!isRecord(extra)) return record;
  const key = fc.stringMatching(/^[a-z_]{1,8}$/).filter((k) => !(k in properties));
  const map = fc.dictionary(key, conforming(extra, root, depth + 1), { maxKeys: 2 });
  return fc.tuple(record, map).map(([declared, more]) => ({ ...more, ...declared }));
}

// ---- random schemas ----

const propertyName = fc.constantFrom('id', 'amount', 'status', 'data', 'a/b', 'x~y', 'kind');

function tagged(schema: JsonSchemaObject, tag: string): JsonSchemaObject {
  const properties = { ...(schema.properties as object), kind: { const: tag } };
  return {
    ...schema,
    properties,
    required: [...new Set([...((schema.required as string[]) ?? []), 'kind'])],
  };
}

const { node: randomSchema } = fc.letrec<{
  node: JsonSchemaObject;
  leaf: JsonSchemaObject;
  object: JsonSchemaObject;
  array: JsonSchemaObject;
  nullable: JsonSchemaObject;
  union: JsonSchemaObject;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    tie('leaf'),
    tie('object'),
    tie('array'),
    tie('nullable'),
    tie('union'),
  ),
  leaf: fc.constantFrom<JsonSchemaObject>(
    { type: 'string' },
    { type: 'integer' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
    { type: 'string', format: 'date-time' },
    { type: 'string', format: 'email' },
    { type: 'string', format: 'uuid' },
    { type: ['string', 'null'] },
    { enum: ['usd', 'eur', 1, null] },
    { const: 'fixed' },
    {},
  ),
  object: fc
    .tuple(fc.dictionary(propertyName, tie('node'), { maxKeys: 4 }), fc.boolean())
    .chain(([properties, closed]) =>
      fc.subarray(Object.keys(properties)).map((required) => ({
        type: 'object',
        properties,
        required,
        ...(closed ? { additionalProperties: false } : {}),
      })),
    ),
  array: tie('node').map((items) => ({ type: 'array', items })),
  nullable: tie('node').map((inner) => ({ anyOf: [inner, { type: 'null' }] })),
  union: fc
    .tuple(tie('object'), tie('object'))
    .map(([a, b]) => ({ oneOf: [tagged(a, 'a'), tagged(b, 'b')] })),
}));

const schemaWithValue = randomSchema.chain((schema) =>
  fc.tuple(fc.constant(schema), conforming(schema, schema)),
);

// ---- properties ----

describe('fixture schemas', () => {
  const cases: [string, Promise<JsonSchema>][] = [];
  for (const [file, operationId] of [
    ['charges-3.0.yaml', 'listCharges'],
    ['charges-3.1.yaml', 'listCharges'],
    ['charges-3.0.yaml', 'listCategories'],
  ] as const) {
    const schema = loadResponseSchema({ openapi: fixture(file), operationId }).then((r) => {
      if (!r.ok) throw new Error(r.error.message);
      return r.value.schema;
    });
    cases.push([`${file} ${operationId}`, schema]);
  }

  it.each(cases)(
    '%s: a conforming value has no drift, even in strict mode only removed/added',
    async (_name, load) => {
      const schema = await load;
      const compiled = compile(schema);
      fc.assert(
        fc.property(conforming(schema, schema), (value) => {
          expect(compiled.isValid(value)).toBe(true);
          expect(analyzeDrift(schema, value, BUDGET).entries).toEqual([]);
          const strict = analyzeDrift(schema, value, { ...BUDGET, strict: true }).entries;
          expect(strict.filter((e) => e.kind !== 'removed' && e.kind !== 'added')).toEqual([]);
        }),
        { numRuns: 150 },
      );
    },
  );

  it.each(cases)('%s: never throws on arbitrary JSON, caps entries, leaks nothing', async (_name, load) => {
    const schema = await load;
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        (value, maxEntries, strict) => {
          const report = analyzeDrift(schema, value, { maxEntries, strict });
          expect(report.entries.length).toBeLessThanOrEqual(maxEntries);
          for (const entry of report.entries) {
            expect(DRIFT_KINDS).toContain(entry.kind);
            expect(entry.pointer === '' || entry.pointer.startsWith('/')).toBe(true);
            expect(TYPE_NAMES).toContain(entry.actual);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('random schemas', () => {
  it('a value generated to conform has no drift and ajv agrees', () => {
    fc.assert(
      fc.property(schemaWithValue, ([schema, value]) => {
        expect(compile(schema).isValid(value)).toBe(true);
        expect(analyzeDrift(schema, value, BUDGET).entries).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with ajv on arbitrary JSON: valid means no drift, invalid means some drift', () => {
    fc.assert(
      fc.property(randomSchema, fc.jsonValue({ maxDepth: 4 }), (schema, value) => {
        const outcome = validateResponse(compile(schema), value, BUDGET);
        if (outcome.ok) return;
        expect(outcome.drift.length).toBeGreaterThan(0);
        expect(outcome.violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('replacing one property of a conforming object reports drift only at or under that property', () => {
    const replacement = fc.constantFrom(null, 'drift', 12.5, true, [], {});
    fc.assert(
      fc.property(schemaWithValue, replacement, ([schema, value], replaced) => {
        fc.pre(isRecord(value) && Object.keys(value).length > 0);
        const record = value as Record<string, unknown>;
        const name = Object.keys(record)[0] as string;
        const outcome = validateResponse(compile(schema), { ...record, [name]: replaced }, BUDGET);
        if (outcome.ok) return;
        const pointer = `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        for (const entry of outcome.drift) {
          expect(entry.pointer === pointer || entry.pointer.startsWith(`${pointer}/`)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
