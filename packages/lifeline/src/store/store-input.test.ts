/**
 * Tests of the input rules all adapters share (options, validation, limits, cursors), of StoreError
 * recognition, and of the dialect-free migration planning.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeResult } from './conformance/fixtures.js';
import { assertMigrationList, pendingMigrations, type Migration } from './migration-plan.js';
import { StoreError, isStoreError } from './store-error.js';
import {
  classFilter,
  decodeCursor,
  encodeCursor,
  pageLimit,
  resolveStoreOptions,
  validateCheckResults,
} from './store-input.js';
import type { CheckResult } from '../checks/check-result.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('StoreError', () => {
  it('is recognised by name and code, also from another copy of the module', () => {
    const error = new StoreError('store-closed', 'closed', { cause: { operation: 'x' } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('StoreError');
    expect(error.cause).toEqual({ operation: 'x' });
    expect(isStoreError(error)).toBe(true);
    expect(isStoreError(error, 'store-closed')).toBe(true);
    expect(isStoreError(error, 'store-busy')).toBe(false);
    expect(isStoreError({ name: 'StoreError', code: 'store-busy' }, 'store-busy')).toBe(true);
    expect(isStoreError(new Error('x'))).toBe(false);
    expect(isStoreError(null)).toBe(false);
  });
});

describe('resolveStoreOptions', () => {
  it('applies defaults and rejects nonsense', () => {
    const resolved = resolveStoreOptions({});
    expect(resolved).toMatchObject({
      rawResultsPerCheck: 200,
      minuteRetentionHours: 48,
      hourRetentionDays: 35,
      rollupRetentionDays: 400,
    });
    expect(resolveStoreOptions({ now: () => 7 }).now()).toBe(7);
    expect(
      isStoreError(
        thrown(() => resolveStoreOptions({ rawResultsPerCheck: 1.5 })),
        'store-invalid-input',
      ),
    ).toBe(true);
    expect(
      isStoreError(
        thrown(() => resolveStoreOptions({ rollupRetentionDays: 0 })),
        'store-invalid-input',
      ),
    ).toBe(true);
  });
});

describe('validateCheckResults', () => {
  it('accepts valid results and names every problem in the cause', () => {
    expect(() => validateCheckResults([makeResult(), makeResult({ latencyMs: 0 })])).not.toThrow();
    const error = thrown(() =>
      validateCheckResults([
        makeResult(),
        makeResult({ integration: '' }),
        makeResult({ class: 'bogus' as CheckResult['class'] }),
        makeResult({ latencyMs: -1 }),
        makeResult({ startedAt: Number.POSITIVE_INFINITY }),
      ]),
    ) as StoreError;
    expect(error.code).toBe('store-invalid-input');
    expect(error.message).toBe('check result 1 has no integration (and 3 more); nothing was recorded');
    expect((error.cause as { problems: { index: number }[] }).problems.map((p) => p.index)).toEqual([
      1, 2, 3, 4,
    ]);
  });
});

describe('pageLimit and classFilter', () => {
  it('defaults, caps and rejects limits', () => {
    expect(pageLimit(undefined)).toBe(100);
    expect(pageLimit(1)).toBe(1);
    expect(pageLimit(1000)).toBe(1000);
    expect(pageLimit(1001)).toBe(1000);
    expect(
      isStoreError(
        thrown(() => pageLimit(-1)),
        'store-invalid-input',
      ),
    ).toBe(true);
  });

  it('turns one class or several into a list', () => {
    expect(classFilter(undefined)).toBeUndefined();
    expect(classFilter('timeout')).toEqual(['timeout']);
    expect(classFilter(['ok', 'tls'])).toEqual(['ok', 'tls']);
  });
});

describe('pagination cursor', () => {
  it('round-trips any position', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -1e15, max: 1e15 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (startedAt, id) => {
          const decoded = decodeCursor(encodeCursor({ startedAt, id }));
          expect(decoded.id).toBe(id);
          expect(Object.is(decoded.startedAt, startedAt === 0 ? 0 : startedAt)).toBe(true);
        },
      ),
    );
  });

  it('rejects anything it did not issue', () => {
    for (const bad of [
      '',
      'abc',
      Buffer.from('v2:1:2').toString('base64url'),
      Buffer.from('v1::2').toString('base64url'),
      Buffer.from('v1:1:2:3').toString('base64url'),
      Buffer.from('v1:1:x').toString('base64url'),
    ]) {
      expect(
        isStoreError(
          thrown(() => decodeCursor(bad)),
          'store-invalid-cursor',
        ),
        bad,
      ).toBe(true);
    }
  });
});

describe('migration planning', () => {
  const list: Migration<null>[] = [
    { version: 1, name: 'a', up: () => undefined },
    { version: 2, name: 'b', up: () => undefined },
  ];

  it('returns what is missing, in order', () => {
    expect(pendingMigrations(list, [], 'db').map((m) => m.version)).toEqual([1, 2]);
    expect(pendingMigrations(list, [1], 'db').map((m) => m.version)).toEqual([2]);
    expect(pendingMigrations(list, [1, 2], 'db')).toEqual([]);
  });

  it('refuses a newer database with store-too-new', () => {
    const error = thrown(() => pendingMigrations(list, [1, 2, 3], 'db')) as StoreError;
    expect(error.code).toBe('store-too-new');
    expect(error.cause).toEqual({ databaseVersion: 3, supportedVersion: 2, location: 'db' });
  });

  it('rejects gaps, renumbering and duplicate names', () => {
    expect(() => assertMigrationList([list[1]!])).toThrow(/expected 1/);
    expect(() => assertMigrationList([list[0]!, { ...list[1]!, name: 'a' }])).toThrow(/used twice/);
    expect(() => assertMigrationList(list)).not.toThrow();
  });
});
