// Building requests without the network: URL, query, headers, body, auth variants, and clear outcomes for
// a missing path parameter, an unresolvable secret and an unreadable CA bundle.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Auth, Endpoint, Integration } from '../../workspace/model.js';
import { testContext, testIntegration } from '../test-support/workspace.js';
import { prepareRequest, type Prepared, type RequestOverrides } from './build-request.js';
import { closeRequestDeps, createRequestDeps, type RequestDeps } from './request-deps.js';

const endpoint: Endpoint = { id: 'get-charge', method: 'GET', path: '/v1/charges/{id}' };
let deps: RequestDeps;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-build-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await closeRequestDeps(deps);
});

async function prepare(
  integration: Integration,
  request?: RequestOverrides,
  env?: Record<string, string>,
): Promise<Prepared> {
  deps = createRequestDeps();
  const context = testContext(integration, { baseDir: dir, ...(env === undefined ? {} : { env }) });
  return prepareRequest(
    { integration, endpoint, ...(request === undefined ? {} : { request }) },
    context,
    deps,
  );
}

function withAuth(auth: Auth, fields: Partial<Integration> = {}): Integration {
  return testIntegration({ baseUrl: 'https://api.example.test/pay', auth, endpoints: [endpoint], ...fields });
}

describe('prepareRequest', () => {
  it('builds URL, query, headers and JSON body', async () => {
    const prepared = await prepare(
      withAuth({ type: 'none' }, { apiVersion: { value: '7', in: 'query', name: 'v' } }),
      {
        pathParams: { id: 'ch_1' },
        query: { expand: 'customer' },
        headers: { 'X-Trace': 't1' },
        body: { amount: 1 },
      },
    );
    if (!prepared.ok) throw new Error(prepared.outcome.message);
    const r = prepared.request;
    expect(r.url.href).toBe('https://api.example.test/pay/v1/charges/ch_1?expand=customer&v=7');
    expect(r.headers).toEqual({
      'X-Trace': 't1',
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(r.body).toBe('{"amount":1}');
    expect(r.sensitive).toEqual([]);
  });

  it('a missing path parameter is an assertion outcome naming it', async () => {
    const prepared = await prepare(withAuth({ type: 'none' }));
    expect(prepared.ok).toBe(false);
    if (prepared.ok) return;
    expect(prepared.outcome).toMatchObject({ class: 'assertion', errorCode: 'path-param-missing' });
    expect(prepared.outcome.message).toContain('{id}');
  });

  it('api-key in a header or the query, bearer and basic', async () => {
    const params = { pathParams: { id: 'x' } };
    const header = await prepare(
      withAuth({
        type: 'api-key',
        in: 'header',
        name: 'X-Api-Key',
        key: { source: 'literal', value: 'k-123' },
      }),
      params,
    );
    expect(header.ok && header.request.headers['X-Api-Key']).toBe('k-123');
    const query = await prepare(
      withAuth({ type: 'api-key', in: 'query', name: 'key', key: { source: 'env', name: 'KEY' } }),
      params,
      { KEY: 'q 1' },
    );
    expect(query.ok && query.request.url.search).toBe('?key=q+1');
    expect(query.ok && query.request.sensitive).toEqual(['q 1']);
    const bearer = await prepare(
      withAuth({ type: 'bearer', token: { source: 'literal', value: 'tok' } }),
      params,
    );
    expect(bearer.ok && bearer.request.headers.authorization).toBe('Bearer tok');
    const basic = await prepare(
      withAuth({ type: 'basic', username: 'u', password: { source: 'literal', value: 'p:w' } }),
      params,
    );
    expect(basic.ok && basic.request.headers.authorization).toBe(
      `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    );
  });

  it('auth replaces a header the check set in another case', async () => {
    const prepared = await prepare(withAuth({ type: 'bearer', token: { source: 'literal', value: 'tok' } }), {
      pathParams: { id: 'x' },
      headers: { Authorization: 'Bearer other' },
    });
    expect(prepared.ok && prepared.request.headers).toEqual({
      accept: 'application/json',
      authorization: 'Bearer tok',
    });
  });

  it('an unresolvable secret is a credential outcome naming the reference only', async () => {
    const prepared = await prepare(
      withAuth({ type: 'bearer', token: { source: 'env', name: 'MISSING_TOKEN' } }),
      { pathParams: { id: 'x' } },
      {},
    );
    expect(prepared.ok).toBe(false);
    if (prepared.ok) return;
    expect(prepared.outcome).toMatchObject({ class: 'credential', errorCode: 'secret-unresolved' });
    expect(prepared.outcome.message).toContain('MISSING_TOKEN');
  });

  it('reads the CA bundle relative to the declaring file; an unreadable one is an assertion', async () => {
    await writeFile(join(dir, 'ca.pem'), 'not really a certificate');
    const ok = await prepare(
      withAuth({ type: 'none' }, { tls: { ca: 'ca.pem', servername: 'api.example.test' } }),
      { pathParams: { id: 'x' } },
    );
    expect(ok.ok).toBe(true);
    expect(deps.agents.size).toBe(1);
    const missing = await prepare(withAuth({ type: 'none' }, { tls: { ca: 'nope.pem' } }), {
      pathParams: { id: 'x' },
    });
    expect(missing.ok === false && missing.outcome).toMatchObject({
      class: 'assertion',
      errorCode: 'ca-unreadable',
    });
  });

  it('mTLS material is resolved and kept out of the request headers', async () => {
    await writeFile(join(dir, 'client.key'), 'KEY-MATERIAL\n');
    const prepared = await prepare(
      withAuth({
        type: 'mtls',
        certificate: { source: 'literal', value: 'CERT' },
        key: { source: 'file', name: 'client.key' },
      }),
      { pathParams: { id: 'x' } },
    );
    expect(prepared.ok && prepared.request.sensitive).toEqual(['KEY-MATERIAL']);
    expect(prepared.ok && prepared.request.headers).toEqual({ accept: 'application/json' });
  });
});
