// The schema kind: the sandbox's schema faults against the example workspace's own response schemas yield the
// pointers of `sandbox/schema-variants.ts`; plus statuses, missing schemas, strict mode and redaction.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  SCHEMA_MUTATIONS,
  SCHEMA_VARIANTS,
  startSandbox,
  type RunningSandbox,
  type SchemaVariant,
  type VendorName,
} from '../../sandbox/index.js';
import type { Check, DeclaredCheck, Endpoint, Workspace } from '../../workspace/model.js';
import type { DriftKind } from '../check-result.js';
import { createCheckRegistry, type CheckRegistry } from '../registry.js';
import { runCheck } from '../runner.js';
import { normalizePointer } from '../signature.js';
import { declaredCheck, exampleWorkspaceOn } from '../test-support/example-workspace.js';
import { json, startTestServer, type TestServer } from '../test-support/servers.js';
import { testContext, testIntegration, testWorkspace } from '../test-support/workspace.js';
import { ResponseSchemaCache } from './schema-cache.js';

let sandbox: RunningSandbox;
let workspace: Workspace;
let registry: CheckRegistry;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  workspace = await exampleWorkspaceOn(sandbox.httpUrl);
  registry = createCheckRegistry();
});
afterAll(async () => {
  await registry.dispose();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const run = (declared: DeclaredCheck) => runCheck(declared, { workspace, now: Date.now, registry });

/** The example's schema check per vendor, and where the vendor's items sit in the response. */
const CHECKS: Record<VendorName, { check: string; itemPrefix: string }> = {
  payments: { check: 'payments-charges-schema', itemPrefix: '/data/*' },
  shipping: { check: 'shipping-rates-schema', itemPrefix: '/rates/*' },
  identity: { check: 'identity-userinfo-schema', itemPrefix: '' },
};

const KIND: Record<SchemaVariant, DriftKind> = {
  'field-removed': 'required-missing',
  'field-retyped': 'type-changed',
  'field-null': 'became-null',
  'new-enum-value': 'enum-value',
};

const CASES = (Object.keys(CHECKS) as VendorName[]).flatMap((vendor) =>
  SCHEMA_VARIANTS.map((variant) => [vendor, variant] as const),
);

describe('drift through the sandbox schema faults', () => {
  it('every example schema check passes without faults', async () => {
    for (const { check } of Object.values(CHECKS)) {
      expect(await run(declaredCheck(workspace, check)), check).toMatchObject({
        ok: true,
        class: 'ok',
        status: 200,
      });
    }
  });

  it.each(CASES)('%s %s drifts at the documented pointer', async (vendor, variant) => {
    sandbox.setFaults(vendor, { schema: variant });
    const result = await run(declaredCheck(workspace, CHECKS[vendor].check));
    expect(result).toMatchObject({ ok: false, class: 'schema-drift', status: 200 });
    const pointer = normalizePointer(
      `${CHECKS[vendor].itemPrefix}${SCHEMA_MUTATIONS[vendor][variant].pointer}`,
    );
    const drift = result.drift ?? [];
    expect(new Set(drift.map((entry) => normalizePointer(entry.pointer)))).toEqual(new Set([pointer]));
    expect(new Set(drift.map((entry) => entry.kind))).toEqual(new Set([KIND[variant]]));
    expect(result.message).toContain(`${KIND[variant]} ${drift[0]?.pointer}`);
  });

  it('values show only at safe fields; the same drift keeps its signature', async () => {
    sandbox.setFaults('payments', { schema: 'new-enum-value' });
    const first = await run(declaredCheck(workspace, 'payments-charges-schema'));
    // `/data/*/status` is in the endpoint's safeFields, so the new value itself is shown.
    expect(first.drift?.[0]).toMatchObject({ pointer: '/data/0/status', actual: 'disputed' });
    const again = await run(declaredCheck(workspace, 'payments-charges-schema'));
    expect(again.signature).toBe(first.signature);
    sandbox.setFaults('payments', { schema: 'field-null' });
    expect((await run(declaredCheck(workspace, 'payments-charges-schema'))).signature).not.toBe(
      first.signature,
    );
  });

  it('a non-2xx answer is classified, not validated', async () => {
    sandbox.setFaults('payments', { rejectCredentials: true });
    expect(await run(declaredCheck(workspace, 'payments-charges-schema'))).toMatchObject({
      class: 'credential',
      status: 401,
    });
    sandbox.setFaults('payments', { rejectCredentials: null, errorRate: 1 });
    expect(await run(declaredCheck(workspace, 'payments-charges-schema'))).toMatchObject({
      class: 'server-error',
    });
  });
});

describe('against a small server with its own schemas', () => {
  let server: TestServer;
  let dir: string;
  let own: CheckRegistry;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeline-schema-'));
    await writeFile(
      join(dir, 'thing.schema.json'),
      JSON.stringify({
        type: 'object',
        required: ['a'],
        properties: { a: { type: 'integer' }, s: { enum: ['x', 'y'] }, n: { type: 'string' } },
      }),
    );
    server = await startTestServer((request, response) => {
      if (request.url === '/text') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('fine');
      } else json(response, 200, { a: 1, s: 'secret-ish', extra: true });
    });
    own = createCheckRegistry();
  });
  afterAll(async () => {
    await own.dispose();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function declared(endpoint: Endpoint, strict?: boolean): { declared: DeclaredCheck; workspace: Workspace } {
    const integration = testIntegration({ baseUrl: server.url, endpoints: [endpoint] });
    const check: Check = {
      kind: 'schema',
      id: 's',
      endpoint: endpoint.id,
      ...(strict === undefined ? {} : { strict }),
    };
    return { declared: { integration, check }, workspace: testWorkspace([integration], { dir }) };
  }
  const runOwn = ({ declared: d, workspace: w }: ReturnType<typeof declared>) =>
    runCheck(d, { workspace: w, now: Date.now, registry: own });
  const thing = (fields: Partial<Endpoint> = {}): Endpoint => ({
    id: 'thing',
    method: 'GET',
    path: '/thing',
    responses: { '2XX': { schema: 'thing.schema.json' } },
    ...fields,
  });

  it('values outside safeFields are redacted to their type; strict mode reports added fields', async () => {
    const loose = await runOwn(declared(thing()));
    expect(loose.drift).toEqual([
      { pointer: '/s', kind: 'enum-value', expected: 'one of: x, y', actual: 'string' },
    ]);
    const strict = await runOwn(declared(thing(), true));
    expect(strict.drift?.map((d) => `${d.kind} ${d.pointer}`)).toEqual(
      expect.arrayContaining(['enum-value /s', 'added /extra', 'removed /n']),
    );
    const safe = await runOwn(declared(thing({ safeFields: ['/s'] })));
    expect(safe.drift?.[0]?.actual).toBe('secret-ish');
  });

  it('no schema for the status, no schema at all, an unreadable file, a non-JSON body', async () => {
    const wrongStatus = await runOwn(
      declared(thing({ responses: { '201': { schema: 'thing.schema.json' } } })),
    );
    expect(wrongStatus).toMatchObject({ class: 'assertion', errorCode: 'no-response-schema', status: 200 });
    expect(wrongStatus.message).toContain('no response schema for 200 (declared: 201)');
    const { responses: _none, ...bare } = thing();
    expect(await runOwn(declared(bare))).toMatchObject({
      class: 'assertion',
      errorCode: 'no-response-schema',
    });
    const missing = await runOwn(declared(thing({ responses: { '200': { schema: 'nope.json' } } })));
    expect(missing).toMatchObject({ class: 'assertion', errorCode: 'schema-invalid' });
    const text = await runOwn(declared(thing({ path: '/text' })));
    expect(text).toMatchObject({ class: 'assertion', errorCode: 'body-not-json' });
  });
});

describe('ResponseSchemaCache', () => {
  it('loads and compiles once per schema; failures are retried', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeline-cache-'));
    try {
      const integration = testIntegration({ baseUrl: 'http://unused' });
      const { resolvePath } = testContext(integration, { baseDir: dir });
      const cache = new ResponseSchemaCache();
      const endpoint: Endpoint = {
        id: 'e',
        method: 'GET',
        path: '/',
        responses: { default: { schema: 's.json' } },
      };
      const absent = await cache.lookup(endpoint, 200, resolvePath);
      expect(absent.ok).toBe(false);
      expect(cache.size).toBe(0);
      await writeFile(join(dir, 's.json'), '{"type":"object"}');
      const first = await cache.lookup(endpoint, 200, resolvePath);
      const second = await cache.lookup(endpoint, 503, resolvePath);
      expect(first.ok && second.ok && first.compiled === second.compiled).toBe(true);
      expect(cache.size).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
