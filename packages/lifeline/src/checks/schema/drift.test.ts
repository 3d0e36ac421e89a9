// The drift walker on small inline schemas: one test per keyword or rule, so a regression names its cause.
import { describe, expect, it } from 'vitest';
import type { DriftEntry } from '../check-result.js';
import { analyzeDrift, type DriftOptions } from './drift.js';
import type { JsonSchema } from './types.js';

// A clock that never advances unless a test brings its own: results must not depend on machine load.
const frozen = (options?: DriftOptions): DriftOptions => ({ now: () => 0, ...options });
const entries = (schema: JsonSchema, value: unknown, options?: DriftOptions): DriftEntry[] =>
  analyzeDrift(schema, value, frozen(options)).entries;
const pairs = (schema: JsonSchema, value: unknown, options?: DriftOptions) =>
  entries(schema, value, options).map((e) => `${e.kind} ${e.pointer}`);

const money = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: { amount: { type: 'integer' }, currency: { enum: ['usd', 'eur'] }, note: { type: 'string' } },
};

describe('kinds', () => {
  it('type-changed names the declared and actual types', () => {
    expect(entries(money, { amount: 1.5, currency: 'usd' })).toEqual([
      { pointer: '/amount', kind: 'type-changed', expected: 'integer', actual: 'number' },
    ]);
    expect(entries({ type: ['string', 'null'], format: 'date' }, 3)).toEqual([
      { pointer: '', kind: 'type-changed', expected: 'string (date) or null', actual: 'integer' },
    ]);
  });

  it('became-null for a non-nullable type and for an enum without null', () => {
    expect(pairs(money, { amount: null, currency: null })).toEqual([
      'became-null /amount',
      'became-null /currency',
    ]);
    expect(entries(money, { amount: 1, currency: null })[0]?.expected).toBe('one of: usd, eur');
  });

  it('required-missing, and removed only in strict mode', () => {
    expect(pairs(money, { currency: 'usd' })).toEqual(['required-missing /amount']);
    expect(pairs(money, { amount: 1, currency: 'usd' }, { strict: true })).toEqual(['removed /note']);
    expect(entries({ required: ['id'] }, {})).toEqual([
      { pointer: '/id', kind: 'required-missing', expected: 'present', actual: 'absent' },
    ]);
  });

  it('added only when extra properties are forbidden, or in strict mode', () => {
    const value = { amount: 1, currency: 'usd', fee: 2 };
    expect(pairs(money, value)).toEqual([]);
    expect(pairs({ ...money, additionalProperties: false }, value)).toEqual(['added /fee']);
    expect(pairs({ ...money, unevaluatedProperties: false }, value)).toEqual(['added /fee']);
    expect(entries(money, value, { strict: true })).toContainEqual({
      pointer: '/fee',
      kind: 'added',
      expected: 'absent',
      actual: 'integer',
    });
  });

  it('strict mode leaves free-form objects and declared maps alone', () => {
    const schema = {
      type: 'object',
      properties: { meta: { type: 'object' }, tags: { additionalProperties: { type: 'string' } } },
    };
    expect(pairs(schema, { meta: { anything: 1 }, tags: { a: 'b' } }, { strict: true })).toEqual([]);
  });

  it('enum-value for enum and const', () => {
    expect(entries(money, { amount: 1, currency: 'chf' })).toEqual([
      { pointer: '/currency', kind: 'enum-value', expected: 'one of: usd, eur', actual: 'string' },
    ]);
    expect(entries({ const: 3 }, 4)).toEqual([
      { pointer: '', kind: 'enum-value', expected: 'one of: 3', actual: 'integer' },
    ]);
    expect(pairs({ enum: [{ a: [1, 2] }] }, { a: [1, 2] })).toEqual([]);
  });

  it('format for strings and numbers; unknown formats constrain nothing', () => {
    const schema = {
      properties: {
        at: { type: 'string', format: 'date-time' },
        email: { format: 'email' },
        id: { format: 'uuid' },
        small: { format: 'int32' },
        odd: { format: 'made-up' },
      },
    };
    const value = { at: '2024-13-01T00:00:00Z', email: 'nope', id: '123', small: 2 ** 40, odd: 'x' };
    expect(entries(schema, value).map((e) => `${e.kind} ${e.pointer} ${e.expected}`)).toEqual([
      'format /at string (date-time)',
      'format /email string (email)',
      'format /id string (uuid)',
      'format /small number (int32)',
    ]);
    expect(pairs(schema, { at: '2024-06-01T10:00:00+02:00', email: 'a@b.co', id: 5 })).toEqual([]);
  });
});

