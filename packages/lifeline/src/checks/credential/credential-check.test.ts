// The credential kind against the sandbox: a working key, a revoked one (credential, never retried), an OAuth2
// token minted with its expiry, a refused client, an outage that stays an outage, and key age vs rotation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.js';
import type { Auth, Check, Integration } from '../../workspace/model.js';
import type { CheckResult } from '../check-result.js';
import { createCheckRegistry, type CheckRegistry } from '../registry.js';
import { runCheck } from '../runner.js';
import { fakeClock, recordingSleep, testIntegration, testWorkspace } from '../test-support/workspace.js';
import { DAY_MS, rotationStatus } from './rotation.js';

type CredentialCheck = Extract<Check, { kind: 'credential' }>;
const NOW = Date.parse('2026-11-28T12:00:00.000Z');
let sandbox: RunningSandbox;
let registry: CheckRegistry;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
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
    endpoints: [{ id: 'list-charges', method: 'GET', path: '/v1/charges' }],
    ...fields,
  });
}

function identity(auth: Partial<Extract<Auth, { type: 'oauth2-client-credentials' }>> = {}): Integration {
  return testIntegration({
    id: 'identity',
    baseUrl: `${sandbox.httpUrl}/identity`,
    auth: {
      type: 'oauth2-client-credentials',
      tokenUrl: `${sandbox.httpUrl}/identity/oauth/token`,
      clientId: 'lifeline-sandbox',
      clientSecret: { source: 'literal', value: 'id_secret_lifeline' },
      scopes: ['profile', 'users.read'],
      ...auth,
    },
  });
}

async function run(
  integration: Integration,
  check: Partial<CredentialCheck> = {},
  now = () => NOW,
): Promise<CheckResult> {
  const declared = { integration, check: { kind: 'credential', id: 'cred', ...check } as CredentialCheck };
  const { sleep } = recordingSleep();
  return runCheck(declared, { workspace: testWorkspace([integration]), now, registry, sleep });
}

describe('with a declared endpoint', () => {
  it('a working key passes', async () => {
    const result = await run(payments(), { endpoint: 'list-charges' });
    expect(result).toMatchObject({ ok: true, class: 'ok', status: 200 });
    expect(result.message).toBe('authenticated GET /v1/charges: 200');
  });

  it('a revoked key is class credential and is not retried', async () => {
    sandbox.setFaults('payments', { rejectCredentials: true });
    const result = await run(payments(), { endpoint: 'list-charges', retries: { attempts: 3 } });
    expect(result).toMatchObject({ ok: false, class: 'credential', status: 401, attempts: 1 });
    expect(result.message).toBe('GET /v1/charges answered 401: the credential was refused');
    expect(sandbox.requests.count('payments')).toBe(1);
  });

  it('a 5xx stays an outage, not a credential failure', async () => {
    sandbox.setFaults('payments', { errorRate: 1 });
    expect(await run(payments(), { endpoint: 'list-charges' })).toMatchObject({
      class: 'server-error',
      status: 503,
    });
  });
});

describe('OAuth2 client credentials without an endpoint', () => {
  it('mints a token at the token endpoint and reports its expiry', async () => {
    const result = await run(identity());
    expect(result).toMatchObject({ ok: true, class: 'ok' });
    expect(result.message).toMatch(/^token minted, expires in 1h \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/);
    // The credential check proves the client works now: every run mints.
    await run(identity());
    expect(sandbox.requests.count('identity', 'POST /identity/oauth/token')).toBe(2);
  });

  it('a refused client is class credential with code invalid_client, never an outage', async () => {
    sandbox.setFaults('identity', { rejectCredentials: true });
    const result = await run(identity(), { retries: { attempts: 2 } });
    expect(result).toMatchObject({
      class: 'credential',
      errorCode: 'invalid_client',
      status: 401,
      attempts: 1,
    });
    const wrong = await run(identity({ clientSecret: { source: 'literal', value: 'not-the-secret' } }));
    expect(wrong).toMatchObject({ class: 'credential', errorCode: 'invalid_client' });
  });
});

describe('other auth without an endpoint', () => {
  it('only proves the secret resolves, and says so', async () => {
    const result = await run(payments());
    expect(result).toMatchObject({ ok: true, class: 'ok' });
    expect(result.message).toContain('declare `endpoint:`');
    const missing = payments({
      auth: { type: 'bearer', token: { source: 'env', name: 'LIFELINE_TEST_UNSET_TOKEN' } },
    });
    expect(await run(missing)).toMatchObject({ class: 'credential', errorCode: 'secret-unresolved' });
  });

  it('no auth passes', async () => {
    expect(await run(payments({ auth: { type: 'none' } }))).toMatchObject({
      class: 'ok',
      message: 'no authentication configured',
    });
  });
});

describe('rotation', () => {
  const rotated = (lastRotated: string, every = 90 * DAY_MS): Integration =>
    payments({
      auth: {
        type: 'bearer',
        token: { source: 'literal', value: 'sk_test_lifeline' },
        rotation: { every, lastRotated },
      },
    });

  it('overdue fails as credential with the days overdue, even though the key works', async () => {
    const result = await run(rotated('2026-08-15'), { endpoint: 'list-charges' });
    // due 2026-11-13, now 2026-11-28T12:00 → 15.5 days → 16 days overdue
    expect(result).toMatchObject({
      ok: false,
      class: 'credential',
      errorCode: 'rotation-overdue',
      status: 200,
    });
    expect(result.message).toMatch(
      /^key rotation overdue by 16 days \(last rotated 2026-08-15, policy every 90d\); authenticated/,
    );
  });

  it('due soon is a warning that still passes', async () => {
    const result = await run(rotated('2026-09-05'), { endpoint: 'list-charges' });
    expect(result).toMatchObject({ ok: true, class: 'ok' });
    expect(result.message).toContain(
      'key rotation due in 5 days (last rotated 2026-09-05, policy every 90d)',
    );
  });

  it('judges age on the injected clock', async () => {
    const clock = fakeClock(Date.parse('2026-08-16T00:00:00Z'));
    expect(await run(rotated('2026-08-15'), {}, clock.now)).toMatchObject({ class: 'ok' });
    clock.advance(120 * DAY_MS);
    expect(await run(rotated('2026-08-15'), {}, clock.now)).toMatchObject({
      class: 'credential',
      errorCode: 'rotation-overdue',
    });
  });

  it('rotationStatus states', () => {
    expect(rotationStatus({ every: 90 * DAY_MS }, NOW).state).toBe('unknown');
    expect(rotationStatus({ every: 90 * DAY_MS, lastRotated: 'soon' }, NOW).state).toBe('unknown');
    expect(rotationStatus({ every: 90 * DAY_MS, lastRotated: '2026-11-01' }, NOW)).toMatchObject({
      state: 'ok',
      daysLeft: 62,
    });
    expect(rotationStatus({ every: 90 * DAY_MS, lastRotated: '2026-08-30' }, NOW)).toMatchObject({
      state: 'overdue',
      daysOverdue: 1,
    });
  });
});
