// Compiling once per schema object, both dialects, errors as values, and validateResponse's fast path.
import { describe, expect, it, vi } from 'vitest';
import {
  compileResponseSchema,
  createSchemaCompiler,
  validateResponse,
  type CompiledResponseSchema,
} from './index.js';
import type { JsonSchema } from './types.js';

// A clock that never advances: exact expectations must not depend on how loaded the machine is.
const FROZEN = { now: () => 0 };

function compiled(schema: JsonSchema, dialect: '2020-12' | 'draft-07' = '2020-12'): CompiledResponseSchema {
  const result = compileResponseSchema(schema, { dialect, compiler: createSchemaCompiler() });
  if (!result.ok) throw new Error(result.error.message);
  return result.compiled;
}

describe('compileResponseSchema', () => {
  it('compiles a schema object once and reuses it', () => {
    const compiler = createSchemaCompiler();
    const schema = { type: 'object', properties: { a: { type: 'integer' } } };
    const first = compileResponseSchema(schema, { compiler });
    const second = compileResponseSchema(schema, { compiler });
    expect(first.ok && second.ok && first.compiled === second.compiled).toBe(true);
    const copy = compileResponseSchema({ ...schema }, { compiler });
    expect(copy.ok && first.ok && copy.compiled !== first.compiled).toBe(true);
    const draft07 = compileResponseSchema(schema, { compiler, dialect: 'draft-07' });
    expect(draft07.ok && first.ok && draft07.compiled !== first.compiled).toBe(true);
  });

  it('uses a shared default compiler when none is given', () => {
    const schema = { type: 'string' };
    const a = compileResponseSchema(schema);
    const b = compileResponseSchema(schema);
    expect(a.ok && b.ok && a.compiled === b.compiled).toBe(true);
  });

  it('compiles each dialect the way it reads tuples', () => {
    expect(
      compiled({ items: [{ type: 'string' }], additionalItems: false }, 'draft-07').isValid(['a', 1]),
    ).toBe(false);
    expect(compiled({ prefixItems: [{ type: 'string' }], items: false }).isValid(['a'])).toBe(true);
  });

  it('accepts $schema URIs ajv does not know, since the dialect is explicit', () => {
    expect(
      compiled({ $schema: 'http://json-schema.org/draft-06/schema#', type: 'integer' }, 'draft-07').isValid(
        1,
      ),
    ).toBe(true);
  });

  it('tolerates vendor keywords, unknown formats and the same $id twice', () => {
    const compiler = createSchemaCompiler();
    for (let i = 0; i < 2; i++) {
      const result = compileResponseSchema(
        { $id: 'https://vendor.example/charge.json', 'x-vendor': 1, type: 'string', format: 'vendor-id' },
        { compiler },
      );
      expect(result.ok && result.compiled.isValid('anything')).toBe(true);
    }
  });

  it('returns schema-invalid instead of throwing', () => {
    const result = compileResponseSchema({ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } });
    expect(result.ok ? 'ok' : result.error.code).toBe('schema-invalid');
    const badType = compileResponseSchema({ type: 'strnig' });
    expect(badType.ok ? 'ok' : badType.error.code).toBe('schema-invalid');
  });

  it('keeps recursive schemas working after compilation', () => {
    const schema = {
      $defs: {
        node: { type: 'object', properties: { next: { $ref: '#/$defs/node' }, v: { type: 'integer' } } },
      },
      $ref: '#/$defs/node',
    };
    const c = compiled(schema);
    expect(c.isValid({ v: 1, next: { v: 2, next: { v: 3 } } })).toBe(true);
    expect(c.isValid({ v: 1, next: { next: { v: 'x' } } })).toBe(false);
  });
});

describe('validateResponse', () => {
  const schema = {
    type: 'object',
    required: ['amount'],
    properties: { amount: { type: 'integer', minimum: 0 }, note: { type: 'string' } },
  };

  it('answers a conforming body from the fast path alone', () => {
    // The drift walk reads the clock to set its budget; a conforming body must never start one.
    const now = vi.fn(() => 0);
    expect(validateResponse(compiled(schema), { amount: 1, note: 'x' }, { now })).toEqual({ ok: true });
    expect(now).not.toHaveBeenCalled();
    validateResponse(compiled(schema), { amount: 'x' }, { now });
    expect(now).toHaveBeenCalled();
  });

  it('reports drift for a non-conforming body', () => {
    expect(validateResponse(compiled(schema), { amount: '1' }, FROZEN)).toEqual({
      ok: false,
      drift: [{ pointer: '/amount', kind: 'type-changed', expected: 'integer', actual: 'string' }],
      truncated: false,
      violations: [],
    });
  });

  it('falls back to violations for failures no drift kind names', () => {
    expect(validateResponse(compiled(schema), { amount: -1 }, FROZEN)).toEqual({
      ok: false,
      drift: [],
      truncated: false,
      violations: [{ pointer: '/amount', keyword: 'minimum', expected: 'must be >= 0' }],
    });
  });

  it('in strict mode, reports drift even when the body conforms', () => {
    const outcome = validateResponse(
      compiled(schema),
      { amount: 1, extra: true },
      { ...FROZEN, strict: true },
    );
    expect(outcome.ok ? [] : outcome.drift.map((d) => `${d.kind} ${d.pointer}`)).toEqual([
      'removed /note',
      'added /extra',
    ]);
    expect(validateResponse(compiled(schema), { amount: 1, note: 'x' }, { ...FROZEN, strict: true })).toEqual(
      {
        ok: true,
      },
    );
  });

  it('never puts response values into violations', () => {
    const c = compiled({ properties: { email: { type: 'string', pattern: '^[a-z]+$', maxLength: 3 } } });
    const outcome = validateResponse(c, { email: 'Jane.Doe@example.com' }, FROZEN);
    expect(JSON.stringify(outcome)).not.toContain('Jane');
  });

  it('does not throw on nesting deeper than the validator can recurse', () => {
    const c = compiled({ $defs: { n: { properties: { c: { $ref: '#/$defs/n' } } } }, $ref: '#/$defs/n' });
    let value: Record<string, unknown> = { c: 1 };
    for (let i = 0; i < 100_000; i++) value = { c: value };
    const outcome = validateResponse(c, value, FROZEN);
    expect(outcome).toMatchObject({ ok: false, truncated: true });
  });
});
