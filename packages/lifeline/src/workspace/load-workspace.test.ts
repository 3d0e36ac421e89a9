import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRootFile, loadWorkspace, type LoadResult } from './load-workspace.js';
import { DEFAULT_SEVERITIES, DEFAULTS, type Workspace } from './model.js';
import { isConfigError } from '../errors.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const ACME = join(REPO, 'examples/acme');
const TEMPLATE = join(REPO, 'packages/lifeline/templates/init');

/** JSON of anything the loader returns, Maps included, to search it for values that must not be there. */
function serialize(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v.entries()] : v));
}

/** Line and column (1-based) of the first capture group of `pattern` in a file of the acme example. */
function locate(file: string, pattern: RegExp): { file: string; line: number; col: number } {
  const lines = readFileSync(join(ACME, file), 'utf8').split('\n');
  for (const [index, text] of lines.entries()) {
    const match = new RegExp(pattern.source, 'd').exec(text);
    if (match?.indices?.[1]) return { file, line: index + 1, col: match.indices[1][0] + 1 };
  }
  throw new Error(`${pattern} not found in ${file}`);
}

const TEAM = `
teams:
  - id: payments-team
    name: Payments
    members:
      - { id: alice, name: Alice }
`;

const INTEGRATION = `
integrations:
  - id: payments
    name: Payments
    owner: payments-team
    baseUrl: https://api.example.com
    auth: { type: none }
    endpoints:
      - { id: list-charges, method: GET, path: /v1/charges }
`;

