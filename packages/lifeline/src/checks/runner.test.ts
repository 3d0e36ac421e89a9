// runCheck end to end against real servers: class-aware retries (401 never, 503 `attempts` times, 429 after
// Retry-After), refused ports, hangs against the timeout, OAuth2 token reuse across checks, internal errors,
// abort, and the promise that no secret ever reaches a result message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import type { Check, DeclaredCheck, Integration } from '../workspace/model.js';
import type { CheckKindRunner } from './check-kind.js';
import type { CheckResult } from './check-result.js';
import { createCheckRegistry, type CheckRegistry } from './registry.js';
import { runCheck, type RunCheckDeps } from './runner.js';
import { json, refusedPort, startTestServer } from './test-support/servers.js';
import { fakeClock, recordingSleep, testIntegration, testWorkspace } from './test-support/workspace.js';

let sandbox: RunningSandbox;
let registry: CheckRegistry;
// The sandbox runs on a clock the OAuth2 test moves, so its tokens expire without waiting an hour.
const clock = fakeClock(Date.now());

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null, now: () => clock.now() });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(async () => {
  sandbox.reset();
  await registry?.dispose();
  registry = createCheckRegistry();
});

function payments(fields: Partial<Integration> = {}): Integration {
  return testIntegration({
    id: 'payments',
    baseUrl: `${sandbox.httpUrl}/payments`,
    auth: { type: 'bearer', token: { source: 'literal', value: 'sk_test_lifeline' } },
    endpoints: [{ id: 'list', method: 'GET', path: '/v1/charges' }],
    ...fields,
  });
}

function httpCheck(fields: Partial<Extract<Check, { kind: 'http' }>> = {}): Check {
  return { kind: 'http', id: 'up', endpoint: 'list', ...fields };
}

async function run(declared: DeclaredCheck, deps: Partial<RunCheckDeps> = {}): Promise<CheckResult> {
  return runCheck(declared, {
    workspace: testWorkspace([declared.integration]),
    now: Date.now,
    registry,
    ...deps,
  });
}

describe('class-aware retries', () => {
  it('401 from the sandbox is class credential and is not retried', async () => {
    sandbox.setFaults('payments', { rejectCredentials: true });
    const { sleep, waits } = recordingSleep();
    const result = await run(
      { integration: payments(), check: httpCheck({ retries: { attempts: 3 } }) },
      { sleep },
    );
    expect(result).toMatchObject({ ok: false, class: 'credential', status: 401, attempts: 1 });
    expect(waits).toEqual([]);
    expect(sandbox.requests.count('payments')).toBe(1);
  });

  it('503 is retried `attempts` times with exponential backoff', async () => {
    sandbox.setFaults('payments', { errorRate: 1 });
    const { sleep, waits } = recordingSleep();
    const check = httpCheck({ retries: { attempts: 3, backoff: 500 } });
    const result = await run({ integration: payments(), check }, { sleep });
    expect(result).toMatchObject({ class: 'server-error', status: 503, attempts: 4 });
    expect(result.message).toContain('(after 4 attempts)');
    expect(waits).toEqual([500, 1000, 2000]);
    expect(sandbox.requests.count('payments')).toBe(4);
  });

  it('a retry that succeeds gives an ok result with the attempts it took', async () => {
    let calls = 0;
    const server = await startTestServer((_request, response) => {
      calls += 1;
      if (calls === 1) json(response, 502, { error: 'bad gateway' });
      else json(response, 200, { ok: true });
    });
    try {
      const integration = payments({ baseUrl: server.url, auth: { type: 'none' } });
      const { sleep, waits } = recordingSleep();
      const result = await run({ integration, check: httpCheck({ retries: { attempts: 2 } }) }, { sleep });
      expect(result).toMatchObject({ ok: true, class: 'ok', attempts: 2 });
      expect(waits).toEqual([1000]);
    } finally {
      await server.close();
    }
  });

  it('429 with Retry-After is rate-limited and the retry waits exactly Retry-After', async () => {
    sandbox.setFaults('payments', { rateLimit: { burst: 0, retryAfterSeconds: 7 } });
    const { sleep, waits } = recordingSleep();
    const result = await run(
      { integration: payments(), check: httpCheck({ retries: { attempts: 1, backoff: 100 } }) },
      { sleep },
    );
    expect(result).toMatchObject({ class: 'rate-limited', status: 429, retryAfterMs: 7000, attempts: 2 });
    expect(waits).toEqual([7000]);
  });

  it('a Retry-After longer than the check interval ends the run instead of retrying early', async () => {
    sandbox.setFaults('payments', { rateLimit: { burst: 0, retryAfterSeconds: 120 } });
    const { sleep, waits } = recordingSleep();
    const check = httpCheck({ every: 60_000, retries: { attempts: 2 } });
    const result = await run({ integration: payments(), check }, { sleep });
    expect(result).toMatchObject({ class: 'rate-limited', retryAfterMs: 120_000, attempts: 1 });
    expect(waits).toEqual([]);
  });

  it('a refused port is unreachable, and retried', async () => {
    const port = await refusedPort();
    const { sleep, waits } = recordingSleep();
    const integration = payments({ baseUrl: `http://127.0.0.1:${port}` });
    const result = await run(
      { integration, check: httpCheck({ retries: { attempts: 2, backoff: 10 } }) },
      { sleep },
    );
    expect(result).toMatchObject({ ok: false, class: 'unreachable', errorCode: 'ECONNREFUSED', attempts: 3 });
    expect(result.message).toContain(`connection refused by 127.0.0.1:${port}`);
    expect(waits).toEqual([10, 20]);
  });

  it('an unresolvable host is unreachable', async () => {
    // `.invalid` never resolves (RFC 6761); the long timeout keeps a slow resolver from turning it into a timeout.
    const integration = payments({ baseUrl: 'http://lifeline-check.invalid' });
    const result = await run({ integration, check: httpCheck({ timeout: 25_000 }) });
    expect(result.class).toBe('unreachable');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(result.errorCode);
  });
});

