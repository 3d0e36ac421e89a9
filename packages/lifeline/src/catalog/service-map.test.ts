import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceMap, CLASSES_BY_CHECK_KIND, formatPercent, type ServiceMap } from './service-map.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import type { Workspace } from '../workspace/model.js';

const ACME = fileURLToPath(new URL('../../../../examples/acme/', import.meta.url));
const HTTP_CLASSES = CLASSES_BY_CHECK_KIND.http;

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-catalog-'));
  // The response schema of the `typed` endpoint every test integration has; schema checks need one.
  await writeFile(join(dir, 's.json'), '{}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Loads a one-file workspace with one team and the given integrations and playbooks (YAML list items). */
async function workspaceWith(
  integrations: string,
  playbooks = '',
  env: Record<string, string> = {},
): Promise<Workspace> {
  const root = join(dir, `ws-${++counter}`);
  await mkdir(root, { recursive: true });
  const text = `version: 1
name: catalog-test
teams:
  - id: team
    name: The Team
    escalation: page
    members: [{ id: ann, name: Ann }]
escalationPolicies:
  - id: page
    levels: [{ after: 0m, notify: [{ team: team }] }]
integrations:
${integrations}
${playbooks ? `playbooks:\n${playbooks}` : ''}`;
  await writeFile(join(root, 'lifeline.yaml'), text);
  const result = await loadWorkspace(root, { env });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.workspace!;
}

/** Which endpoint a check of each kind reads: http and credential a plain one, schema one with a schema. */
const ENDPOINT_OF: Record<string, string> = {
  http: ', endpoint: read',
  credential: ', endpoint: read',
  schema: ', endpoint: typed',
};

function integration(id: string, checks: string[], auth = '{ type: none }'): string {
  const endpoint = '      - { id: read, method: GET, path: /read }';
  const schemaEndpoint =
    "      - { id: typed, method: GET, path: /typed, responses: { '200': { schema: ../s.json } } }";
  return `  - id: ${id}
    name: ${id}
    owner: team
    baseUrl: https://${id}.example.com
    auth: ${auth}
    endpoints:
${endpoint}
${schemaEndpoint}
    checks:${checks.length ? '' : ' []'}
${checks.map((kind, i) => `      - { id: ${id}-${i}, kind: ${kind}${ENDPOINT_OF[kind] ?? ''} }`).join('\n')}`;
}

function playbook(id: string, integrationId: string, covers: string[]): string {
  return `  - id: ${id}
    name: ${id}
    integration: ${integrationId}
    covers: [${covers.join(', ')}]
    severity: SEV2
    problem: broken
    trigger: { when: [{ signal: error-rate, above: 10% }] }
    steps: [{ id: tell, action: notify, teams: [team] }]
`;
}

async function mapOf(integrations: string, playbooks = ''): Promise<ServiceMap> {
  return buildServiceMap(await workspaceWith(integrations, playbooks));
}

describe('coverage', () => {
  it('exposure comes from the kinds of the checks', async () => {
    const map = await mapOf(
      [
        integration('a', ['tls']),
        integration('b', ['credential', 'schema']),
        integration('c', ['http']),
      ].join('\n'),
    );
    const [a, b, c] = map.integrations;
    expect(a!.coverage).toEqual({ exposed: ['tls'], covered: [], gaps: ['tls'] });
    expect(b!.coverage).toEqual({
      exposed: ['credential', 'schema-drift'],
      covered: [],
      gaps: ['credential', 'schema-drift'],
    });
    expect(c!.coverage.exposed).toEqual([...HTTP_CLASSES]);
    expect(c!.coverage.gaps).toEqual([...HTTP_CLASSES]);
  });

  it('a playbook that covers a class closes that gap', async () => {
    const map = await mapOf(
      integration('a', ['http', 'tls']),
      playbook('p1', 'a', ['tls', 'timeout']) + playbook('p2', 'a', ['server-error', 'unreachable']),
    );
    const { coverage } = map.integrations[0]!;
    expect(coverage.covered).toEqual(['unreachable', 'timeout', 'server-error', 'tls']);
    expect(coverage.gaps).toEqual(
      HTTP_CLASSES.filter((c) => !['unreachable', 'timeout', 'server-error'].includes(c)),
    );
  });

  it('every class covered leaves no gap', async () => {
    const map = await mapOf(
      integration('a', ['http', 'tls', 'credential', 'schema']),
      playbook('all', 'a', [...HTTP_CLASSES, 'tls', 'credential', 'schema-drift']),
    );
    expect(map.integrations[0]!.coverage.gaps).toEqual([]);
  });

  it('playbooks of another integration do not count', async () => {
    const map = await mapOf(
      [integration('a', ['tls']), integration('b', ['tls'])].join('\n'),
      playbook('b-tls', 'b', ['tls']),
    );
    expect(map.integrations.map((i) => [i.id, i.coverage.gaps])).toEqual([
      ['a', ['tls']],
      ['b', []],
    ]);
    expect(map.integrations[0]!.playbooks).toEqual([]);
    expect(map.integrations[1]!.playbooks).toEqual([
      { id: 'b-tls', name: 'b-tls', severity: 'SEV2', covers: ['tls'] },
    ]);
  });

  it('no checks: exposed to nothing; `ok` and classes the checks cannot report are no gaps', async () => {
    const map = await mapOf(
      [integration('quiet', []), integration('a', ['tls'])].join('\n'),
      playbook('quiet', 'quiet', ['timeout']) + playbook('ok', 'a', ['ok', 'credential']),
    );
    const [quiet, a] = map.integrations;
    expect(quiet!.coverage).toEqual({ exposed: [], covered: ['timeout'], gaps: [] });
    expect(a!.coverage).toEqual({ exposed: ['tls'], covered: ['credential'], gaps: ['tls'] });
  });

  it('checks of the same kind count once, in a stable order', async () => {
    const map = await mapOf(integration('a', ['schema', 'http', 'tls', 'http', 'schema']));
    expect(map.integrations[0]!.coverage.exposed).toEqual([...HTTP_CLASSES, 'tls', 'schema-drift']);
  });
});

describe('the rest of an entry', () => {
  it('describes checks with their effective interval', async () => {
    const ws = await workspaceWith(
      `  - id: a
    name: A
    owner: team
    baseUrl: https://a.example.com
    auth: { type: none }
    endpoints: [{ id: read, method: GET, path: /read }]
    checks:
      - { id: fast, kind: http, endpoint: read, every: 15s }
      - { id: default, kind: tls }
      - { id: off, kind: tls, every: 2h, enabled: false }`,
    );
    expect(buildServiceMap(ws).integrations[0]!.checks).toEqual([
      { id: 'fast', kind: 'http', every: '15s', enabled: true },
      { id: 'default', kind: 'tls', every: '1m', enabled: true },
      { id: 'off', kind: 'tls', every: '2h', enabled: false },
    ]);
  });

  it('formats percentages for people', () => {
    expect(formatPercent(0.999)).toBe('99.9%');
    expect(formatPercent(0.005)).toBe('0.5%');
    expect(formatPercent(0.01)).toBe('1%');
    expect(formatPercent(1)).toBe('100%');
  });

  it('describes the acme example', async () => {
    const result = await loadWorkspace(ACME, { env: {} });
    const map = buildServiceMap(result.workspace!);
    const payments = map.integrations.find((i) => i.id === 'payments')!;
    expect(payments).toMatchObject({
      name: 'Payments (PSP)',
      vendor: 'Sandbox Payments',
      owner: { id: 'payments-team', name: 'Payments' },
      apiVersion: { value: '2024-06-20', in: 'header', name: 'Pay-Version' },
      slo: {
        window: '30d',
        latency: [
          { percentile: 'p95', below: '800ms' },
          { percentile: 'p99', below: '2s' },
        ],
        errorRateBelow: '1%',
        availability: '99.9%',
      },
    });
    expect(payments.endpoints[0]).toEqual({
      id: 'list-charges',
      method: 'GET',
      path: '/v1/charges',
      schema: 'openapi ../schemas/payments.openapi.yaml#listCharges',
    });
    const shipping = map.integrations.find((i) => i.id === 'shipping')!;
    expect(shipping.endpoints[0]).toMatchObject({ id: 'list-carriers', schema: 'json-schema 200' });
    // Every endpoint names where its schema comes from, or has none.
    for (const integration of result.workspace!.integrations) {
      const entry = map.integrations.find((i) => i.id === integration.id)!;
      integration.endpoints.forEach((endpoint, i) => {
        const statuses = Object.keys(endpoint.responses ?? {});
        const expected = endpoint.openapi
          ? `openapi ${endpoint.openapi.document}#${endpoint.openapi.operationId}`
          : statuses.length
            ? `json-schema ${statuses.join(', ')}`
            : undefined;
        expect(entry.endpoints[i]!.schema).toBe(expected);
      });
    }
  });
});

describe('secrets', () => {
  it('are described by reference only', async () => {
    const ws = await workspaceWith(
      [
        integration('key', [], "{ type: api-key, in: header, name: X-Api-Key, key: '${env:CATALOG_KEY}' }"),
        integration('basic', [], "{ type: basic, username: svc, password: '${file:secrets/password}' }"),
        integration(
          'mtls',
          [],
          "{ type: mtls, certificate: '${file:certs/client.pem}', key: '${file:certs/client.key}' }",
        ),
        integration(
          'oauth',
          [],
          '{ type: oauth2-client-credentials, tokenUrl: "https://oauth.example.com/token", clientId: app, ' +
            "clientSecret: '${env:CATALOG_OAUTH}' }",
        ),
        integration('open', []),
      ].join('\n'),
    );
    expect(buildServiceMap(ws).integrations.map((i) => [i.id, i.auth])).toEqual([
      ['key', { type: 'api-key', secrets: ['${env:CATALOG_KEY}'] }],
      ['basic', { type: 'basic', secrets: ['${file:secrets/password}'] }],
      ['mtls', { type: 'mtls', secrets: ['${file:certs/client.pem}', '${file:certs/client.key}'] }],
      ['oauth', { type: 'oauth2-client-credentials', secrets: ['${env:CATALOG_OAUTH}'] }],
      ['open', { type: 'none', secrets: [] }],
    ]);
  });

  it('a secret written inline is never shown, only marked', async () => {
    const inline = 'sk_live_catalogInlineSecret123456';
    const ws = await workspaceWith(integration('leaky', [], `{ type: bearer, token: ${inline} }`));
    const map = buildServiceMap(ws);
    expect(map.integrations[0]!.auth.secrets).toEqual(['<inline secret>']);
    expect(JSON.stringify(map)).not.toContain(inline);
  });

  it('the value of an environment variable never appears', async () => {
    const sentinel = 'catalog-sentinel-0b9e2d-do-not-print';
    const ws = await workspaceWith(
      integration('key', [], "{ type: bearer, token: '${env:CATALOG_SENTINEL}' }"),
      '',
      { CATALOG_SENTINEL: sentinel },
    );
    expect(JSON.stringify(buildServiceMap(ws))).not.toContain(sentinel);
  });

  it('no secret file of the acme example is read into its map', async () => {
    const result = await loadWorkspace(ACME, { env: {} });
    const text = JSON.stringify(buildServiceMap(result.workspace!));
    const credentials = join(ACME, 'sandbox-credentials');
    for (const name of readdirSync(credentials).filter((f) => !f.endsWith('.md'))) {
      expect(text).not.toContain(readFileSync(join(credentials, name), 'utf8').trim());
    }
    expect(text).toContain('${file:../sandbox-credentials/payments-key}');
  });
});
