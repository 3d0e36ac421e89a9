// Loading response schemas from OpenAPI 3.0/3.1 documents and plain JSON Schemas: status and media type
// selection, external and circular $refs, and every error code.
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { chargeList } from './fixtures/charges.js';
import {
  compileResponseSchema,
  findResponseSchema,
  loadResponseSchema,
  validateResponse,
  type LoadResult,
  type ResponseSchema,
} from './index.js';

// A clock that never advances: exact expectations must not depend on how loaded the machine is.
const FROZEN = { now: () => 0 };

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const CHARGES_30 = fixture('charges-3.0.yaml');
const CHARGES_31 = fixture('charges-3.1.yaml');

function loaded(result: LoadResult): ResponseSchema {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

function errorOf(result: LoadResult) {
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

/** A minimal in-memory 3.0 document with one operation. */
function doc(schema: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/things': {
        get: {
          operationId: 'listThings',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema } } } },
        },
      },
    },
    ...extra,
  };
}

describe('loading an OpenAPI response schema', () => {
  it('finds the operation, converts it to 2020-12 and collects $refs under $defs', async () => {
    const value = loaded(await loadResponseSchema({ openapi: CHARGES_30, operationId: 'listCharges' }));
    expect(value).toMatchObject({
      dialect: '2020-12',
      status: '200',
      mediaType: 'application/json; charset=utf-8',
    });
    expect(value.origin).toBe('listCharges 200 application/json; charset=utf-8 (OpenAPI 3.0.3)');
    const schema = value.schema as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$ref).toBe('#/$defs/ChargeList');
    const defs = schema.$defs as Record<string, Record<string, unknown>>;
    expect(Object.keys(defs).sort()).toEqual([
      'BankAccount',
      'Card',
      'Charge',
      'ChargeList',
      'Customer',
      'PaymentMethod',
    ]);
    const props = defs.Charge?.properties as Record<string, Record<string, unknown>>;
    expect(props.description).toEqual({ type: ['string', 'null'] });
    expect(props.amount).toEqual({ type: 'integer', format: 'int64', minimum: 0 });
    expect(props.amount_refunded).toEqual({ type: 'integer', exclusiveMinimum: 0 });
    expect(props.customer).toEqual({ anyOf: [{ allOf: [{ $ref: '#/$defs/Customer' }] }, { type: 'null' }] });
    expect(props.id).toEqual({ type: 'string' });
    expect(props.xml_only).toEqual({ type: 'string' });
    expect(defs.Charge).not.toHaveProperty('externalDocs');
    expect(defs.PaymentMethod).not.toHaveProperty('discriminator');
  });

  it('keeps 3.1 schemas as they are (type arrays, const, numeric exclusiveMinimum)', async () => {
    const value = loaded(await loadResponseSchema({ openapi: CHARGES_31, operationId: 'listCharges' }));
    const defs = (value.schema as { $defs: Record<string, { properties: Record<string, unknown> }> }).$defs;
    expect(defs.Charge?.properties.description).toEqual({ type: ['string', 'null'] });
    expect(defs.Charge?.properties.amount_refunded).toEqual({ type: 'integer', exclusiveMinimum: 0 });
    expect(defs.Card?.properties.type).toEqual({ const: 'card' });
  });

  it.each([
    ['retrieveCharge', 200, '2XX'],
    ['retrieveCharge', '2xx', '2XX'],
    ['listCharges', 200, '200'],
    ['listCharges', 404, '4XX'],
    ['listCharges', 500, 'default'],
    ['listCharges', 'default', 'default'],
  ])('%s %s uses the %s response', async (operationId, status, key) => {
    const value = loaded(await loadResponseSchema({ openapi: CHARGES_30, operationId, status }));
    expect(value.status).toBe(key);
  });

  it('matches +json media types and an explicitly requested one', async () => {
    const vendor = loaded(await loadResponseSchema({ openapi: CHARGES_30, operationId: 'retrieveCharge' }));
    expect(vendor.mediaType).toBe('application/vnd.payments.v1+json');
    const problem = loaded(
      await loadResponseSchema({
        openapi: CHARGES_30,
        operationId: 'listCharges',
        status: 404,
        mediaType: 'application/problem+json',
      }),
    );
    expect(problem.mediaType).toBe('application/problem+json');
  });

  it('inlines a schema from a sibling file', async () => {
    const value = loaded(
      await loadResponseSchema({ openapi: CHARGES_30, operationId: 'createRefund', status: 201 }),
    );
    const compiled = compileResponseSchema(value.schema);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const refund = { id: 're_1', amount: 100, created: '2024-06-01T00:00:00Z', reason: 'fraudulent' };
    expect(validateResponse(compiled.compiled, refund, FROZEN)).toEqual({ ok: true });
    const drifted = validateResponse(compiled.compiled, { ...refund, reason: 'changed_mind' }, FROZEN);
    expect(drifted.ok ? [] : drifted.drift.map((d) => [d.pointer, d.kind])).toEqual([
      ['/reason', 'enum-value'],
    ]);
  });

  it('terminates on circular $refs, local and across files, and validates deep trees', async () => {
    const value = loaded(await loadResponseSchema({ openapi: CHARGES_30, operationId: 'listCategories' }));
    const compiled = compileResponseSchema(value.schema);
    if (!compiled.ok) throw new Error(compiled.error.message);
    const leaf = { name: 'leaf', parent: { name: 'p', parent: { name: 'pp', parent: { name: 7 } } } };
    const tree = { name: 'root', children: [{ name: 'a', children: [{ name: 'b', children: [leaf] }] }] };
    const outcome = validateResponse(compiled.compiled, tree, FROZEN);
    expect(outcome.ok ? [] : outcome.drift.map((d) => [d.pointer, d.kind])).toEqual([
      ['/children/0/children/0/children/0/parent/parent/parent/name', 'type-changed'],
    ]);
  });

  it('accepts a parsed document and leaves it untouched', () => {
    const document = doc(
      { $ref: '#/components/schemas/Thing' },
      {
        components: { schemas: { Thing: { type: 'object', nullable: true, example: { id: 1 } } } },
      },
    );
    const before = structuredClone(document);
    const value = loaded(findResponseSchema(document, { operationId: 'listThings' }));
    expect(value.schema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $ref: '#/$defs/Thing',
      $defs: { Thing: { type: ['object', 'null'] } },
    });
    expect(document).toEqual(before);
  });

  it('resolves external refs of an in-memory document against baseDir', async () => {
    const document = doc({ $ref: './common.yaml#/Refund' });
    const value = loaded(
      await loadResponseSchema({
        openapi: document,
        operationId: 'listThings',
        baseDir: dirname(CHARGES_30),
      }),
    );
    expect(JSON.stringify(value.schema)).toContain('"requested_by_customer",null');
  });
});

