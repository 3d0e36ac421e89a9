/**
 * Property test of the loader: random mutations of the acme example (lines deleted, duplicated, swapped,
 * re-indented; scalars replaced; random bytes and unicode inserted; files truncated) never make
 * `loadWorkspace` throw, and every diagnostic it returns is well formed: a known code, a severity, a file of
 * the workspace and a position inside that file; the list is sorted and has no duplicates.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspace, type LoadResult } from './load-workspace.js';
import type { DiagnosticCode } from './diagnostics.js';

const ACME = fileURLToPath(new URL('../../../../examples/acme/', import.meta.url));

/** Every documented code; a compile error here means diagnostics.ts gained or lost one. */
const CODES: Record<DiagnosticCode, true> = {
  'file-missing': true,
  'file-unreadable': true,
  'file-too-large': true,
  'invalid-utf8': true,
  'yaml-syntax': true,
  'yaml-warning': true,
  'duplicate-key': true,
  'not-a-mapping': true,
  'include-no-match': true,
  'include-cycle': true,
  'root-only-key': true,
  'unknown-key': true,
  'missing-key': true,
  'invalid-type': true,
  'invalid-value': true,
  'invalid-id': true,
  'invalid-duration': true,
  'invalid-percentage': true,
  'invalid-size': true,
  'invalid-url': true,
  'invalid-pointer': true,
  'duplicate-id': true,
  'unknown-reference': true,
  'conflicting-keys': true,
  'secret-inline': true,
  'secret-unresolved': true,
  'schema-file-invalid': true,
  'openapi-invalid': true,
  'openapi-operation-missing': true,
  'no-response-schema': true,
  unused: true,
  'coverage-gap': true,
};

/** The texts mutated: the four workspace files and the OpenAPI document one of them names. */
const SOURCES = [
  'lifeline.yaml',
  'integrations/identity.yaml',
  'integrations/payments.yaml',
  'integrations/shipping.yaml',
  'schemas/payments.openapi.yaml',
] as const;

type Mutation =
  | { kind: 'delete-line'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'indent'; at: number; delta: number }
  | { kind: 'tab-indent'; at: number }
  | { kind: 'replace-scalar'; at: number; value: string }
  | { kind: 'insert-bytes'; at: number; bytes: number[] }
  | { kind: 'insert-text'; at: number; text: string }
  | { kind: 'truncate'; at: number };

const index = fc.nat({ max: 100_000 });

const scalar = fc.oneof(
  fc.constantFrom(
    '~',
    'null',
    'true',
    '[]',
    '{}',
    '[a, b]',
    '{ a: 1 }',
    '-5s',
    '5 minutes',
    '150%',
    '1',
    "''",
    '${env:LIFELINE_FUZZ_UNSET}',
    '${file:does/not/exist}',
    'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    '*undefined-alias',
    '&anchor value',
    '!!binary aGVsbG8=',
    '!custom tag',
    '"unterminated',
    '|',
    '- item',
    'key: value',
    '#',
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  index.map((at) => ({ kind: 'delete-line' as const, at })),
  index.map((at) => ({ kind: 'duplicate-line' as const, at })),
  fc.tuple(index, index).map(([a, b]) => ({ kind: 'swap-lines' as const, a, b })),
  fc
    .tuple(index, fc.integer({ min: -6, max: 6 }))
    .map(([at, delta]) => ({ kind: 'indent' as const, at, delta })),
  index.map((at) => ({ kind: 'tab-indent' as const, at })),
  fc.tuple(index, scalar).map(([at, value]) => ({ kind: 'replace-scalar' as const, at, value })),
  fc
    .tuple(index, fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }))
    .map(([at, bytes]) => ({ kind: 'insert-bytes' as const, at, bytes })),
  fc
    .tuple(index, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }))
    .map(([at, text]) => ({ kind: 'insert-text' as const, at, text })),
  index.map((at) => ({ kind: 'truncate' as const, at })),
);