describe('timeouts and abort', () => {
  it('a hanging vendor times out', async () => {
    sandbox.setFaults('payments', { hang: true });
    const result = await run({ integration: payments(), check: httpCheck({ timeout: 200 }) });
    expect(result).toMatchObject({
      ok: false,
      class: 'timeout',
      attempts: 1,
      message: 'no response within 200ms',
    });
    expect(result.status).toBeUndefined();
  });

  it('a kind that ignores its signal is still cut off by the timeout', async () => {
    const stuck: CheckKindRunner<'http'> = { kind: 'http', run: () => new Promise(() => undefined) };
    const own = createCheckRegistry([stuck]);
    try {
      const result = await run(
        { integration: payments(), check: httpCheck({ timeout: 50 }) },
        { registry: own },
      );
      expect(result).toMatchObject({ class: 'timeout', message: 'no response within 50ms' });
    } finally {
      await own.dispose();
    }
  });

  it('aborting the run stops retry waits', async () => {
    sandbox.setFaults('payments', { errorRate: 1 });
    const controller = new AbortController();
    const sleep = async (): Promise<void> => controller.abort();
    const result = await run(
      { integration: payments(), check: httpCheck({ retries: { attempts: 5 } }) },
      { sleep, signal: controller.signal },
    );
    expect(result).toMatchObject({ class: 'server-error', attempts: 1 });
  });
});

