// The failure signature is stable: what identifies a failure changes it, nothing else does (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from './check-result.js';
import {
  canonicalSignature,
  failureSignature,
  normalizePointer,
  statusClass,
  type SignatureInput,
} from './signature.js';

const segment = fc.oneof(fc.stringMatching(/^[a-z_]{1,8}$/), fc.nat({ max: 50 }).map(String));
const pointer = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const input = fc.record({
  integration: fc.stringMatching(/^[a-z][a-z-]{0,10}$/),
  endpoint: fc.constantFrom('/v1/charges', '/v1/charges/{id}', '/v2/rates'),
  class: fc.constantFrom(...FAILURE_CLASSES),
  status: fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }),
  errorCode: fc.option(fc.constantFrom('ECONNREFUSED', 'ENOTFOUND', 'invalid_client'), { nil: undefined }),
  drift: fc.array(
    pointer.map((p) => ({ pointer: p })),
    { maxLength: 6 },
  ),
});

/** Replaces every array index with another number: a different item drifting the same way. */
function reindex(p: string, shift: number): string {
  return p.replace(/\/(\d+)(?=\/|$)/g, (_m, digits: string) => `/${Number(digits) + shift}`);
}

describe('failureSignature', () => {
  it('is 16 hex characters', () => {
    expect(failureSignature({ integration: 'payments', class: 'ok' })).toMatch(/^[0-9a-f]{16}$/);
  });

  it('the same failure always gets the same signature', () => {
    fc.assert(
      fc.property(input, (value) => failureSignature(value) === failureSignature(structuredClone(value))),
    );
  });

  it('order of drift entries and concrete array indexes do not change it', () => {
    fc.assert(
      fc.property(input, fc.nat({ max: 7 }), fc.integer({ min: 1, max: 30 }), (value, rotate, shift) => {
        const drift = value.drift.map((d) => ({ pointer: reindex(d.pointer, shift) }));
        const turned = [
          ...drift.slice(rotate % (drift.length || 1)),
          ...drift.slice(0, rotate % (drift.length || 1)),
        ];
        return failureSignature(value) === failureSignature({ ...value, drift: turned.reverse() });
      }),
    );
  });

  it('a different class, integration, endpoint template or status class changes it', () => {
    fc.assert(
      fc.property(input, fc.constantFrom(...FAILURE_CLASSES), (value, other) => {
        fc.pre(other !== value.class);
        return failureSignature(value) !== failureSignature({ ...value, class: other });
      }),
    );
    const base: SignatureInput = {
      integration: 'payments',
      endpoint: '/v1/charges',
      class: 'server-error',
      status: 503,
    };
    expect(failureSignature({ ...base, status: 502 })).toBe(failureSignature(base));
    expect(failureSignature({ ...base, status: 404 })).not.toBe(failureSignature(base));
    expect(failureSignature({ ...base, integration: 'shipping' })).not.toBe(failureSignature(base));
    expect(failureSignature({ ...base, endpoint: '/v1/charges/{id}' })).not.toBe(failureSignature(base));
    expect(failureSignature({ ...base, errorCode: 'ECONNRESET' })).not.toBe(failureSignature(base));
  });

  it('a different drifted field changes it', () => {
    const base: SignatureInput = {
      integration: 'p',
      endpoint: '/c',
      class: 'schema-drift',
      drift: [{ pointer: '/data/0/amount' }],
    };
    expect(
      failureSignature({ ...base, drift: [{ pointer: '/data/3/amount' }, { pointer: '/data/1/amount' }] }),
    ).toBe(failureSignature(base));
    expect(failureSignature({ ...base, drift: [{ pointer: '/data/0/currency' }] })).not.toBe(
      failureSignature(base),
    );
  });

  it('fields cannot bleed into each other', () => {
    expect(canonicalSignature({ integration: 'a|b', class: 'ok' })).not.toBe(
      canonicalSignature({ integration: 'a', endpoint: 'b', class: 'ok' }),
    );
  });
});

describe('parts', () => {
  it('normalizes array indexes only', () => {
    expect(normalizePointer('/data/12/amount')).toBe('/data/*/amount');
    expect(normalizePointer('/roles/0')).toBe('/roles/*');
    expect(normalizePointer('')).toBe('');
    expect(normalizePointer('/v2x/a1')).toBe('/v2x/a1');
  });

  it('status class', () => {
    expect(statusClass(503)).toBe('5xx');
    expect(statusClass(undefined)).toBe('');
  });
});