describe('loadWorkspace on the acme example', () => {
  let result: LoadResult;
  let workspace: Workspace;
  beforeAll(async () => {
    result = await loadWorkspace(ACME, { strict: true, env: {} });
    workspace = result.workspace!;
  });

  it('loads with zero diagnostics, even with strict', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(workspace).toBeDefined();
  });

  it('lists the files it read, root first, relative to the workspace directory', () => {
    expect(workspace.dir).toBe(resolve(ACME));
    expect(workspace.name).toBe('acme');
    expect(workspace.files).toEqual([
      'lifeline.yaml',
      'integrations/identity.yaml',
      'integrations/payments.yaml',
      'integrations/shipping.yaml',
    ]);
  });

  it('accepts the root file itself as well as its directory', async () => {
    const byFile = await loadWorkspace(join(ACME, 'lifeline.yaml'), { env: {} });
    expect(byFile.ok).toBe(true);
    expect(byFile.workspace?.integrations.map((i) => i.id)).toEqual(workspace.integrations.map((i) => i.id));
  });

  it('concatenates the lists of every file', () => {
    expect(workspace.integrations.map((i) => i.id)).toEqual(['identity', 'payments', 'shipping']);
    expect(workspace.playbooks.map((p) => p.id)).toEqual([
      'identity-token-refused',
      'payments-latency',
      'payments-credential-revoked',
      'payments-schema-drift',
      'shipping-outage',
    ]);
    expect(workspace.teams.map((t) => t.id)).toEqual([
      'payments-team',
      'logistics-team',
      'identity-team',
      'sre',
    ]);
    expect(workspace.failureModes.map((f) => f.id)).toEqual(['psp-key-revoked']);
    expect(workspace.glossary.map((g) => g.term)).toEqual(['PSP', 'Label']);
  });

  it('decodes durations to milliseconds', () => {
    expect(workspace.defaults).toEqual({
      checkIntervalMs: 30_000,
      checkTimeoutMs: 5_000,
      changeLookbackMs: 24 * 3_600_000,
    });
    const payments = workspace.integrations.find((i) => i.id === 'payments')!;
    const up = payments.checks!.find((c) => c.id === 'payments-charges-up')!;
    expect(up.every).toBe(15_000);
    expect(up.retries).toEqual({ attempts: 1, backoff: 500 });
    expect(up.kind === 'http' && up.expect).toMatchObject({ maxLatency: 3_000, degradedLatency: 800 });
    expect(payments.slo?.window).toBe(30 * 86_400_000);
    expect(payments.slo?.latency).toEqual([
      { percentile: 'p95', below: 800 },
      { percentile: 'p99', below: 2_000 },
    ]);
    expect(payments.auth.rotation).toEqual({ every: 90 * 86_400_000, lastRotated: '2026-10-01' });
    const sev1 = workspace.severities.find((s) => s.id === 'SEV1')!;
    expect(sev1.respond).toEqual({ acknowledge: 300_000, firstAction: 900_000, resolve: 4 * 3_600_000 });
    const latency = workspace.playbooks.find((p) => p.id === 'payments-latency')!;
    expect(latency.trigger.when[0]).toMatchObject({
      signal: 'latency',
      above: 800,
      window: 120_000,
      for: 60_000,
      clear: { below: 500, for: 180_000 },
    });
    expect(latency.success?.for).toBe(300_000);
  });

  it('decodes percentages to fractions', () => {
    const payments = workspace.integrations.find((i) => i.id === 'payments')!;
    expect(payments.slo?.errorRate?.below).toBe(0.01);
    expect(payments.slo?.availability).toBeCloseTo(0.999, 12);
    const identity = workspace.integrations.find((i) => i.id === 'identity')!;
    expect(identity.slo?.errorRate?.below).toBe(0.005);
    const outage = workspace.playbooks.find((p) => p.id === 'shipping-outage')!;
    expect(outage.trigger.when[0]).toMatchObject({
      signal: 'error-rate',
      above: 0.2,
      clear: { below: 0.05 },
    });
  });

  it('keeps secrets as references', () => {
    const [identity, payments, shipping] = workspace.integrations;
    expect(payments!.auth).toMatchObject({
      type: 'bearer',
      token: { source: 'file', name: '../sandbox-credentials/payments-key' },
    });
    expect(identity!.auth).toMatchObject({
      type: 'oauth2-client-credentials',
      clientSecret: { source: 'file', name: '../sandbox-credentials/identity-client-secret' },
    });
    expect(shipping!.auth).toMatchObject({
      type: 'api-key',
      key: { source: 'file', name: '../sandbox-credentials/shipping-key' },
    });
    const slack = workspace.channels.find((c) => c.id === 'slack-payments')!;
    expect(slack).toMatchObject({
      webhookUrl: { source: 'file', name: 'sandbox-credentials/slack-webhook-url' },
    });
  });

  it('holds no secret value anywhere', () => {
    const text = serialize(result);
    const dir = join(ACME, 'sandbox-credentials');
    const secrets = readdirSync(dir).filter((f) => !f.endsWith('.md'));
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const name of secrets) {
      const value = readFileSync(join(dir, name), 'utf8').trim();
      expect(value.length).toBeGreaterThan(8);
      expect(text, `the value of ${name} leaked`).not.toContain(value);
    }
  });

  it('records where every thing with an id is declared', () => {
    const at = (key: string) => {
      const d = workspace.declarations.get(key);
      expect(d, key).toBeDefined();
      expect(d!.locate().file).toBe(d!.file);
      return d!.locate();
    };
    expect(at('integration:payments')).toEqual(locate('integrations/payments.yaml', /- id: (payments)$/));
    expect(at('check:payments-tls')).toEqual(locate('integrations/payments.yaml', /- id: (payments-tls)$/));
    expect(at('playbook:shipping-outage')).toEqual(
      locate('integrations/shipping.yaml', /- id: (shipping-outage)$/),
    );
    expect(at('team:sre')).toEqual(locate('lifeline.yaml', /- id: (sre)$/));
    expect(at('person:alice')).toEqual(locate('lifeline.yaml', /\{ id: (alice),/));
    expect(at('channel:ops-webhook')).toEqual(locate('lifeline.yaml', /- id: (ops-webhook)$/));
    expect(workspace.declarations.get('integration:payments')?.absoluteFile).toBe(
      join(ACME, 'integrations/payments.yaml'),
    );
  });

  it('returns a frozen workspace', () => {
    expect(Object.isFrozen(workspace)).toBe(true);
    expect(Object.isFrozen(workspace.integrations)).toBe(true);
    expect(Object.isFrozen(workspace.integrations[0])).toBe(true);
    expect(Object.isFrozen(workspace.integrations[0]!.endpoints[0])).toBe(true);
    expect(Object.isFrozen(workspace.playbooks[0]!.steps[0])).toBe(true);
    expect(Object.isFrozen(workspace.defaults)).toBe(true);
    expect(() => (workspace.integrations as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (workspace as { name: string }).name = 'changed';
    }).toThrow(TypeError);
  });
});

