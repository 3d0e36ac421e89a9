/**
 * The identity vendor over real HTTP: the client credentials flow end to end (RFC 6749 §4.4), its §5.2
 * errors, Bearer-protected user reads with RFC 6750 challenges, token expiry on a fake clock, scopes and
 * the api-version query parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../sandbox.js';
import { fetchToken, send, testAuthority } from '../test-support/http.js';
import { SEED_USERS, SERVICE_ACCOUNT } from './identity.js';

let sandbox: RunningSandbox;
let base: string;
let now = Date.parse('2025-06-01T12:00:00Z');

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

beforeAll(async () => {
  sandbox = await startSandbox({
    httpPort: 0,
    httpsPort: null,
    certificateAuthority: testAuthority(),
    now: () => now,
  });
  base = `${sandbox.httpUrl}/identity`;
});
afterAll(async () => {
  await sandbox.close();
});

async function tokenRequest(body: string, headers: Record<string, string> = {}) {
  return send(`${base}/oauth/token`, { method: 'POST', headers: { ...FORM, ...headers }, body });
}

describe('identity: token endpoint', () => {
  it('issues a Bearer token for client credentials via HTTP Basic, not cacheable', async () => {
    const response = await tokenRequest('grant_type=client_credentials', {
      authorization: basic('lifeline-sandbox', 'id_secret_lifeline'),
    });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.body).toEqual({
      access_token: expect.stringMatching(/^idt_[\w-]{43}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'profile users.read',
    });
  });

  it('accepts the client credentials in the body and grants a narrower scope on request', async () => {
    const response = await tokenRequest(
      'grant_type=client_credentials&client_id=lifeline-sandbox&client_secret=id_secret_lifeline&scope=profile',
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ scope: 'profile' });
  });

  it('hands out a different random token each time', async () => {
    expect(await fetchToken(sandbox.httpUrl)).not.toBe(await fetchToken(sandbox.httpUrl));
  });

  it.each([
    ['a wrong secret (Basic)', 'grant_type=client_credentials', basic('lifeline-sandbox', 'nope')],
    ['an unknown client (body)', 'grant_type=client_credentials&client_id=x&client_secret=y', undefined],
    ['no client authentication', 'grant_type=client_credentials', undefined],
  ])('answers 401 invalid_client for %s', async (_case, body, authorization) => {
    const response = await tokenRequest(body, authorization === undefined ? {} : { authorization });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const response = await tokenRequest('grant_type=password&username=a&password=b', {
      authorization: basic('lifeline-sandbox', 'id_secret_lifeline'),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it.each([
    ['a missing grant_type', 'client_id=lifeline-sandbox&client_secret=id_secret_lifeline', FORM],
    ['a repeated parameter', 'grant_type=client_credentials&grant_type=client_credentials', FORM],
    ['a JSON body', '{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }],
  ])('answers 400 invalid_request for %s', async (_case, body, headers) => {
    const response = await send(`${base}/oauth/token`, {
      method: 'POST',
      headers: { ...headers, authorization: basic('lifeline-sandbox', 'id_secret_lifeline') },
      body,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 invalid_request when both authentication methods are used', async () => {
    const response = await tokenRequest('grant_type=client_credentials&client_secret=id_secret_lifeline', {
      authorization: basic('lifeline-sandbox', 'id_secret_lifeline'),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('answers 400 invalid_scope for an unknown scope', async () => {
    const response = await tokenRequest('grant_type=client_credentials&scope=admin', {
      authorization: basic('lifeline-sandbox', 'id_secret_lifeline'),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('identity: protected reads', () => {
  it('runs the whole flow: token, then userinfo and a user by id', async () => {
    const token = await fetchToken(sandbox.httpUrl);
    const auth = { authorization: `Bearer ${token}` };
    const me = await send(`${base}/v1/userinfo?api-version=2025-01-01`, { headers: auth });
    expect(me.status).toBe(200);
    expect(me.body).toEqual(SERVICE_ACCOUNT);
    const ada = SEED_USERS[1];
    const user = await send(`${base}/v1/users/${ada?.id}`, { headers: auth });
    expect(user.status).toBe(200);
    expect(user.body).toEqual({
      id: ada?.id,
      email: 'ada@acme.example',
      name: 'Ada Lovelace',
      email_verified: true,
      created_at: '2024-03-14T08:00:00.000Z',
      roles: ['admin', 'member'],
    });
    const missing = await send(`${base}/v1/users/usr_nobody`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found' });
  });

  it.each([
    ['no token', {}],
    ['an unknown token', { authorization: 'Bearer idt_made_up' }],
    ['a Basic header', { authorization: basic('lifeline-sandbox', 'id_secret_lifeline') }],
  ])('answers 401 with a Bearer invalid_token challenge for %s', async (_case, headers) => {
    const response = await send(`${base}/v1/userinfo`, { headers });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(response.body).toMatchObject({ error: 'invalid_token' });
  });

  it('expires tokens after expires_in seconds', async () => {
    const token = await fetchToken(sandbox.httpUrl);
    const auth = { authorization: `Bearer ${token}` };
    now += 3599_000;
    expect((await send(`${base}/v1/userinfo`, { headers: auth })).status).toBe(200);
    now += 1_000;
    const expired = await send(`${base}/v1/userinfo`, { headers: auth });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('expired');
  });

  it('answers 403 insufficient_scope when the token lacks the scope', async () => {
    const token = await fetchToken(sandbox.httpUrl, 'profile');
    const response = await send(`${base}/v1/users/${SERVICE_ACCOUNT.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope", ');
    expect(response.headers['www-authenticate']).toContain('scope="users.read"');
  });

  it('refuses an unknown api-version with 400', async () => {
    const token = await fetchToken(sandbox.httpUrl);
    const response = await send(`${base}/v1/userinfo?api-version=2024-01-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });
});
