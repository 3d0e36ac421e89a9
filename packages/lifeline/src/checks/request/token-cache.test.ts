// The OAuth2 token cache against the sandbox identity provider: minted once and reused, minted again after
// expiry on a fake clock shared with the sandbox, both client auth methods, refused clients, shared mints.
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js';
import type { SecretReference } from '../../workspace/values.js';
import { fakeClock, type FakeClock } from '../test-support/workspace.js';
import type { OAuth2ClientCredentials } from './oauth-token-request.js';
import { TokenCache, type TokenContext } from './token-cache.js';

const TOKEN_ROUTE = 'POST /identity/oauth/token';
let sandbox: RunningSandbox;
let clock: FakeClock;
const dispatcher = new Agent();

beforeAll(async () => {
  clock = fakeClock(Date.now());
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null, now: () => clock.now() });
});
afterAll(async () => {
  await dispatcher.destroy();
  await sandbox.close();
});

function auth(fields: Partial<OAuth2ClientCredentials> = {}): OAuth2ClientCredentials {
  return {
    type: 'oauth2-client-credentials',
    tokenUrl: `${sandbox.httpUrl}/identity/oauth/token`,
    clientId: 'lifeline-sandbox',
    clientSecret: { source: 'literal', value: 'id_secret_lifeline' },
    scopes: ['profile', 'users.read'],
    ...fields,
  };
}

function context(): TokenContext {
  return {
    now: clock.now,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    resolveSecret: async (ref: SecretReference) => (ref.source === 'literal' ? ref.value : 'unused'),
    dispatcher,
  };
}

describe('TokenCache', () => {
  it('mints once, reuses until shortly before expiry, then mints again', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    const first = await cache.get(auth(), context());
    if (!first.ok) throw new Error(first.outcome.message);
    expect(first.token).toMatchObject({
      minted: true,
      expiresAt: clock.now() + 3_600_000,
      scope: 'profile users.read',
    });
    const second = await cache.get(auth(), context());
    expect(second.ok && second.token).toMatchObject({ minted: false, value: first.token.value });
    expect(sandbox.requests.count('identity', TOKEN_ROUTE)).toBe(1);

    clock.advance(3_600_000 - 29_000); // inside the 30 s renewal margin
    const renewed = await cache.get(auth(), context());
    expect(renewed.ok && renewed.token.minted).toBe(true);
    expect(renewed.ok && renewed.token.value).not.toBe(first.token.value);
    expect(sandbox.requests.count('identity', TOKEN_ROUTE)).toBe(2);
  });

  it('client authentication in the body works too, and `fresh` always mints', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    const body = auth({ clientAuth: 'body' });
    expect((await cache.get(body, context())).ok).toBe(true);
    const fresh = await cache.get(body, context(), { fresh: true });
    expect(fresh.ok && fresh.token.minted).toBe(true);
    expect(sandbox.requests.count('identity', TOKEN_ROUTE)).toBe(2);
  });

  it('concurrent requests for the same token share one mint', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    const results = await Promise.all([1, 2, 3, 4].map(() => cache.get(auth(), context())));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sandbox.requests.count('identity', TOKEN_ROUTE)).toBe(1);
  });

  it('a wrong secret is a credential failure with code invalid_client, never cached', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    const wrong = auth({ clientSecret: { source: 'literal', value: 'wrong-secret' } });
    const result = await cache.get(wrong, context());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.outcome).toMatchObject({ class: 'credential', status: 401, errorCode: 'invalid_client' });
    expect(result.outcome.message).toMatch(/^token endpoint refused the client: invalid_client/);
    expect(cache.size).toBe(0);
  });

  it('an unknown scope is refused as a credential problem; an outage of the endpoint is not', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    const scoped = await cache.get(auth({ scopes: ['admin'] }), context());
    expect(scoped.ok === false && scoped.outcome).toMatchObject({
      class: 'credential',
      errorCode: 'invalid_scope',
    });
    sandbox.setFaults('identity', { errorRate: 1 });
    const down = await cache.get(auth(), context());
    expect(down.ok === false && down.outcome).toMatchObject({ class: 'server-error', status: 503 });
    sandbox.reset();
  });

  it('invalidate forgets the token', async () => {
    sandbox.reset();
    const cache = new TokenCache();
    await cache.get(auth(), context());
    cache.invalidate(auth());
    expect(cache.size).toBe(0);
    expect((await cache.get(auth(), context())).ok && sandbox.requests.count('identity', TOKEN_ROUTE)).toBe(
      2,
    );
  });
});
