// The static part of a request is planned once for a loaded (frozen) declaration, while secrets are still
// resolved on every run; and a connection lost mid-body is a transport failure, not a hang.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Integration } from '../../workspace/model.js';
import { startTestServer, type TestServer } from '../test-support/servers.js';
import { testContext, testIntegration } from '../test-support/workspace.js';
import { prepareRequest } from './build-request.js';
import { closeRequestDeps, createRequestDeps, type RequestDeps } from './request-deps.js';
import { sendRequest } from './send.js';

let deps: RequestDeps;
let server: TestServer;
let agent: Agent;

beforeAll(async () => {
  deps = createRequestDeps();
  agent = new Agent();
  server = await startTestServer((_request, response) => {
    // Promises 100 bytes, sends 10, then drops the connection.
    response.writeHead(200, { 'content-length': '100' });
    response.write('0123456789');
    setTimeout(() => response.socket?.destroy(), 10);
  });
});
afterAll(async () => {
  await closeRequestDeps(deps);
  await agent.destroy();
  await server.close();
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('a planned request', () => {
  const endpoint: Endpoint = { id: 'get', method: 'GET', path: '/v1/charges/{id}' };
  const integration: Integration = deepFreeze(
    testIntegration({
      baseUrl: 'https://api.example.test/pay',
      auth: { type: 'bearer', token: { source: 'env', name: 'TOKEN' } },
      apiVersion: { value: '2024-06-20', in: 'header', name: 'Pay-Version' },
      endpoints: [endpoint],
    }),
  );
  const target = deepFreeze({
    integration,
    endpoint: integration.endpoints[0]!,
    request: { pathParams: { id: 'ch_1' } },
  });

  it('resolves the secret anew on every run', async () => {
    const first = await prepareRequest(target, testContext(integration, { env: { TOKEN: 'tok-1' } }), deps);
    const second = await prepareRequest(target, testContext(integration, { env: { TOKEN: 'tok-2' } }), deps);
    expect(first.ok && first.request.headers.authorization).toBe('Bearer tok-1');
    expect(second.ok && second.request.headers.authorization).toBe('Bearer tok-2');
    expect(second.ok && second.request.sensitive).toEqual(['tok-2']);
    expect(second.ok && second.request.url.href).toBe('https://api.example.test/pay/v1/charges/ch_1');
    expect(second.ok && second.request.headers['Pay-Version']).toBe('2024-06-20');
  });

  it('gives each run its own headers', async () => {
    const context = testContext(integration, { env: { TOKEN: 'tok' } });
    const a = await prepareRequest(target, context, deps);
    const b = await prepareRequest(target, context, deps);
    if (!a.ok || !b.ok) throw new Error('not prepared');
    a.request.headers['x-changed'] = 'yes';
    expect(b.request.headers['x-changed']).toBeUndefined();
  });
});

describe('sendRequest', () => {
  it('a connection lost mid-body is unreachable and keeps the status', async () => {
    const sent = await sendRequest(
      { method: 'GET', url: new URL(`${server.url}/cut`), headers: {}, dispatcher: agent },
      { signal: new AbortController().signal, timeoutMs: 1000, maxBytes: 1000 },
    );
    expect(sent).toMatchObject({ ok: false, outcome: { class: 'unreachable', status: 200 } });
  });
});
