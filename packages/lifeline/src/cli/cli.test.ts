/**
 * The `lifeline` command run in-process through `run()` (exit codes, output, JSON shapes), plus one test of
 * the real binary for what only a real process shows: no colour escapes when the output is not a terminal.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './main.js';
import { colorsFor, type Output } from './output.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ACME = join(REPO, 'examples/acme');
const BROKEN = join(REPO, 'packages/lifeline/src/workspace/fixtures/broken');
const BIN = join(REPO, 'packages/lifeline/bin/lifeline.js');
const BUILT_CLI = join(REPO, 'packages/lifeline/dist/cli/main.js');
const VERSION = (
  JSON.parse(readFileSync(join(REPO, 'packages/lifeline/package.json'), 'utf8')) as { version: string }
).version;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with colours off, capturing what it prints. */
async function cli(...args: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) };
  const code = await run(['node', 'lifeline', ...args], output);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const STACK_TRACE = /^\s+at .+[(:]\d+/m;

const secretValues = () => {
  const dir = join(ACME, 'sandbox-credentials');
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.md'))
    .map((f) => readFileSync(join(dir, f), 'utf8').trim());
};

describe('lifeline validate', () => {
  it('exits 0 on the acme example and says it is valid', async () => {
    const { code, stdout, stderr } = await cli('validate', ACME);
    expect(code).toBe(0);
    expect(stdout).toContain('acme: valid');
    expect(stdout).toContain('3 integrations');
    expect(stderr).toBe('');
  });

  it('--json prints one JSON object with exactly the documented keys', async () => {
    const { code, stdout, stderr } = await cli('validate', '--json', ACME);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'ok']);
    expect(report).toEqual({ ok: true, diagnostics: [] });
  });

  it('--json on a broken workspace lists diagnostics with the documented keys only', async () => {
    const { code, stdout, stderr } = await cli('validate', '--json', join(BROKEN, '24-unknown-owner'));
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as { ok: boolean; diagnostics: Record<string, unknown>[] };
    expect(Object.keys(report).sort()).toEqual(['diagnostics', 'ok']);
    expect(report.ok).toBe(false);
    expect(report.diagnostics.length).toBeGreaterThan(0);
    const required = ['code', 'col', 'file', 'line', 'message', 'severity'];
    for (const d of report.diagnostics) {
      const keys = Object.keys(d);
      expect(keys).toEqual(expect.arrayContaining(required));
      expect(keys.filter((k) => !required.includes(k)).every((k) => k === 'hint' || k === 'subject')).toBe(
        true,
      );
    }
    expect(report.diagnostics[0]).toEqual({
      code: 'unknown-reference',
      severity: 'error',
      file: 'lifeline.yaml',
      line: 14,
      col: 12,
      message: expect.stringContaining('payment-team'),
      hint: 'did you mean `payments-team`?',
      subject: 'integration:payments',
    });
  });

  it('exits 1 on a broken workspace and prints file:line:col, code and hint', async () => {
    const fixture = join(BROKEN, '06-unknown-integration-key');
    const { code, stdout } = await cli('validate', fixture);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /06-unknown-integration-key\/lifeline\.yaml:15:5 {2}error {2}unknown-key {2}unknown key `vendr`/,
    );
    expect(stdout).toContain('did you mean `vendor`?');
    expect(stdout).toContain('invalid: 1 error');
  });

  it('exits 0 when there are only warnings, and shows them', async () => {
    const { code, stdout } = await cli('validate', join(BROKEN, '36-inline-secret'));
    expect(code).toBe(0);
    expect(stdout).toContain('warning  secret-inline');
    expect(stdout).toContain('(1 warning)');
    expect(stdout).not.toContain('sk_live_');
  });

  it('--strict turns an unresolved environment variable into exit 1', async () => {
    expect(process.env.LIFELINE_FIXTURE_UNSET_TOKEN).toBeUndefined();
    const fixture = join(BROKEN, '37-unresolved-env-secret');
    const lenient = await cli('validate', fixture);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('warning  secret-unresolved');
    const strict = await cli('validate', '--strict', fixture);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('error  secret-unresolved');
    const json = await cli('validate', '--strict', '--json', fixture);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      diagnostics: [{ code: 'secret-unresolved', severity: 'error' }],
    });
  });

  it('exits 2 with a clear message and no stack trace when the directory does not exist', async () => {
    const missing = join(tmpdir(), 'lifeline-cli-no-such-dir-4711');
    const { code, stdout, stderr } = await cli('validate', missing);
    expect(code).toBe(2);
    expect(stderr).toContain('does not exist');
    expect(stderr).toContain(missing);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(stderr).not.toContain('ConfigError');
    expect(stdout).toBe('');
  });

  it('exits 2, suggesting init, when the directory has no lifeline.yaml', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lifeline-cli-empty-'));
    try {
      const { code, stderr } = await cli('validate', empty);
      expect(code).toBe(2);
      expect(stderr).toContain('lifeline init');
      expect(stderr).not.toMatch(STACK_TRACE);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('exits 2 on an unknown flag', async () => {
    const { code, stderr } = await cli('validate', '--bogus', ACME);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option '--bogus'/);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 2 on an unknown command, with a suggestion', async () => {
    const { code, stderr } = await cli('valdate', ACME);
    expect(code).toBe(2);
    expect(stderr).toContain('validate');
  });
});

