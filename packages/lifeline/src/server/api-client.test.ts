/**
 * The API client's failure modes against small real servers on loopback: a daemon too slow to answer, a problem
 * type this version does not know, and a request whose path and query are encoded for the server's routes.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiProblemError } from './api-client.js';
import { ApiClientError, createApiClient, isApiClientError, isApiProblemError } from './api-client.js';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );
}

describe('createApiClient', () => {
  it('a daemon that does not answer in time → ApiClientError timeout', async () => {
    const baseUrl = await serve(() => {
      // Never answers.
    });
    const client = createApiClient({ baseUrl, timeoutMs: 100 });
    try {
      const error = await failure(client.listIncidents());
      expect(isApiClientError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'timeout', baseUrl, reason: 'no answer within 100 ms' });
    } finally {
      await client.close();
    }
  });

  it('a problem of an unknown type → ApiProblemError without a kind, the problem kept whole', async () => {
    const problem = {
      type: 'https://lifeline.dev/problems/rate-limited',
      title: 'Slow down',
      status: 429,
      detail: 'x',
    };
    const baseUrl = await serve((_req, res) =>
      res.writeHead(429, { 'content-type': 'application/problem+json' }).end(JSON.stringify(problem)),
    );
    const client = createApiClient({ baseUrl });
    try {
      const error = await failure(client.getIncident('INC-1'));
      expect(isApiProblemError(error)).toBe(true);
      expect((error as ApiProblemError).kind).toBeUndefined();
      expect((error as ApiProblemError).problem).toEqual(problem);
    } finally {
      await client.close();
    }
  });

  it('encodes ids, steps and the query; sends JSON bodies only on commands', async () => {
    const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
    const baseUrl = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
      });
    });
    const client = createApiClient({ baseUrl: `${baseUrl}/` });
    try {
      await client.listIncidents({ status: 'triggered', integration: 'pay ments', limit: 5 });
      await client.command('step-done', 'INC/1', { actor: 'alice' }, 'call vendor');
      await client.command('approve', 'INC-1', { actor: 'alice', step: 's1' });
    } finally {
      await client.close();
    }
    expect(seen).toEqual([
      { method: 'GET', url: '/api/v1/incidents?status=triggered&integration=pay+ments&limit=5', body: '' },
      {
        method: 'POST',
        url: '/api/v1/incidents/INC%2F1/steps/call%20vendor/done',
        type: 'application/json',
        body: '{"actor":"alice"}',
      },
      {
        method: 'POST',
        url: '/api/v1/incidents/INC-1/approve',
        type: 'application/json',
        body: '{"actor":"alice","step":"s1"}',
      },
    ]);
  });

  it('errors are recognised by name, as across module copies', () => {
    const copy = Object.assign(new Error('x'), { name: 'ApiClientError' });
    expect(isApiClientError(copy)).toBe(true);
    expect(
      isApiClientError(new ApiClientError('unreachable', 'http://x', 'ECONNREFUSED', { cause: null })),
    ).toBe(true);
    expect(isApiProblemError(copy)).toBe(false);
  });
});