describe('pointers and values', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    const schema = { additionalProperties: { type: 'integer' } };
    expect(pairs(schema, { 'a/b': 'x', 'm~n': 'y', '~1': 'z' })).toEqual([
      'type-changed /a~1b',
      'type-changed /m~0n',
      'type-changed /~01',
    ]);
  });

  it('shows values only at safe pointers, exact or with * for indexes', () => {
    const schema = { type: 'array', items: { properties: { s: { enum: ['a'] }, t: { enum: ['a'] } } } };
    const value = [{ s: 'secret-1', t: 'x@y.z' }, { s: 'secret-2' }];
    expect(entries(schema, value, { safePointers: ['/*/s', '/1/t'] }).map((e) => e.actual)).toEqual([
      'secret-1',
      'string',
      'secret-2',
    ]);
    expect(entries(schema, value).map((e) => e.actual)).toEqual(['string', 'string', 'string']);
  });

  it('never shows objects, even at a safe pointer, and truncates long strings', () => {
    const schema = { properties: { a: { enum: [1] }, b: { enum: [1] } } };
    const [a, b] = entries(schema, { a: { x: 1 }, b: 'y'.repeat(200) }, { safePointers: ['/a', '/b'] });
    expect(a?.actual).toBe('object');
    expect(b?.actual).toHaveLength(81);
  });
});

describe('composition', () => {
  it('follows $ref, $defs and recursive refs', () => {
    const schema = {
      $defs: {
        node: { type: 'object', properties: { v: { type: 'integer' }, next: { $ref: '#/$defs/node' } } },
      },
      $ref: '#/$defs/node',
    };
    expect(pairs(schema, { v: 1, next: { v: 2, next: { v: 'three' } } })).toEqual([
      'type-changed /next/next/v',
    ]);
  });

  it('survives $ref loops that consume no value', () => {
    const schema = { $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } }, $ref: '#/$defs/a' };
    expect(analyzeDrift(schema, { x: 1 }, frozen())).toEqual({ entries: [], truncated: false });
  });

  it('resolves $anchor and $id refs', () => {
    const schema = {
      $defs: {
        amount: { $anchor: 'amount', type: 'integer' },
        other: { $id: 'https://example.com/other.json', type: 'string' },
      },
      properties: { a: { $ref: '#amount' }, b: { $ref: 'https://example.com/other.json' } },
    };
    expect(pairs(schema, { a: 'x', b: 1 })).toEqual(['type-changed /a', 'type-changed /b']);
  });

  it('allOf merges requirements without reporting one absence twice', () => {
    const schema = {
      allOf: [
        { properties: { id: { type: 'string' }, n: { type: 'integer' } } },
        { required: ['id'], properties: { n: { type: 'integer' } } },
      ],
    };
    expect(pairs(schema, { n: 'x' }, { strict: true })).toEqual(['required-missing /id', 'type-changed /n']);
  });

  it('oneOf reports the branch whose tag matches, not the one with fewer differences', () => {
    const card = {
      type: 'object',
      required: ['type', 'brand', 'last4', 'exp'],
      properties: {
        type: { const: 'card' },
        brand: { type: 'string' },
        last4: { type: 'string' },
        exp: { type: 'integer' },
      },
    };
    const bank = { type: 'object', required: ['type'], properties: { type: { const: 'bank' } } };
    expect(pairs({ oneOf: [card, bank] }, { type: 'card', brand: 1 })).toEqual([
      'type-changed /brand',
      'required-missing /last4',
      'required-missing /exp',
    ]);
  });

  it('oneOf without tags picks the branch with the fewest differences', () => {
    const a = { required: ['x', 'y', 'z'] };
    const b = { required: ['x'], properties: { w: { type: 'string' } } };
    expect(pairs({ oneOf: [a, b] }, { w: 5 })).toEqual(['type-changed /w', 'required-missing /x']);
  });

  it('oneOf prefers a branch that fits exactly even if another is preferred by type', () => {
    const schema = { anyOf: [{ type: 'object', required: ['a'] }, { required: ['b'] }] };
    expect(pairs(schema, { b: 1 })).toEqual([]);
  });

  it('a nullable tagged object whose tag changed is still compared as that object', () => {
    const schema = { anyOf: [{ type: 'object', properties: { id: { const: 'fixed' } } }, { type: 'null' }] };
    expect(pairs(schema, { id: null })).toEqual(['became-null /id']);
  });

  it('honours OpenAPI 3.0 nullable in a schema that was not converted', () => {
    const schema = {
      properties: { a: { type: 'string', enum: ['x'], nullable: true }, b: { type: 'string' } },
    };
    expect(pairs(schema, { a: null, b: null })).toEqual(['became-null /b']);
  });

  it('a value no branch accepts by type gets one entry naming every branch', () => {
    const schema = { oneOf: [{ type: 'object' }, { type: 'array' }, { type: 'null' }] };
    expect(entries(schema, 'x')).toEqual([
      { pointer: '', kind: 'type-changed', expected: 'object or array or null', actual: 'string' },
    ]);
    expect(entries({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, null)[0]?.kind).toBe('became-null');
  });

  it('a tag no branch knows is one enum-value naming every known tag', () => {
    const a = { properties: { kind: { const: 'a' } } };
    const b = { properties: { kind: { enum: ['b'] } } };
    expect(entries({ oneOf: [a, b] }, { kind: 'c', extra: 1 })).toEqual([
      { pointer: '/kind', kind: 'enum-value', expected: 'one of: a, b', actual: 'string' },
    ]);
  });

  it('if/then/else applies the branch the condition selects', () => {
    const schema = {
      if: { properties: { kind: { const: 'card' } } },
      then: { required: ['last4'] },
      else: { required: ['iban'] },
    };
    expect(pairs(schema, { kind: 'card' })).toEqual(['required-missing /last4']);
    expect(pairs(schema, { kind: 'bank' })).toEqual(['required-missing /iban']);
  });

  it('unevaluatedProperties sees through allOf and $ref', () => {
    const schema = {
      $defs: { base: { properties: { id: { type: 'string' } } } },
      allOf: [{ $ref: '#/$defs/base' }],
      properties: { name: { type: 'string' } },
      unevaluatedProperties: false,
    };
    expect(pairs(schema, { id: 'a', name: 'b', extra: 1 })).toEqual(['added /extra']);
  });

  it('patternProperties and dependentRequired', () => {
    const schema = {
      patternProperties: { '^x-': { type: 'string' } },
      additionalProperties: false,
      properties: { card: { type: 'string' } },
      dependentRequired: { card: ['cvc'] },
    };
    expect(pairs(schema, { 'x-a': 1, card: '4242', other: true })).toEqual([
      'required-missing /cvc',
      'type-changed /x-a',
      'added /other',
    ]);
  });
});