describe('OpenAPI loading errors', () => {
  it.each([
    ['a string that is no file', '/nonexistent/openapi.yaml'],
    ['an array', []],
    ['null', null],
    ['no openapi field', { info: {}, paths: {} }],
    ['Swagger 2.0', { swagger: '2.0', paths: {} }],
    ['OpenAPI 2.5', { openapi: '2.5.0', paths: {} }],
    ['OpenAPI 4.0', { openapi: '4.0.0', paths: {} }],
  ])('openapi-invalid: %s', async (_label, document) => {
    const result = await loadResponseSchema({ openapi: document as object, operationId: 'x' });
    expect(errorOf(result).code).toBe('openapi-invalid');
  });

  it('openapi-invalid: a file that is not YAML', async () => {
    const result = await loadResponseSchema({ openapi: fixture('charges.ts'), operationId: 'x' });
    expect(errorOf(result).code).toBe('openapi-invalid');
  });

  it('openapi-invalid names Swagger 2.0 for what it is', () => {
    expect(errorOf(findResponseSchema({ swagger: '2.0' }, { operationId: 'x' })).message).toContain(
      'Swagger 2.0',
    );
  });

  it('openapi-operation-missing suggests the closest operationIds', async () => {
    const error = errorOf(await loadResponseSchema({ openapi: CHARGES_30, operationId: 'listCharge' }));
    expect(error.code).toBe('openapi-operation-missing');
    expect(error.suggestions?.[0]).toBe('listCharges');
    expect(error.message).toContain('did you mean listCharges');
    const none = errorOf(await loadResponseSchema({ openapi: CHARGES_30, operationId: 'zzzzzzzzzzzzzzzz' }));
    expect(none.suggestions).toEqual([]);
  });

  it.each([
    ['a status with no response and no default', 'updateCharge', 500, undefined],
    ['a response without a body', 'updateCharge', 204, undefined],
    ['a body with no JSON media type', 'downloadExport', 200, undefined],
    ['a requested media type family that is absent', 'downloadExport', 200, 'application/xml'],
  ])('openapi-response-missing: %s', async (_label, operationId, status, mediaType) => {
    const result = await loadResponseSchema({
      openapi: CHARGES_30,
      operationId,
      status,
      ...(mediaType === undefined ? {} : { mediaType }),
    });
    expect(errorOf(result).code).toBe('openapi-response-missing');
  });

  it('openapi-response-missing: a JSON media type without a schema', () => {
    const document = doc(undefined);
    expect(errorOf(findResponseSchema(document, { operationId: 'listThings' })).code).toBe(
      'openapi-response-missing',
    );
  });

  it('openapi-ref-unresolved: a sibling file that does not exist', async () => {
    const error = errorOf(
      await loadResponseSchema({ openapi: fixture('broken-ref.yaml'), operationId: 'listThings' }),
    );
    expect(error.code).toBe('openapi-ref-unresolved');
    expect(error.message).toContain('does-not-exist.yaml');
  });

  it('openapi-ref-unresolved: a local ref to a missing component', () => {
    const document = doc({ type: 'array', items: { $ref: '#/components/schemas/Missing' } });
    const error = errorOf(findResponseSchema(document, { operationId: 'listThings' }));
    expect(error.code).toBe('openapi-ref-unresolved');
    expect(error.message).toContain('#/components/schemas/Missing');
  });

  it('openapi-ref-unresolved: a response $ref that points nowhere', () => {
    const document = doc({});
    const paths = document.paths as Record<string, { get: { responses: Record<string, unknown> } }>;
    paths['/things']!.get.responses['200'] = { $ref: '#/components/responses/Gone' };
    expect(errorOf(findResponseSchema(document, { operationId: 'listThings' })).code).toBe(
      'openapi-ref-unresolved',
    );
  });

  it('openapi-ref-unresolved: an external ref handed to the synchronous finder', () => {
    const document = doc({ $ref: './common.yaml#/Refund' });
    expect(errorOf(findResponseSchema(document, { operationId: 'listThings' })).code).toBe(
      'openapi-ref-unresolved',
    );
  });

  it('never fetches remote refs', async () => {
    const document = doc({ $ref: 'https://schemas.example.com/thing.json' });
    const error = errorOf(await loadResponseSchema({ openapi: document, operationId: 'listThings' }));
    expect(error.code).toBe('openapi-ref-unresolved');
  });
});

