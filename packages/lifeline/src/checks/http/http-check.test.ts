// The http kind through runCheck against real servers on 127.0.0.1: what reaches the server (version in
// header/path/query, api-key in the query, basic auth, path params, body), and how responses are judged
// (statuses, headers, body assertions, latency thresholds, oversized and non-JSON bodies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, Endpoint, Integration } from '../../workspace/model.js';
import type { CheckResult } from '../check-result.js';
import { createCheckRegistry, type CheckRegistry } from '../registry.js';
import { runCheck } from '../runner.js';
import { json, startTestServer, type TestServer } from '../test-support/servers.js';
import { testIntegration, testWorkspace } from '../test-support/workspace.js';

type HttpCheck = Extract<Check, { kind: 'http' }>;

const charge = {
  object: 'charge',
  id: 'ch_1',
  amount: 2000,
  currency: 'usd',
  email: 'ada@example.test',
  items: [{ sku: 'a1' }],
};
let server: TestServer;
let registry: CheckRegistry;

beforeAll(async () => {
  registry = createCheckRegistry();
  server = await startTestServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path.endsWith('/html')) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>maintenance</html>');
    } else if (path.endsWith('/big')) {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000' });
      response.end('x'.repeat(5000));
    } else if (path.endsWith('/stream')) {
      // Chunked: no content-length, so the cap must stop the download itself.
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 20; i++) response.write('x'.repeat(500));
      response.end();
    } else if (path.endsWith('/missing')) {
      json(response, 404, { error: 'not found' });
    } else {
      json(response, 200, charge, { 'x-version': 'v1' });
    }
  });
});
afterAll(async () => {
  await registry.dispose();
  await server.close();
});

const endpoints: Endpoint[] = [
  { id: 'charge', method: 'GET', path: '/v1/charges/{id}', safeFields: ['/object', '/items/*/sku'] },
  { id: 'create', method: 'POST', path: '/v1/charges' },
  { id: 'html', method: 'GET', path: '/html' },
  { id: 'big', method: 'GET', path: '/big', maxResponseSize: 1000 },
  { id: 'stream', method: 'GET', path: '/stream', maxResponseSize: 1000 },
  { id: 'missing', method: 'GET', path: '/missing' },
];

function vendor(fields: Partial<Integration> = {}): Integration {
  return testIntegration({ baseUrl: `${server.url}/api`, endpoints, ...fields });
}

async function run(
  check: Omit<HttpCheck, 'kind' | 'id'>,
  integration: Integration = vendor(),
): Promise<CheckResult> {
  const declared = { integration, check: { kind: 'http', id: 'c', ...check } as HttpCheck };
  return runCheck(declared, { workspace: testWorkspace([integration]), now: Date.now, registry });
}

function lastRequest() {
  const last = server.requests.at(-1);
  if (last === undefined) throw new Error('no request reached the server');
  return last;
}

describe('what reaches the server', () => {
  it('path params are filled and encoded under the base path; query and headers are sent', async () => {
    const result = await run({
      endpoint: 'charge',
      request: { pathParams: { id: 'ch 1' }, query: { expand: 'x' }, headers: { 'x-trace': 't' } },
    });
    expect(result).toMatchObject({ ok: true, class: 'ok', status: 200, attempts: 1 });
    expect(lastRequest()).toMatchObject({ method: 'GET', url: '/api/v1/charges/ch%201?expand=x' });
    expect(lastRequest().headers).toMatchObject({ 'x-trace': 't', accept: 'application/json' });
  });

  it.each([
    [
      { value: '2024-06-20', in: 'header', name: 'Pay-Version' } as const,
      (r: ReturnType<typeof lastRequest>) => r.headers['pay-version'],
      '2024-06-20',
    ],
    [
      { value: 'v9', in: 'path' } as const,
      (r: ReturnType<typeof lastRequest>) => r.url,
      '/api/v9/v1/charges/1',
    ],
    [
      { value: '2025-01-01', in: 'query', name: 'api-version' } as const,
      (r: ReturnType<typeof lastRequest>) => r.url,
      '/api/v1/charges/1?api-version=2025-01-01',
    ],
  ])('the API version %j reaches the server', async (apiVersion, read, expected) => {
    const result = await run(
      { endpoint: 'charge', request: { pathParams: { id: '1' } } },
      vendor({ apiVersion }),
    );
    expect(result.class).toBe('ok');
    expect(read(lastRequest())).toBe(expected);
  });

  it('an api-key in the query and basic auth', async () => {
    const key = vendor({
      auth: { type: 'api-key', in: 'query', name: 'key', key: { source: 'literal', value: 'qk_123' } },
    });
    await run({ endpoint: 'charge', request: { pathParams: { id: '1' } } }, key);
    expect(lastRequest().url).toBe('/api/v1/charges/1?key=qk_123');
    const basic = vendor({
      auth: { type: 'basic', username: 'ada', password: { source: 'literal', value: 'pa ss' } },
    });
    await run({ endpoint: 'charge', request: { pathParams: { id: '1' } } }, basic);
    expect(lastRequest().headers.authorization).toBe(`Basic ${Buffer.from('ada:pa ss').toString('base64')}`);
  });

  it('a JSON body with its content type', async () => {
    await run({ endpoint: 'create', request: { body: { amount: 5, currency: 'eur' } } });
    expect(lastRequest()).toMatchObject({ method: 'POST', body: '{"amount":5,"currency":"eur"}' });
    expect(lastRequest().headers['content-type']).toBe('application/json');
  });

  it('a missing path parameter is an assertion, before any request', async () => {
    const before = server.requests.length;
    const result = await run({ endpoint: 'charge' });
    expect(result).toMatchObject({ class: 'assertion', errorCode: 'path-param-missing', attempts: 1 });
    expect(server.requests.length).toBe(before);
  });

  it('an undeclared endpoint is an assertion', async () => {
    const result = await run({ endpoint: 'nope' });
    expect(result).toMatchObject({ class: 'assertion', errorCode: 'endpoint-undeclared' });
  });
});