describe('lifeline catalog', () => {
  it('--json lists the three acme integrations with owners, endpoints and coverage gaps', async () => {
    const { code, stdout, stderr } = await cli('catalog', '--json', ACME);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const map = JSON.parse(stdout) as {
      workspace: string;
      integrations: {
        id: string;
        owner: { id: string; name?: string };
        auth: { type: string; secrets: string[] };
        endpoints: { id: string; method: string; path: string }[];
        coverage: { gaps: string[] };
      }[];
    };
    expect(map.workspace).toBe('acme');
    expect(map.integrations.map((i) => i.id)).toEqual(['identity', 'payments', 'shipping']);
    const byId = Object.fromEntries(map.integrations.map((i) => [i.id, i]));
    expect(byId.identity!.owner).toEqual({ id: 'identity-team', name: 'Identity' });
    expect(byId.payments!.owner).toEqual({ id: 'payments-team', name: 'Payments' });
    expect(byId.shipping!.owner).toEqual({ id: 'logistics-team', name: 'Logistics' });
    expect(byId.payments!.endpoints.map((e) => `${e.method} ${e.path} ${e.id}`)).toEqual([
      'GET /v1/charges list-charges',
      'POST /v1/charges create-charge',
      'GET /v1/charges/{id} get-charge',
    ]);
    expect(byId.shipping!.endpoints.map((e) => e.id)).toEqual([
      'list-carriers',
      'quote-rates',
      'create-label',
    ]);
    expect(byId.identity!.endpoints.map((e) => e.id)).toEqual(['userinfo', 'get-user']);
    expect(byId.identity!.coverage.gaps).toEqual([
      'unreachable',
      'timeout',
      'server-error',
      'client-error',
      'rate-limited',
      'slow',
      'assertion',
      'schema-drift',
    ]);
    expect(byId.payments!.coverage.gaps).toEqual([
      'unreachable',
      'server-error',
      'client-error',
      'rate-limited',
      'assertion',
      'tls',
    ]);
    expect(byId.shipping!.coverage.gaps).toEqual([
      'client-error',
      'slow',
      'assertion',
      'credential',
      'schema-drift',
    ]);
    expect(byId.payments!.auth).toEqual({
      type: 'bearer',
      secrets: ['${file:../sandbox-credentials/payments-key}'],
      rotateEvery: '90d',
      lastRotated: '2026-10-01',
    });
    for (const value of secretValues()) expect(stdout).not.toContain(value);
  });

  it('prints the service map for people, without secret values', async () => {
    const { code, stdout } = await cli('catalog', ACME);
    expect(code).toBe(0);
    expect(stdout).toContain('acme — 3 integrations, 5 playbooks');
    expect(stdout).toContain('no playbook for: unreachable, server-error');
    expect(stdout).toMatch(/failure classes without a playbook/);
    for (const value of secretValues()) expect(stdout).not.toContain(value);
  });

  it('--json on a broken workspace exits 1 with one JSON object saying why', async () => {
    const { code, stdout } = await cli('catalog', '--json', join(BROKEN, '24-unknown-owner'));
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { ok: boolean; diagnostics: { code: string }[] };
    expect(report.ok).toBe(false);
    expect(report.diagnostics.map((d) => d.code)).toEqual(['unknown-reference']);
  });

  it('exits 1 on a broken workspace, printing its diagnostics', async () => {
    const { code, stdout, stderr } = await cli('catalog', join(BROKEN, '24-unknown-owner'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/lifeline\.yaml:14:12 {2}error {2}unknown-reference/);
    expect(stderr).toContain('invalid');
  });
});

describe('lifeline init', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-init-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a workspace that validates, and refuses to overwrite it', async () => {
    const target = join(dir, 'my-integrations');
    const created = await cli('init', target);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('created');
    expect(existsSync(join(target, 'lifeline.yaml'))).toBe(true);
    expect(existsSync(join(target, 'integrations/example-api.yaml'))).toBe(true);
    expect(created.stdout).toContain('lifeline validate');

    const validated = await cli('validate', target);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain('valid');
    const catalog = await cli('catalog', '--json', target);
    expect(catalog.code).toBe(0);

    const before = await readFile(join(target, 'lifeline.yaml'), 'utf8');
    const again = await cli('init', target);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('not overwriting');
    expect(again.stderr).not.toMatch(STACK_TRACE);
    expect(await readFile(join(target, 'lifeline.yaml'), 'utf8')).toBe(before);
  });

  it('creates the directory when it does not exist yet', async () => {
    const target = join(dir, 'nested/deeper/ws');
    const { code } = await cli('init', target);
    expect(code).toBe(0);
    expect(existsSync(join(target, 'lifeline.yaml'))).toBe(true);
  });
});