describe('loading a plain JSON Schema', () => {
  it('reads a draft-07 file, bundles its sibling ref and validates tuples the draft-07 way', async () => {
    const value = loaded(await loadResponseSchema({ jsonSchema: fixture('charge.draft-07.schema.json') }));
    expect(value.dialect).toBe('draft-07');
    const compiled = compileResponseSchema(value.schema, { dialect: value.dialect });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const body = { id: 'ch_1', amount: 1, currency: 'usd', created: '2024-06-01T00:00:00Z', line: ['x', 2] };
    expect(validateResponse(compiled.compiled, { ...body, money: { value: 3 } }, FROZEN)).toEqual({
      ok: true,
    });
    const drifted = validateResponse(
      compiled.compiled,
      {
        ...body,
        currency: 'chf',
        line: ['x', '2', 'extra'],
        money: { value: '3' },
      },
      FROZEN,
    );
    expect(drifted.ok ? [] : drifted.drift.map((d) => [d.pointer, d.kind]).sort()).toEqual([
      ['/currency', 'enum-value'],
      ['/line/1', 'type-changed'],
      ['/line/2', 'added'],
      ['/money/value', 'type-changed'],
    ]);
  });

  it('takes an in-memory 2020-12 schema (no $schema means 2020-12)', async () => {
    const value = loaded(await loadResponseSchema({ jsonSchema: { type: 'object', prefixItems: [] } }));
    expect(value.dialect).toBe('2020-12');
    expect(value.origin).toBe('inline JSON Schema');
  });

  it.each([
    ['an unsupported $schema', { $schema: 'http://json-schema.org/draft-04/schema#' }],
    ['a number', 42],
    ['a missing file', '/nonexistent/schema.json'],
  ])('schema-invalid: %s', async (_label, jsonSchema) => {
    const result = await loadResponseSchema({ jsonSchema: jsonSchema as string });
    expect(errorOf(result).code).toBe('schema-invalid');
  });

  it('schema-ref-unresolved: a broken local or sibling ref', async () => {
    const local = await loadResponseSchema({ jsonSchema: { properties: { a: { $ref: '#/$defs/nope' } } } });
    expect(errorOf(local).code).toBe('schema-ref-unresolved');
    const external = await loadResponseSchema({
      jsonSchema: { $ref: './nope.json' },
      baseDir: dirname(CHARGES_30),
    });
    expect(errorOf(external).code).toBe('schema-ref-unresolved');
  });
});

describe('the 3.0 document parsed in memory', () => {
  it('behaves exactly like the file, external refs resolved against baseDir', async () => {
    const document: unknown = parse(await readFile(CHARGES_30, 'utf8'));
    const value = loaded(
      await loadResponseSchema({
        openapi: document as object,
        operationId: 'listCharges',
        baseDir: dirname(CHARGES_30),
      }),
    );
    const compiled = compileResponseSchema(value.schema);
    expect(compiled.ok && validateResponse(compiled.compiled, chargeList(), FROZEN)).toEqual({ ok: true });
  });
});