describe('judging the response', () => {
  const charge1 = { pathParams: { id: '1' } };

  it('body assertions: equals, exists, matches', async () => {
    const result = await run({
      endpoint: 'charge',
      request: charge1,
      expect: {
        status: [200],
        headers: { 'X-Version': 'v1' },
        body: [
          { pointer: '/object', equals: 'charge' },
          { pointer: '/amount', exists: true },
          { pointer: '/refunded', exists: false },
          { pointer: '/id', matches: '^ch_' },
          { pointer: '/items/0', equals: { sku: 'a1' } },
        ],
      },
    });
    expect(result).toMatchObject({ ok: true, class: 'ok' });
  });

  it('failed assertions show values only at safe fields', async () => {
    const result = await run({
      endpoint: 'charge',
      request: charge1,
      expect: {
        body: [
          { pointer: '/object', equals: 'list' },
          { pointer: '/email', equals: 'grace@example.test' },
          { pointer: '/email', matches: '^nobody' },
          { pointer: '/gone', exists: true },
        ],
      },
    });
    expect(result).toMatchObject({
      ok: false,
      class: 'assertion',
      errorCode: 'assertion-failed',
      status: 200,
    });
    expect(result.message).toContain('4 assertions failed: /object is "charge", expected "list"');
    expect(result.message).toContain('/email is a different string');
    expect(result.message).toContain('/email is a string, which does not match /^nobody/');
    expect(result.message).not.toContain('ada@example.test');
    expect(result.message).toContain('(+1 more)');
  });

  it('a header mismatch is an assertion', async () => {
    const result = await run({
      endpoint: 'charge',
      request: charge1,
      expect: { headers: { 'x-version': 'v2' } },
    });
    expect(result).toMatchObject({ class: 'assertion' });
    expect(result.message).toBe('assertion failed: header x-version is "v1", expected "v2"');
  });

  it('an unexpected status is classified; an expected 404 passes', async () => {
    expect(await run({ endpoint: 'missing' })).toMatchObject({ class: 'client-error', status: 404 });
    expect(await run({ endpoint: 'missing', expect: { status: [404] } })).toMatchObject({
      class: 'ok',
      status: 404,
    });
    expect(await run({ endpoint: 'charge', request: charge1, expect: { status: [201] } })).toMatchObject({
      class: 'client-error',
    });
  });

  it('latency above degradedLatency or maxLatency is slow, with different codes', async () => {
    // Thresholds of 0 ms make any real request "slow" without depending on how fast the machine is.
    const degraded = await run({
      endpoint: 'charge',
      request: charge1,
      expect: { degradedLatency: 0, maxLatency: 60_000 },
    });
    expect(degraded).toMatchObject({ ok: false, class: 'slow', errorCode: 'latency-degraded' });
    expect(degraded.message).toMatch(/^200 took \d+ms, above degradedLatency 0ms$/);
    const max = await run({
      endpoint: 'charge',
      request: charge1,
      expect: { degradedLatency: 0, maxLatency: 0 },
    });
    expect(max).toMatchObject({ class: 'slow', errorCode: 'latency-max-exceeded' });
    expect(max.message).toContain('exceeded maxLatency');
    expect(max.signature).not.toBe(degraded.signature);
  });

  it('an oversized body is an assertion, by content-length or while streaming', async () => {
    const declared = await run({ endpoint: 'big' });
    expect(declared).toMatchObject({ class: 'assertion', errorCode: 'response-too-large', status: 200 });
    expect(declared.message).toContain('5000 bytes, the limit is 1000 bytes');
    const streamed = await run({ endpoint: 'stream' });
    expect(streamed).toMatchObject({ class: 'assertion', errorCode: 'response-too-large' });
  });

  it('a non-JSON body where JSON is expected is an assertion naming the content type', async () => {
    const result = await run({ endpoint: 'html', expect: { body: [{ pointer: '/ok', exists: true }] } });
    expect(result).toMatchObject({ class: 'assertion', errorCode: 'body-not-json', status: 200 });
    expect(result.message).toContain('content-type text/html');
    // Without body assertions the body is not parsed, so the page passes.
    expect(await run({ endpoint: 'html' })).toMatchObject({ class: 'ok' });
  });
});