describe('loadWorkspace on workspaces written by the test', () => {
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes files (relative path → text) into a fresh workspace directory and returns it. */
  async function workspaceOf(files: Record<string, string>): Promise<string> {
    const root = join(dir, `ws-${++counter}`);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, name)), { recursive: true });
      await writeFile(join(root, name), text);
    }
    return root;
  }

  it('applies defaults: SEV1–SEV3 when no severities, and the default intervals', async () => {
    const root = await workspaceOf({ 'lifeline.yaml': `version: 1\nname: plain\n${TEAM}${INTEGRATION}` });
    const result = await loadWorkspace(root, { env: {} });
    expect(result.diagnostics).toEqual([]);
    const ws = result.workspace!;
    expect(ws.severities.map((s) => s.id)).toEqual(['SEV1', 'SEV2', 'SEV3']);
    expect(ws.severities).toEqual(DEFAULT_SEVERITIES);
    expect(ws.defaults).toEqual(DEFAULTS);
    expect(ws.defaults).toEqual({
      checkIntervalMs: 60_000,
      checkTimeoutMs: 10_000,
      changeLookbackMs: 86_400_000,
    });
  });

  it('the default severities can be referenced, declared ones replace them', async () => {
    const playbook = `
playbooks:
  - id: down
    name: Down
    integration: payments
    severity: SEV3
    problem: down
    trigger: { when: [{ signal: error-rate, above: 10% }] }
    steps: [{ id: tell, action: notify, teams: [payments-team] }]
`;
    const withDefaults = await workspaceOf({
      'lifeline.yaml': `version: 1\nname: plain\n${TEAM}${INTEGRATION}${playbook}`,
    });
    const ok = await loadWorkspace(withDefaults, { env: {} });
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const own = await workspaceOf({
      'lifeline.yaml':
        `version: 1\nname: own\nseverities: [{ id: P1, name: Page }]\n${TEAM}${INTEGRATION}` + playbook,
    });
    const result = await loadWorkspace(own, { env: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'unknown-reference', message: expect.stringContaining('SEV3') }),
    );
  });

  it('a partial defaults block keeps the other defaults', async () => {
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1\nname: plain\ndefaults: { checkTimeout: 2s }\n${TEAM}${INTEGRATION}`,
    });
    const result = await loadWorkspace(root, { env: {} });
    expect(result.workspace?.defaults).toEqual({ ...DEFAULTS, checkTimeoutMs: 2_000 });
  });

  it('collects every problem: a file with 5 different errors yields 5 diagnostics', async () => {
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1
name: five
include:
  - nowhere/*.yaml
teams:
  - id: payments-team
    name: Payments
    colour: blue
    members: []
integrations:
  - id: payments
    name: Payments
    owner: nobody
    baseUrl: https://api.example.com
    auth: { type: none }
    endpoints: []
  - id: shipping
    name: Shipping
    owner: payments-team
    baseUrl: shipping.example.com
    auth: { type: none }
    endpoints: []
  - id: identity
    name: Identity
    owner: payments-team
    baseUrl: https://identity.example.com
    auth: { type: none }
    endpoints: []
    checks:
      - { id: identity-tls, kind: tls, every: 5 minutes }
`,
    });
    const result = await loadWorkspace(root, { env: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual([
      '4:5 include-no-match',
      '8:5 unknown-key',
      '13:12 unknown-reference',
      '20:14 invalid-url',
      '30:47 invalid-duration',
    ]);
    expect(result.diagnostics.every((d) => d.severity === 'error' && d.file === 'lifeline.yaml')).toBe(true);
  });

  it('sorts diagnostics by file, line and column', async () => {
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1
name: sorted
include: [parts/*.yaml]
${TEAM}
integrations:
  - id: payments
    name: Payments
    owner: payments-tema
    baseUrl: https://api.example.com
    auth: { type: none }
    endpoints: []
  - id: refunds
    name: Refunds
    owner: payments-team
    baseUrl: https://api.example.com
    auth: { type: none }
    endpoints: []
    tags: 7
`,
      'parts/b.yaml':
        'integrations:\n' +
        '  - { id: b, name: B, owner: payments-team, baseUrl: nope, auth: { type: none }, endpoints: [] }\n',
      'parts/a.yaml': 'teams:\n  - { id: a, name: A, members: [], escalation: nobody }\nbogus: true\n',
    });
    const result = await loadWorkspace(root, { env: {} });
    const order = result.diagnostics.map((d) => [d.file, d.line, d.col] as const);
    expect(order.length).toBe(5);
    const sorted = [...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
    expect(order).toEqual(sorted);
    expect(new Set(order.map(([file]) => file))).toEqual(
      new Set(['lifeline.yaml', 'parts/a.yaml', 'parts/b.yaml']),
    );
  });

  it('never puts the value of an environment variable in the result or a diagnostic', async () => {
    const sentinel = 'sentinel-7f3a9c1e-do-not-print';
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1
name: sentinel
${TEAM}
channels:
  - { id: hook, kind: webhook, url: 'https://hooks.example.com/x', secret: '\${env:LIFELINE_TEST_SENTINEL}' }
integrations:
  - id: payments
    name: Payments
    owner: payments-team
    baseUrl: https://api.example.com
    auth: { type: bearer, token: '\${env:LIFELINE_TEST_SENTINEL}' }
    endpoints: []
  - id: broken
    name: Broken
    owner: nobody
    baseUrl: https://api.example.com
    auth: { type: basic, username: u, password: '\${env:LIFELINE_TEST_SENTINEL}', extra: 1 }
    endpoints: []
`,
    });
    const previous = process.env.LIFELINE_TEST_SENTINEL;
    process.env.LIFELINE_TEST_SENTINEL = sentinel;
    try {
      for (const options of [{}, { strict: true }, { env: { LIFELINE_TEST_SENTINEL: sentinel } }]) {
        const result = await loadWorkspace(root, options);
        expect(result.diagnostics.length).toBeGreaterThan(0);
        expect(serialize(result)).not.toContain(sentinel);
        expect(serialize(result)).not.toContain('do-not-print');
      }
      const valid = await loadWorkspace(root, { env: { LIFELINE_TEST_SENTINEL: sentinel } });
      expect(valid.diagnostics.some((d) => d.code === 'secret-unresolved')).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.LIFELINE_TEST_SENTINEL;
      else process.env.LIFELINE_TEST_SENTINEL = previous;
    }
    const bearer = INTEGRATION.replace(
      '{ type: none }',
      "{ type: bearer, token: '${env:LIFELINE_TEST_SENTINEL}' }",
    );
    const fixed = await workspaceOf({ 'lifeline.yaml': `version: 1\nname: set\n${TEAM}${bearer}` });
    const result = await loadWorkspace(fixed, { strict: true, env: { LIFELINE_TEST_SENTINEL: sentinel } });
    expect(result.diagnostics).toEqual([]);
    expect(serialize(result)).not.toContain(sentinel);
    expect(result.workspace!.integrations[0]!.auth).toMatchObject({
      token: { source: 'env', name: 'LIFELINE_TEST_SENTINEL' },
    });
  });

  it('reports a secret once even when the auth type is unknown', async () => {
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1\nname: once\n${TEAM}${INTEGRATION.replace(
        'auth: { type: none }',
        "auth: { type: apikey, in: header, name: X-Api-Key, key: '${env:LIFELINE_UNSET_KEY}' }",
      )}`,
    });
    const result = await loadWorkspace(root, { env: {} });
    const keys = result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
    expect(keys).toEqual([...new Set(keys)]);
  });

  it('refuses an alias bomb instead of loading a value that expands to a billion items', async () => {
    const levels = Array.from(
      { length: 8 },
      (_, i) => `            l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
    );
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1
name: bomb
${TEAM}${INTEGRATION}
    checks:
      - id: post
        kind: http
        endpoint: list-charges
        request:
          body:
            l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
${levels.join('\n')}
`,
    });
    const result = await loadWorkspace(root, { env: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'yaml-syntax', file: 'lifeline.yaml' }),
    );
  });

  it('reports problems as diagnostics, never as process warnings', async () => {
    const root = await workspaceOf({
      'lifeline.yaml': `version: 1\nname: quiet\n${TEAM}${INTEGRATION.replace(
        '/v1/charges }',
        '/v1/charges, openapi: { document: api.yaml, operationId: listCharges } }',
      )}`,
      'api.yaml': `openapi: 3.0.3
info: { title: API, version: !custom '1' }
paths:
  /v1/charges:
    get: { operationId: listCharges, responses: { '200': { description: ok } } }
`,
    });
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    try {
      await loadWorkspace(root, { env: {} });
      await new Promise((done) => setImmediate(done));
    } finally {
      process.off('warning', listener);
    }
    expect(warnings).toEqual([]);
  });

  it('reads lifeline.yml when there is no lifeline.yaml', async () => {
    const root = await workspaceOf({ 'lifeline.yml': `version: 1\nname: yml\n${TEAM}${INTEGRATION}` });
    expect(findRootFile(root)).toBe(join(root, 'lifeline.yml'));
    const result = await loadWorkspace(root, { env: {} });
    expect(result.ok).toBe(true);
    expect(result.workspace?.files).toEqual(['lifeline.yml']);
  });

  it('an empty root file lacks version and name', async () => {
    const root = await workspaceOf({ 'lifeline.yaml': '# nothing yet\n' });
    const result = await loadWorkspace(root, { env: {} });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['missing-key', 'missing-key']);
    expect(result.diagnostics.map((d) => d.message).join(' ')).toMatch(
      /`version`[\s\S]*`name`|`name`[\s\S]*`version`/,
    );
  });

  it('the init template loads, warning only about its unset API key', async () => {
    const result = await loadWorkspace(TEMPLATE, { env: {} });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['secret-unresolved']);
    const set = await loadWorkspace(TEMPLATE, { strict: true, env: { EXAMPLE_API_KEY: 'k' } });
    expect(set.diagnostics).toEqual([]);
  });
});

describe('workspace-not-found', () => {
  it('is a ConfigError when the path does not exist', async () => {
    const missing = join(tmpdir(), 'lifeline-no-such-dir-4711');
    await expect(loadWorkspace(missing)).rejects.toMatchObject({
      name: 'ConfigError',
      code: 'workspace-not-found',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('is a ConfigError, suggesting init, when the directory has no lifeline.yaml', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lifeline-empty-'));
    try {
      let caught: unknown;
      try {
        findRootFile(empty);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught)).toBe(true);
      expect(caught).toMatchObject({
        code: 'workspace-not-found',
        message: expect.stringContaining('lifeline init'),
      });
      await expect(loadWorkspace(empty)).rejects.toMatchObject({ code: 'workspace-not-found' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
