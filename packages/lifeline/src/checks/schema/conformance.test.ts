// End to end on realistic fixtures: an OpenAPI 3.0 and a 3.1 payments API, a valid charges page, and mutations
// that must each yield exactly the expected (pointer, kind) pairs.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DriftEntry } from '../check-result.js';
import { chargeList, type ChargeList, type Json } from './fixtures/charges.js';
import {
  compileResponseSchema,
  loadResponseSchema,
  validateResponse,
  type CompiledResponseSchema,
} from './index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Mutation {
  name: string;
  mutate: (body: ChargeList) => void;
  expected: [string, DriftEntry['kind']][];
}

const charge = (body: ChargeList, i: number): Json => body.data[i] as Json;
const paymentMethod = (body: ChargeList, i: number): Json => charge(body, i).payment_method as Json;

const MUTATIONS: Mutation[] = [
  {
    name: 'a required field is removed',
    mutate: (b) => delete charge(b, 1).amount,
    expected: [['/data/1/amount', 'required-missing']],
  },
  {
    name: 'an integer became a string',
    mutate: (b) => (charge(b, 0).amount = '1999'),
    expected: [['/data/0/amount', 'type-changed']],
  },
  {
    name: 'a non-nullable field became null',
    mutate: (b) => (charge(b, 2).currency = null),
    expected: [['/data/2/currency', 'became-null']],
  },
  {
    name: 'an enum gained a value',
    mutate: (b) => (charge(b, 0).status = 'disputed'),
    expected: [['/data/0/status', 'enum-value']],
  },
  {
    name: 'a date-time lost its format',
    mutate: (b) => (charge(b, 1).created = '01/06/2024'),
    expected: [['/data/1/created', 'format']],
  },
  {
    name: 'an email inside a nullable object is malformed',
    mutate: (b) => ((charge(b, 1).customer as Json).email = 'not-an-email'),
    expected: [['/data/1/customer/email', 'format']],
  },
  {
    name: 'a field was added where extra fields are forbidden',
    mutate: (b) => (charge(b, 0).risk_score = 12),
    expected: [['/data/0/risk_score', 'added']],
  },
  {
    name: 'a top-level field was added',
    mutate: (b) => (b.next_page = 'page_2'),
    expected: [['/next_page', 'added']],
  },
  {
    name: 'the card branch of a oneOf has a retyped field',
    mutate: (b) => (paymentMethod(b, 0).exp_month = '12'),
    expected: [['/data/0/payment_method/exp_month', 'type-changed']],
  },
  {
    name: 'the bank account branch of a oneOf misses a field',
    mutate: (b) => delete paymentMethod(b, 1).routing_number,
    expected: [['/data/1/payment_method/routing_number', 'required-missing']],
  },
  {
    name: 'a oneOf value carries an unknown type tag',
    mutate: (b) => (charge(b, 2).payment_method = { type: 'sepa_debit', iban_last4: '3000' }),
    expected: [['/data/2/payment_method/type', 'enum-value']],
  },
  {
    name: 'a field deep in a nested array is retyped',
    mutate: (b) => (((charge(b, 2).refunds as Json[])[1] as Json).amount = '250'),
    expected: [['/data/2/refunds/1/amount', 'type-changed']],
  },
  {
    name: 'a nullable object became a string',
    mutate: (b) => (charge(b, 0).customer = 'cus_123'),
    expected: [['/data/0/customer', 'type-changed']],
  },
  {
    name: 'a map key holds "/" and "~"',
    mutate: (b) => ((charge(b, 0).metadata as Json)['a/b~c'] = 5),
    expected: [['/data/0/metadata/a~1b~0c', 'type-changed']],
  },
  {
    name: 'several things drifted at once',
    mutate: (b) => {
      delete charge(b, 0).id;
      charge(b, 1).status = 'refunded';
      charge(b, 2).amount = null;
      b.has_more = 'no';
    },
    expected: [
      ['/data/0/id', 'required-missing'],
      ['/data/1/status', 'enum-value'],
      ['/data/2/amount', 'became-null'],
      ['/has_more', 'type-changed'],
    ],
  },
];

// A clock that never advances: exact expectations must not depend on how loaded the machine is.
const FROZEN = { now: () => 0 };

const pairs = (entries: readonly DriftEntry[]) => entries.map((e) => [e.pointer, e.kind]).sort();

