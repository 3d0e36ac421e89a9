// OpenAPI Schema Object → JSON Schema 2020-12: what 3.0 keywords become, what is dropped, how $refs and cycles
// end up under $defs.
import { describe, expect, it } from 'vitest';
import { extractSchema, UnresolvedRefError } from './openapi-convert.js';

const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

function convert30(schema: unknown, doc: unknown = {}) {
  const { $schema, ...rest } = extractSchema(doc, schema, '3.0');
  expect($schema).toBe(DIALECT);
  return rest;
}

describe('OpenAPI 3.0 schema conversion', () => {
  it('widens type and enum for nullable', () => {
    expect(convert30({ type: 'string', nullable: true, enum: ['a', 'b'] })).toEqual({
      type: ['string', 'null'],
      enum: ['a', 'b', null],
    });
    expect(convert30({ type: 'integer', nullable: false })).toEqual({ type: 'integer' });
  });

  it('wraps nullable combinators and $refs in anyOf with null', () => {
    expect(convert30({ nullable: true, oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({
      anyOf: [{ oneOf: [{ type: 'string' }, { type: 'integer' }] }, { type: 'null' }],
    });
    const doc = { components: { schemas: { A: { type: 'object' } } } };
    expect(convert30({ properties: { a: { $ref: '#/components/schemas/A', nullable: true } } }, doc)).toEqual(
      {
        properties: { a: { anyOf: [{ $ref: '#/$defs/A' }, { type: 'null' }] } },
        $defs: { A: { type: 'object' } },
      },
    );
  });

  it('turns boolean exclusive bounds into numbers', () => {
    expect(
      convert30({ type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: false }),
    ).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 10 });
  });

  it('drops OpenAPI-only keywords and extensions but keeps properties with those names', () => {
    expect(
      convert30({
        type: 'object',
        example: { a: 1 },
        xml: { name: 'x' },
        externalDocs: { url: 'u' },
        discriminator: { propertyName: 'kind' },
        'x-internal': true,
        readOnly: true,
        properties: { example: { type: 'string', deprecated: true }, 'x-id': { type: 'string' } },
      }),
    ).toEqual({
      type: 'object',
      readOnly: true,
      properties: { example: { type: 'string', deprecated: true }, 'x-id': { type: 'string' } },
    });
  });

  it('ignores $ref siblings other than nullable, as 3.0 says', () => {
    const doc = { components: { schemas: { A: { type: 'string' } } } };
    expect(convert30({ $ref: '#/components/schemas/A', description: 'ignored', maxLength: 3 }, doc)).toEqual({
      $ref: '#/$defs/A',
      $defs: { A: { type: 'string' } },
    });
  });

  it('converts every subschema position', () => {
    expect(
      convert30({
        allOf: [{ type: 'string', nullable: true }],
        items: { type: 'string', nullable: true },
        additionalProperties: { type: 'integer', nullable: true },
        not: { type: 'boolean', nullable: true },
      }),
    ).toEqual({
      allOf: [{ type: ['string', 'null'] }],
      items: { type: ['string', 'null'] },
      additionalProperties: { type: ['integer', 'null'] },
      not: { type: ['boolean', 'null'] },
    });
  });
});

describe('$ref collection', () => {
  it('copies each target once, keeps cycles as refs and names clashes apart', () => {
    const doc = {
      components: {
        schemas: {
          Node: { type: 'object', properties: { next: { $ref: '#/components/schemas/Node' } } },
          'a/b': { type: 'string' },
        },
      },
      paths: { '/x': { get: { responses: { '200': { Node: { type: 'integer' } } } } } },
    };
    const schema = {
      properties: {
        node: { $ref: '#/components/schemas/Node' },
        again: { $ref: '#/components/schemas/Node' },
        slash: { $ref: '#/components/schemas/a~1b' },
        inline: { $ref: '#/paths/~1x/get/responses/200/Node' },
      },
    };
    expect(convert30(schema, doc)).toEqual({
      properties: {
        node: { $ref: '#/$defs/Node' },
        again: { $ref: '#/$defs/Node' },
        slash: { $ref: '#/$defs/a_b' },
        inline: { $ref: '#/$defs/paths._x.get.responses.200.Node' },
      },
      $defs: {
        Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } },
        a_b: { type: 'string' },
        'paths._x.get.responses.200.Node': { type: 'integer' },
      },
    });
  });

  it('keeps a 3.1 schema’s own $defs and does not overwrite them', () => {
    const doc = { components: { schemas: { Local: { type: 'integer' } } } };
    const schema = {
      $defs: { Local: { type: 'string' } },
      properties: { a: { $ref: '#/components/schemas/Local' } },
    };
    const { $schema: _ignored, ...rest } = extractSchema(doc, schema, '3.1');
    expect(rest).toEqual({
      $defs: { Local: { type: 'string' }, Local_2: { type: 'integer' } },
      properties: { a: { $ref: '#/$defs/Local_2' } },
    });
  });

  it('throws UnresolvedRefError for refs that point nowhere or elsewhere', () => {
    expect(() => extractSchema({}, { $ref: '#/components/schemas/Nope' }, '3.0')).toThrow(UnresolvedRefError);
    expect(() => extractSchema({}, { $ref: 'other.yaml#/A' }, '3.1')).toThrow(UnresolvedRefError);
  });

  it('turns boolean and malformed roots into objects', () => {
    expect(extractSchema({}, true, '3.1')).toEqual({ $schema: DIALECT });
    expect(extractSchema({}, false, '3.1')).toEqual({ $schema: DIALECT, not: {} });
    expect(extractSchema({}, 'nonsense', '3.0')).toEqual({ $schema: DIALECT });
  });
});