describe('lifeline --version and --help', () => {
  it('--version prints the package version and exits 0', async () => {
    const { code, stdout } = await cli('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  it('--help exits 0 and shows the commands, an example and the exit codes', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const command of ['init', 'validate', 'catalog']) expect(stdout).toContain(command);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('$ lifeline validate examples/acme');
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toMatch(/0 {2}success/);
    expect(stdout).toMatch(/1 {2}the command ran and found problems/);
    expect(stdout).toMatch(/2 {2}usage error/);
  });

  it.each(['validate', 'catalog', 'init'])(
    '%s --help shows an example and the exit codes',
    async (command) => {
      const { code, stdout } = await cli(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`$ lifeline ${command}`);
      expect(stdout).toContain('Exit codes:');
    },
  );

  it('no arguments prints help and exits 2', async () => {
    const { code, stdout } = await cli();
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: lifeline');
  });
});

describe('colours', () => {
  it('are used only on a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(colorsFor({ isTTY: true }, {}).isColorSupported).toBe(true);
    expect(colorsFor({ isTTY: false }, {}).isColorSupported).toBe(false);
    expect(colorsFor({}, {}).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '1' }).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: true }, { TERM: 'dumb' }).isColorSupported).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '' }).isColorSupported).toBe(true);
  });
});

describe('the lifeline binary', () => {
  const built = existsSync(BUILT_CLI);
  // The binary runs the compiled CLI; without a build there is nothing to spawn, and the title says so.
  const skipped = built
    ? ''
    : ' (skipped: packages/lifeline/dist/cli/main.js is missing; run `npm run build`)';
  it.skipIf(!built)(
    `prints no ANSI escapes when NO_COLOR is set or the output is not a terminal${skipped}`,
    () => {
      const { FORCE_COLOR: _force, NO_COLOR: _no, ...env } = process.env;
      const cases: [Record<string, string | undefined>, string[], number][] = [
        [{ ...env, NO_COLOR: '1' }, ['validate', join(BROKEN, '24-unknown-owner')], 1],
        [env, ['validate', join(BROKEN, '36-inline-secret')], 0],
        [env, ['catalog', ACME], 0],
        [{ ...env, NO_COLOR: '1' }, ['validate', join(tmpdir(), 'lifeline-cli-no-such-dir-4711')], 2],
      ];
      for (const [environment, args, expected] of cases) {
        const child = spawnSync(process.execPath, [BIN, ...args], {
          env: environment,
          encoding: 'utf8',
          cwd: REPO,
        });
        expect(child.status, `${args.join(' ')}: ${child.stderr}`).toBe(expected);
        expect(child.stdout + child.stderr).not.toContain('\u001b[');
        expect(child.stderr).not.toMatch(STACK_TRACE);
      }
    },
  );
});