describe.each([
  ['OpenAPI 3.0', 'charges-3.0.yaml'],
  ['OpenAPI 3.1', 'charges-3.1.yaml'],
])('%s charges list', (_label, file) => {
  let compiled: CompiledResponseSchema;

  beforeAll(async () => {
    const loaded = await loadResponseSchema({
      openapi: fixture(file),
      operationId: 'listCharges',
      status: 200,
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const result = compileResponseSchema(loaded.value.schema, { dialect: loaded.value.dialect });
    if (!result.ok) throw new Error(result.error.message);
    compiled = result.compiled;
  });

  it('accepts the valid page', () => {
    expect(validateResponse(compiled, chargeList(), FROZEN)).toEqual({ ok: true });
  });

  it.each(MUTATIONS)('$name', ({ mutate, expected }) => {
    const body = chargeList();
    mutate(body);
    const outcome = validateResponse(compiled, body, FROZEN);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(pairs(outcome.drift)).toEqual([...expected].sort());
    expect(outcome.truncated).toBe(false);
  });

  it('describes expected and actual without leaking values', () => {
    const body = chargeList();
    charge(body, 0).amount = '19.99';
    charge(body, 0).status = 'disputed';
    charge(body, 1).created = 'yesterday';
    charge(body, 0).customer = 'cus_123';
    charge(body, 2).payment_method = { type: 'sepa_debit' };
    const expected: DriftEntry[] = [
      { pointer: '/data/0/amount', kind: 'type-changed', expected: 'integer', actual: 'string' },
      {
        pointer: '/data/0/status',
        kind: 'enum-value',
        expected: 'one of: succeeded, pending, failed',
        actual: 'string',
      },
      { pointer: '/data/0/customer', kind: 'type-changed', expected: 'object or null', actual: 'string' },
      { pointer: '/data/1/created', kind: 'format', expected: 'string (date-time)', actual: 'string' },
      {
        pointer: '/data/2/payment_method/type',
        kind: 'enum-value',
        expected: 'one of: card, bank_account',
        actual: 'string',
      },
    ];
    const outcome = validateResponse(compiled, body, FROZEN);
    const byPointer = (a: DriftEntry, b: DriftEntry) => a.pointer.localeCompare(b.pointer);
    // Walk order follows the schema (3.1 applies allOf after properties), so compare as sets.
    expect(outcome.ok ? [] : [...outcome.drift].sort(byPointer)).toEqual(expected.sort(byPointer));
  });

  it('shows values only at safe pointers', () => {
    const body = chargeList();
    charge(body, 0).status = 'disputed';
    charge(body, 1).status = 'refunded';
    charge(body, 1).created = 'yesterday';
    const outcome = validateResponse(compiled, body, {
      ...FROZEN,
      safePointers: ['/data/*/status', '/data/1/created'],
    });
    expect(outcome.ok ? [] : outcome.drift.map((e) => `${e.pointer} ${e.actual}`)).toEqual([
      '/data/0/status disputed',
      '/data/1/status refunded',
      '/data/1/created yesterday',
    ]);
  });

  it('reports 10,000 identical drifted rows a few times and says it truncated', () => {
    const row = charge(chargeList(), 0);
    const body = {
      ...chargeList(),
      data: Array.from({ length: 10_000 }, () => ({ ...row, amount: '1999' })),
    };
    const outcome = validateResponse(compiled, body, FROZEN);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(pairs(outcome.drift)).toEqual([
      ['/data/0/amount', 'type-changed'],
      ['/data/1/amount', 'type-changed'],
      ['/data/2/amount', 'type-changed'],
    ]);
    expect(outcome.truncated).toBe(true);
  });
});

describe('strict mode on a single charge (OpenAPI 3.0, 2XX response)', () => {
  it('reports absent optional fields as removed and conforming bodies stay ok without strict', async () => {
    const loaded = await loadResponseSchema({
      openapi: fixture('charges-3.0.yaml'),
      operationId: 'retrieveCharge',
    });
    if (!loaded.ok) throw new Error(loaded.error.message);
    const result = compileResponseSchema(loaded.value.schema);
    if (!result.ok) throw new Error(result.error.message);
    const body = charge(chargeList(), 1);
    expect(validateResponse(result.compiled, body, FROZEN)).toEqual({ ok: true });
    const strict = validateResponse(result.compiled, body, { ...FROZEN, strict: true });
    expect(strict.ok ? [] : pairs(strict.drift)).toEqual(
      [
        ['/amount_refunded', 'removed'],
        ['/metadata', 'removed'],
        ['/receipt_email', 'removed'],
        ['/refunds', 'removed'],
        ['/xml_only', 'removed'],
      ].sort(),
    );
  });
});