describe('OAuth2 across checks', () => {
  it('the token is minted once, reused by other checks, and minted again after expiry', async () => {
    const integration = testIntegration({
      id: 'identity',
      baseUrl: `${sandbox.httpUrl}/identity`,
      auth: {
        type: 'oauth2-client-credentials',
        tokenUrl: `${sandbox.httpUrl}/identity/oauth/token`,
        clientId: 'lifeline-sandbox',
        clientSecret: { source: 'literal', value: 'id_secret_lifeline' },
        scopes: ['profile', 'users.read'],
      },
      apiVersion: { value: '2025-01-01', in: 'query', name: 'api-version' },
      endpoints: [
        { id: 'userinfo', method: 'GET', path: '/v1/userinfo' },
        { id: 'user', method: 'GET', path: '/v1/users/{id}' },
      ],
    });
    const deps = { now: clock.now };
    const userinfo: Check = { kind: 'http', id: 'a', endpoint: 'userinfo' };
    const user: Check = {
      kind: 'http',
      id: 'b',
      endpoint: 'user',
      request: { pathParams: { id: 'usr_2b7KqXcAdaL0velace' } },
    };
    expect(await run({ integration, check: userinfo }, deps)).toMatchObject({ class: 'ok', status: 200 });
    expect(await run({ integration, check: user }, deps)).toMatchObject({ class: 'ok', status: 200 });
    expect(sandbox.requests.count('identity', 'POST /identity/oauth/token')).toBe(1);
    clock.advance(3_600_000);
    expect(await run({ integration, check: userinfo }, deps)).toMatchObject({ class: 'ok' });
    expect(sandbox.requests.count('identity', 'POST /identity/oauth/token')).toBe(2);
  });

  it('a token the API refuses is dropped, so the next run mints a new one', async () => {
    let minted = 0;
    const server = await startTestServer((request, response) => {
      if (request.url === '/token') {
        minted += 1;
        json(response, 200, { access_token: `tok-${minted}`, token_type: 'Bearer', expires_in: 3600 });
      } else if (request.headers.authorization === 'Bearer tok-1') {
        json(response, 401, { error: 'invalid_token' });
      } else json(response, 200, { ok: true });
    });
    try {
      const integration = testIntegration({
        baseUrl: server.url,
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: `${server.url}/token`,
          clientId: 'c',
          clientSecret: { source: 'literal', value: 'client-secret' },
        },
        endpoints: [{ id: 'me', method: 'GET', path: '/me' }],
      });
      const check: Check = { kind: 'http', id: 'a', endpoint: 'me' };
      expect(await run({ integration, check })).toMatchObject({ class: 'credential', status: 401 });
      expect(await run({ integration, check })).toMatchObject({ class: 'ok', status: 200 });
      expect(minted).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('result fields', () => {
  it('fills times, attempts and a signature stable across runs', async () => {
    const clock = fakeClock();
    const declared = { integration: payments(), check: httpCheck() };
    const first = await run(declared, { now: clock.now, scheduledAt: clock.now() - 250 });
    expect(first).toMatchObject({
      integration: 'payments',
      check: 'up',
      kind: 'http',
      ok: true,
      class: 'ok',
      status: 200,
      attempts: 1,
      startedAt: clock.now(),
      scheduledAt: clock.now() - 250,
    });
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await run(declared)).signature).toBe(first.signature);
  });

  it('an exception in a kind becomes class assertion with `internal error`, and is not retried', async () => {
    const broken: CheckKindRunner<'http'> = {
      kind: 'http',
      run: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    };
    const own = createCheckRegistry([broken]);
    try {
      const result = await run(
        { integration: payments(), check: httpCheck({ retries: { attempts: 3 } }) },
        { registry: own },
      );
      expect(result).toMatchObject({ class: 'assertion', errorCode: 'internal', attempts: 1 });
      expect(result.message).toBe('internal error: cannot read properties of undefined');
    } finally {
      await own.dispose();
    }
  });

  it('without a registry a private one is used and closed', async () => {
    const declared = { integration: payments(), check: httpCheck() };
    const result = await runCheck(declared, {
      workspace: testWorkspace([declared.integration]),
      now: Date.now,
    });
    expect(result.class).toBe('ok');
  });

  it('the tls kind is loaded from checks/tls on first use', async () => {
    expect((await registry.runnerFor('tls'))?.kind).toBe('tls');
    const none = createCheckRegistry([], { lazyTls: false });
    expect(await none.runnerFor('tls')).toBeUndefined();
    await none.dispose();
  });
});

describe('secrets never appear in a result message', () => {
  const SENTINEL = 'sk_sentinel_5f3a9c1e7b';

  it('not when the vendor echoes the credential back, nor when a kind puts it in its message', async () => {
    const server = await startTestServer((request, response) => {
      // A vendor that reflects what it got: in a header and in the error text.
      json(
        response,
        400,
        { error: `bad key ${request.headers['x-api-key'] as string}` },
        { 'x-echo': String(request.headers['x-api-key']) },
      );
    });
    try {
      const integration = payments({
        baseUrl: server.url,
        auth: {
          type: 'api-key',
          in: 'header',
          name: 'X-Api-Key',
          key: { source: 'env', name: 'SENTINEL_KEY' },
        },
      });
      const env = { SENTINEL_KEY: SENTINEL };
      const results = [
        await run(
          { integration, check: httpCheck({ expect: { status: [400], headers: { 'x-echo': 'nothing' } } }) },
          { env },
        ),
        await run({ integration, check: httpCheck() }, { env }),
      ];
      const leaky: CheckKindRunner<'http'> = {
        kind: 'http',
        run: async (_check, context) => {
          const key = await context.resolveSecret({ source: 'env', name: 'SENTINEL_KEY' });
          return { class: 'assertion', message: `key was ${key}, encoded ${encodeURIComponent(key)}` };
        },
      };
      const own = createCheckRegistry([leaky]);
      results.push(await run({ integration, check: httpCheck() }, { env, registry: own }));
      await own.dispose();
      expect(results.map((r) => r.class)).toEqual(['assertion', 'client-error', 'assertion']);
      expect(results[0]?.message).toContain('header x-echo is "<redacted>"');
      for (const result of results) expect(JSON.stringify(result)).not.toContain(SENTINEL);
    } finally {
      await server.close();
    }
  });

  it('not when a token endpoint echoes the client secret', async () => {
    const server = await startTestServer((request, response) => {
      json(response, 401, { error: 'invalid_client', error_description: `secret ${request.body} is wrong` });
    });
    try {
      const integration = testIntegration({
        baseUrl: server.url,
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: `${server.url}/token`,
          clientId: 'client',
          clientSecret: { source: 'literal', value: SENTINEL },
          clientAuth: 'body',
        },
      });
      const result = await run({ integration, check: { kind: 'credential', id: 'cred' } });
      expect(result).toMatchObject({ class: 'credential', errorCode: 'invalid_client' });
      expect(result.message).toContain('<redacted>');
      expect(JSON.stringify(result)).not.toContain(SENTINEL);
    } finally {
      await server.close();
    }
  });
});
