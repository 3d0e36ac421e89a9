/**
 * The broken-workspace corpus: every folder under `fixtures/broken/` is a minimal workspace with exactly one
 * deliberate problem, and an `expected.json` naming the diagnostic a person would want for it — code,
 * severity, the file:line:col they would point at, and fragments of the message and hint. Cases that need
 * files not worth committing (a file over 10 MB) or a setting (`strict`) are built here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWorkspace, type LoadResult } from './load-workspace.js';
import type { Diagnostic, DiagnosticSeverity } from './diagnostics.js';

const CORPUS = fileURLToPath(new URL('./fixtures/broken/', import.meta.url));

interface Expected {
  code: string;
  severity: DiagnosticSeverity;
  file: string;
  line: number;
  col: number;
  messageIncludes?: string;
  hintIncludes?: string;
}

const FIXTURES = readdirSync(CORPUS)
  .filter((name) => statSync(join(CORPUS, name)).isDirectory())
  .sort();

function expectedOf(name: string): Expected {
  return JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8')) as Expected;
}

function show(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
}

/** Loads without throwing (a throw fails the test with the error) and with an empty environment. */
async function load(dir: string, strict = false): Promise<LoadResult> {
  let result: LoadResult | undefined;
  let thrown: unknown;
  try {
    result = await loadWorkspace(dir, { strict, env: {} });
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `loadWorkspace threw for ${dir}`).toBeUndefined();
  return result!;
}

function expectDiagnostic(result: LoadResult, expected: Expected): void {
  const wanted = {
    code: expected.code,
    severity: expected.severity,
    file: expected.file,
    line: expected.line,
    col: expected.col,
    ...(expected.messageIncludes ? { message: expect.stringContaining(expected.messageIncludes) } : {}),
    ...(expected.hintIncludes ? { hint: expect.stringContaining(expected.hintIncludes) } : {}),
  };
  expect(
    result.diagnostics,
    `expected ${expected.file}:${expected.line}:${expected.col} ${expected.severity} ${expected.code}; ` +
      `got\n${result.diagnostics.map(show).join('\n')}`,
  ).toContainEqual(expect.objectContaining(wanted));
  if (expected.severity === 'error') {
    expect(result.ok).toBe(false);
    expect(result.workspace).toBeUndefined();
  } else {
    // The one deliberate problem is a warning: the workspace still loads.
    expect(result.ok).toBe(true);
    expect(result.workspace).toBeDefined();
  }
}

describe('broken-workspace corpus', () => {
  it('has at least 30 broken workspaces, each with an expected.json', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
    for (const name of FIXTURES) {
      expect(name).toMatch(/^\d{2}-[a-z0-9-]+$/);
      const expected = expectedOf(name);
      expect(['error', 'warning']).toContain(expected.severity);
      expect(expected.line).toBeGreaterThanOrEqual(1);
      expect(expected.col).toBeGreaterThanOrEqual(1);
    }
  });

  it.each(FIXTURES)('%s', async (name) => {
    const result = await load(join(CORPUS, name));
    expectDiagnostic(result, expectedOf(name));
  });

  it.each(FIXTURES)('%s reports each problem once', async (name) => {
    const result = await load(join(CORPUS, name));
    const keys = result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);
    expect(keys).toEqual([...new Set(keys)]);
  });
});

describe('broken workspaces built by the test', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-broken-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an unset environment variable is a warning, and an error with strict', async () => {
    const fixture = join(CORPUS, '37-unresolved-env-secret');
    const expected = expectedOf('37-unresolved-env-secret');
    const lenient = await load(fixture);
    expectDiagnostic(lenient, expected);
    const strict = await load(fixture, true);
    expectDiagnostic(strict, { ...expected, severity: 'error' });
    expect(strict.diagnostics.filter((d) => d.code === 'secret-unresolved')).toHaveLength(1);
  });

  it('the same reference is fine once the variable is set', async () => {
    const result = await loadWorkspace(join(CORPUS, '37-unresolved-env-secret'), {
      strict: true,
      env: { LIFELINE_FIXTURE_UNSET_TOKEN: 'set-now' },
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('a file over 10 MB is refused without being parsed', async () => {
    const root = join(dir, 'too-large');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'lifeline.yaml'), 'version: 1\nname: big\ninclude:\n  - big.yaml\n');
    const line = '# padding padding padding padding padding padding padding padding padding\n';
    const big = Buffer.from(line.repeat(Math.ceil((10 * 1024 * 1024 + 1) / line.length)));
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    await writeFile(join(root, 'big.yaml'), big);
    const result = await load(root);
    // The problem concerns the whole file: line and col are 0 (see Diagnostic.line).
    expectDiagnostic(result, {
      code: 'file-too-large',
      severity: 'error',
      file: 'big.yaml',
      line: 0,
      col: 0,
      messageIncludes: '10 MB',
      hintIncludes: 'include',
    });
  });

  it('a root file with invalid UTF-8 is reported at the offending byte', async () => {
    const root = join(dir, 'latin1');
    await mkdir(root, { recursive: true });
    await writeFile(
      join(root, 'lifeline.yaml'),
      Buffer.concat([Buffer.from('version: 1\nname: Caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    const result = await load(root);
    expectDiagnostic(result, {
      code: 'invalid-utf8',
      severity: 'error',
      file: 'lifeline.yaml',
      line: 2,
      col: 10,
      messageIncludes: '0xe9',
    });
  });
});