describe('arrays', () => {
  it('prefixItems, items, and items: false in 2020-12', () => {
    const schema = { prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false };
    expect(pairs(schema, ['a', 'b', 3])).toEqual(['type-changed /1', 'added /2']);
  });

  it('tuple items and additionalItems in draft-07', () => {
    const schema = { items: [{ type: 'string' }], additionalItems: { type: 'integer' } };
    expect(pairs(schema, [1, 'x'], { dialect: 'draft-07' })).toEqual(['type-changed /0', 'type-changed /1']);
  });

  it('nested arrays of objects point at the exact index', () => {
    const schema = {
      properties: {
        data: { items: { properties: { lines: { items: { properties: { q: { type: 'integer' } } } } } } },
      },
    };
    const value = { data: [{ lines: [{ q: 1 }] }, { lines: [{ q: 1 }, { q: 1 }, { q: '2' }] }] };
    expect(pairs(schema, value)).toEqual(['type-changed /data/1/lines/2/q']);
  });
});

describe('limits', () => {
  const rows = (n: number) => ({ data: Array.from({ length: n }, () => ({ amount: 'x', currency: 'usd' })) });
  const list = { properties: { data: { items: money } } };

  it('keeps a few entries per (pattern, kind) and flags the rest as truncated', () => {
    const report = analyzeDrift(list, rows(1000), frozen());
    expect(report.entries.map((e) => e.pointer)).toEqual([
      '/data/0/amount',
      '/data/1/amount',
      '/data/2/amount',
    ]);
    expect(report.truncated).toBe(true);
    const one = analyzeDrift(list, rows(1000), frozen({ maxPerPattern: 1 }));
    expect(one.entries).toHaveLength(1);
  });

  it('caps at maxEntries', () => {
    const schema = { additionalProperties: { type: 'integer' } };
    const value = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x']));
    const report = analyzeDrift(schema, value, frozen({ maxEntries: 5 }));
    expect(report.entries).toHaveLength(5);
    expect(report.truncated).toBe(true);
    expect(analyzeDrift(schema, { a: 'x' }, frozen({ maxEntries: 1 }))).toMatchObject({ truncated: false });
  });

  it('stops at the time budget (fake clock) and says so', () => {
    let clock = 0;
    const now = () => (clock += 1);
    const report = analyzeDrift(
      list,
      { data: rows(5000).data.map(() => ({ amount: 1 })) },
      { timeBudgetMs: 5, now },
    );
    expect(report.truncated).toBe(true);
    expect(report.entries.length).toBeLessThan(5000);
  });

  it('stops at pathological nesting without throwing', () => {
    const schema = { $defs: { n: { properties: { c: { $ref: '#/$defs/n' } } } }, $ref: '#/$defs/n' };
    let value: Record<string, unknown> = { c: 'leaf' };
    for (let i = 0; i < 5000; i++) value = { c: value };
    expect(analyzeDrift(schema, value, frozen())).toEqual({ entries: [], truncated: true });
  });
});
