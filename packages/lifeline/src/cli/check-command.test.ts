import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index.js';
import { run } from './main.js';
import type { Output } from './output.js';

// The example workspace names the sandbox's default ports (4480 HTTP, 4481 HTTPS), so these tests run one at a
// time against a sandbox on those ports, as a user of the quickstart would.
const ACME = fileURLToPath(new URL('../../../../examples/acme', import.meta.url));

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    color: pc.createColors(false),
  };
}

interface JsonReport {
  ok: boolean;
  results: { check: string; ok: boolean; class: string; drift?: { pointer: string; kind: string }[] }[];
}

describe.sequential('lifeline check', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'lifeline-check-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('passes every check of the example workspace against the bundled sandbox, and writes JUnit XML', async () => {
    const output = capture();
    const junit = join(tmp, 'report.xml');
    const code = await run(
      ['node', 'lifeline', 'check', ACME, '--sandbox', '--json', '--junit', junit],
      output,
    );
    const report = JSON.parse(output.stdout.join('\n')) as JsonReport;
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.results).toHaveLength(11);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('tests="11" failures="0"');
  });

  it('fails with the right classes when the sandbox is switched to faults', async () => {
    const sandbox = await startSandbox({ stateDir: join(ACME, '.lifeline') });
    try {
      sandbox.setFaults('payments', { schema: 'field-retyped' });
      sandbox.setFaults('shipping', { rejectCredentials: true });
      const output = capture();
      const code = await run(['node', 'lifeline', 'check', ACME, '--json'], output);
      const report = JSON.parse(output.stdout.join('\n')) as JsonReport;
      const byCheck = new Map(report.results.map((r) => [r.check, r]));
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      expect(byCheck.get('payments-charges-schema')?.class).toBe('schema-drift');
      expect(byCheck.get('payments-charges-schema')?.drift?.[0]).toMatchObject({
        pointer: '/data/0/amount',
        kind: 'type-changed',
      });
      expect(byCheck.get('payments-charges-up')?.class).toBe('ok');
      expect(byCheck.get('shipping-credential')?.class).toBe('credential');
      expect(byCheck.get('shipping-carriers-up')?.class).toBe('credential');
      expect(byCheck.get('identity-token')?.class).toBe('ok');
    } finally {
      await sandbox.close();
    }
  });

  it('runs only the named checks and rejects unknown ids with a suggestion', async () => {
    const output = capture();
    expect(await run(['node', 'lifeline', 'check', ACME, '--only', 'payments-tl'], output)).toBe(2);
    expect(output.stderr.join('\n')).toContain('did you mean `payments-tls`?');
  });

  it('exits 2 on an invalid workspace and prints the diagnostics as JSON', async () => {
    const output = capture();
    const broken = fileURLToPath(
      new URL('../workspace/fixtures/broken/06-unknown-integration-key', import.meta.url),
    );
    expect(await run(['node', 'lifeline', 'check', broken, '--json'], output)).toBe(2);
    const report = JSON.parse(output.stdout.join('\n')) as { ok: boolean; diagnostics: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics.length).toBeGreaterThan(0);
  });
});
