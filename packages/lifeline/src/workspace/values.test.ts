import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeSecret,
  formatDuration,
  looksLikeSecret,
  parseDuration,
  parsePercentage,
  parseSecretReference,
  parseSize,
} from './values.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const UNITS = Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[];

/** Any string: code points across the whole range (lone surrogates included), or short ASCII. */
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 12 }));

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['90d', 90 * 86_400_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    ['0s', 0],
    ['0.5ms', 1],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '30',
    '-5s',
    '5 minutes',
    '5 min',
    '1h30m',
    ' 30s',
    '30s ',
    '30S',
    '30sec',
    's',
    '.5s',
    '1e3s',
    '+5s',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('rejects a number too large to be finite', () => {
    expect(parseDuration(`${'9'.repeat(400)}w`)).toBeUndefined();
  });

  it('never throws, and returns undefined or a non-negative integer', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const ms = parseDuration(text);
        expect(ms === undefined || (Number.isSafeInteger(ms) && ms >= 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every whole number with any unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(...UNITS), (n, unit) => {
        expect(parseDuration(`${n}${unit}`)).toBe(n * UNIT_MS[unit]);
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [1500, '1500ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [900_000, '15m'],
    [5_400_000, '90m'],
    [86_400_000, '1d'],
    [90 * 86_400_000, '90d'],
    [1_209_600_000, '2w'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for whole units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...UNITS), (n, unit) => {
        const ms = parseDuration(`${n}${unit}`)!;
        const text = formatDuration(ms);
        expect(parseDuration(text)).toBe(ms);
        expect(text).toMatch(/^\d+(ms|s|m|h|d|w)$/);
      }),
    );
  });

  it('round-trips any whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('picks the largest unit that divides evenly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...UNITS), (n, unit) => {
        const text = formatDuration(n * UNIT_MS[unit]);
        const [, count, chosen] = /^(\d+)(\w+)$/.exec(text)!;
        expect(UNIT_MS[chosen as keyof typeof UNIT_MS]).toBeGreaterThanOrEqual(UNIT_MS[unit]);
        expect(Number(count) * UNIT_MS[chosen as keyof typeof UNIT_MS]).toBe(n * UNIT_MS[unit]);
      }),
    );
  });
});

describe('parsePercentage', () => {
  it.each([
    ['1%', 0.01],
    ['0%', 0],
    ['0.5%', 0.005],
    ['12.5%', 0.125],
    ['100%', 1],
  ])('%s is %d', (text, fraction) => {
    expect(parsePercentage(text)).toBe(fraction);
  });

  it('keeps the precision a reader expects', () => {
    expect(parsePercentage('99.9%')).toBeCloseTo(0.999, 12);
  });

  it.each(['1', '0.01', '150%', '100.1%', '-1%', '1 %', '%', 'one%', '1%%', ''])('rejects %j', (text) => {
    expect(parsePercentage(text)).toBeUndefined();
  });

  it('never throws, and returns undefined or a fraction between 0 and 1', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const fraction = parsePercentage(text);
        expect(fraction === undefined || (fraction >= 0 && fraction <= 1)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseSize', () => {
  it.each([
    ['512B', 512],
    ['1KB', 1000],
    ['1MB', 1_000_000],
    ['5MB', 5_000_000],
    ['1GB', 1e9],
    ['1KiB', 1024],
    ['1MiB', 1_048_576],
    ['1GiB', 1_073_741_824],
    ['1.5KB', 1500],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['5', '5mb', '5 MB', '5 megabytes', '-1MB', 'MB', '1TB', '1kB'])('rejects %j', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });

  it('never throws, and returns undefined or a non-negative integer', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        const bytes = parseSize(text);
        expect(bytes === undefined || (Number.isInteger(bytes) && bytes >= 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('secret references', () => {
  it('reads env and file references, and keeps anything else a literal', () => {
    expect(parseSecretReference('${env:PAYMENTS_KEY}')).toEqual({ source: 'env', name: 'PAYMENTS_KEY' });
    expect(parseSecretReference('${file:../secrets/key}')).toEqual({
      source: 'file',
      name: '../secrets/key',
    });
    expect(parseSecretReference('sk_live_123')).toEqual({ source: 'literal', value: 'sk_live_123' });
    expect(parseSecretReference('${vault:key}')).toEqual({ source: 'literal', value: '${vault:key}' });
    expect(parseSecretReference('prefix ${env:X}')).toEqual({ source: 'literal', value: 'prefix ${env:X}' });
  });

  it('describes a reference by name and a literal never by its value', () => {
    expect(describeSecret({ source: 'env', name: 'KEY' })).toBe('${env:KEY}');
    expect(describeSecret({ source: 'file', name: 'secrets/key' })).toBe('${file:secrets/key}');
    expect(describeSecret({ source: 'literal', value: 'sk_live_123' })).toBe('<inline secret>');
  });

  it('a description of an inline secret never contains the secret', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((value) => !'<inline secret>'.includes(value)),
        (value) => {
          const description = describeSecret(parseSecretReference(value));
          if (parseSecretReference(value).source === 'literal') expect(description).not.toContain(value);
        },
      ),
    );
  });

  it('parseSecretReference and looksLikeSecret never throw', () => {
    fc.assert(
      fc.property(anyString, (text) => {
        parseSecretReference(text);
        expect(typeof looksLikeSecret(text)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    'xoxb-123456789012-abcdefABCDEF',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==',
  ])('%s looks like a secret', (text) => {
    expect(looksLikeSecret(text)).toBe(true);
  });

  it.each([
    'application/json',
    'Payments',
    'X-Api-Key',
    'hello world',
    '${env:TOKEN}',
    '${file:key}',
    '2024-06-20',
  ])('%s does not look like a secret', (text) => {
    expect(looksLikeSecret(text)).toBe(false);
  });
});