const SCALAR_LINE = /^(\s*(?:- )?[\w$'"-]+:[ ]+)(\S.*)$/;

/** Applies one mutation. Text is handled as Latin-1 so that every byte survives line operations unchanged. */
function mutate(bytes: Buffer, m: Mutation): Buffer {
  const text = bytes.toString('latin1');
  const lines = text.split('\n');
  const line = (at: number) => at % lines.length;
  switch (m.kind) {
    case 'delete-line':
      lines.splice(line(m.at), 1);
      break;
    case 'duplicate-line':
      lines.splice(line(m.at), 0, lines[line(m.at)]!);
      break;
    case 'swap-lines': {
      const [a, b] = [line(m.a), line(m.b)];
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      break;
    }
    case 'indent': {
      const i = line(m.at);
      lines[i] =
        m.delta >= 0
          ? ' '.repeat(m.delta) + lines[i]!
          : lines[i]!.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      break;
    }
    case 'tab-indent': {
      const i = line(m.at);
      lines[i] = lines[i]!.replace(/^ {1,2}/, '\t');
      break;
    }
    case 'replace-scalar': {
      const candidates = lines.flatMap((l, i) => (SCALAR_LINE.test(l) ? [i] : []));
      if (!candidates.length) break;
      const i = candidates[m.at % candidates.length]!;
      const value = Buffer.from(m.value, 'utf8').toString('latin1');
      lines[i] = lines[i]!.replace(SCALAR_LINE, (_all, key: string) => `${key}${value}`);
      break;
    }
    case 'insert-bytes': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    }
    case 'insert-text': {
      const at = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text, 'utf8'), bytes.subarray(at)]);
    }
    case 'truncate':
      return bytes.subarray(0, m.at % (bytes.length + 1));
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

function lineCount(path: string): number {
  return readFileSync(path).toString('latin1').split('\n').length;
}

function checkResult(dir: string, result: LoadResult): void {
  expect(typeof result.ok).toBe('boolean');
  expect(Array.isArray(result.diagnostics)).toBe(true);
  const hasError = result.diagnostics.some((d) => d.severity === 'error');
  expect(result.ok).toBe(!hasError);
  if (result.ok) {
    expect(result.workspace).toBeDefined();
    expect(Object.isFrozen(result.workspace)).toBe(true);
  } else {
    expect(result.workspace).toBeUndefined();
  }
  const order = result.diagnostics.map((d) => [d.file, d.line, d.col] as const);
  const sorted = [...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
  expect(order, 'diagnostics are sorted by file, line and column').toEqual(sorted);
  const keys = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);
  expect(keys, 'no diagnostic is reported twice').toEqual([...new Set(keys)]);
  for (const d of result.diagnostics) {
    const where = JSON.stringify(d);
    expect(Object.hasOwn(CODES, d.code), `unknown code in ${where}`).toBe(true);
    expect(['error', 'warning'], where).toContain(d.severity);
    expect(typeof d.file === 'string' && d.file.length > 0, where).toBe(true);
    expect(d.file.includes('\\'), where).toBe(false);
    const path = isAbsolute(d.file) ? d.file : join(dir, d.file);
    expect(existsSync(path), `no such file in ${where}`).toBe(true);
    expect(Number.isInteger(d.line) && d.line >= 0, where).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 0, where).toBe(true);
    if (d.line === 0) expect(d.col, where).toBe(0);
    else {
      expect(d.col, where).toBeGreaterThanOrEqual(1);
      expect(d.line, where).toBeLessThanOrEqual(lineCount(path) + 1);
    }
    expect(typeof d.message === 'string' && d.message.length > 0, where).toBe(true);
    if (d.hint !== undefined) expect(typeof d.hint).toBe('string');
    if (d.subject !== undefined) expect(typeof d.subject).toBe('string');
  }
}

describe('loadWorkspace on mutated workspaces', () => {
  let dir: string;
  const originals = new Map<string, Buffer>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-fuzz-'));
    await cp(ACME, dir, { recursive: true });
    for (const name of SOURCES) originals.set(name, readFileSync(join(dir, name)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the unmutated copy is valid', async () => {
    const result = await loadWorkspace(dir, { env: {} });
    expect(result.diagnostics).toEqual([]);
  });

  it('never throws, and every diagnostic is well formed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SOURCES),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (name, mutations, strict) => {
          const original = originals.get(name)!;
          const mutated = mutations.reduce(mutate, original);
          await writeFile(join(dir, name), mutated);
          try {
            let result: LoadResult | undefined;
            let thrown: unknown;
            try {
              result = await loadWorkspace(dir, { strict, env: {} });
            } catch (error) {
              thrown = error;
            }
            expect(thrown, `loadWorkspace threw after mutating ${name}`).toBeUndefined();
            checkResult(dir, result!);
          } finally {
            await writeFile(join(dir, name), original);
          }
        },
      ),
      { numRuns: Number(process.env.LIFELINE_FUZZ_RUNS ?? 200) },
    );
  }, 120_000);
});
