/**
 * The `/_sandbox` control API over real HTTP: reading, merging and clearing faults, refusing bad input with
 * every problem listed, request counts, the CA download, and 404s for anything unknown.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from './sandbox.js';
import { PAYMENTS_AUTH, send, testAuthority } from './test-support/http.js';

let sandbox: RunningSandbox;
let control: string;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null, certificateAuthority: testAuthority() });
  control = `${sandbox.httpUrl}/_sandbox`;
});
afterAll(async () => {
  await sandbox.close();
});

describe('control API', () => {
  it('starts with no faults', async () => {
    const response = await send(`${control}/faults`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ payments: {}, shipping: {}, identity: {} });
  });

  it('merges partial updates per vendor, clears fields with null, and applies them', async () => {
    const first = await send(`${control}/faults/payments`, {
      method: 'PUT',
      body: { latencyMs: 50, errorRate: 1 },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ latencyMs: 50, errorRate: 1 });
    const second = await send(`${control}/faults/payments`, {
      method: 'PUT',
      body: { errorRate: null, schema: 'field-removed' },
    });
    expect(second.body).toEqual({ latencyMs: 50, schema: 'field-removed' });
    expect(sandbox.getFaults().payments).toEqual({ latencyMs: 50, schema: 'field-removed' });

    const charges = await send(`${sandbox.httpUrl}/payments/v1/charges?limit=1`, { headers: PAYMENTS_AUTH });
    expect(charges.status).toBe(200);
    expect((charges.body as { data: object[] }).data[0]).not.toHaveProperty('currency');
  });

  it('sees faults set in process, and vice versa', async () => {
    sandbox.setFaults('identity', { hang: true });
    expect(((await send(`${control}/faults`)).body as Record<string, unknown>).identity).toEqual({
      hang: true,
    });
  });

  it('refuses bad input with 400 and every problem listed', async () => {
    const response = await send(`${control}/faults/shipping`, {
      method: 'PUT',
      body: { latencyMs: 'slow', rateLimit: { burst: 5 }, schema: 'renamed', colour: 'red' },
    });
    expect(response.status).toBe(400);
    const body = response.body as { error: string; message: string; problems: string[] };
    expect(body.error).toBe('invalid_faults');
    expect(body.problems).toEqual([
      'latencyMs must be an integer from 0 to 600000',
      'rateLimit.retryAfterSeconds must be an integer from 1 to 86400',
      'schema must be one of field-removed, field-retyped, field-null, new-enum-value',
      "unknown fault 'colour' (known: latencyMs, errorRate, errorStatus, seed, rateLimit, rejectCredentials, schema, hang)",
    ]);
    expect(body.message).toContain('latencyMs must be');
    // Nothing of a refused update is applied.
    expect(sandbox.getFaults().shipping).toEqual({});
  });

  it('refuses malformed JSON, a non-object body and an empty body with 400', async () => {
    const malformed = await send(`${control}/faults/shipping`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"latencyMs":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('JSON') });
    const array = await send(`${control}/faults/shipping`, { method: 'PUT', body: [1] });
    expect(array.status).toBe(400);
    expect(array.body).toMatchObject({
      problems: ['faults must be a JSON object such as {"latencyMs": 200}'],
    });
    const empty = await send(`${control}/faults/shipping`, { method: 'PUT' });
    expect(empty.status).toBe(400);
  });

  it('answers 404 for an unknown vendor, naming the known ones', async () => {
    const response = await send(`${control}/faults/billing`, { method: 'PUT', body: { hang: true } });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'unknown_vendor' });
    expect((response.body as { message: string }).message).toContain('payments, shipping, identity');
  });

  it('reports request counts and clears faults and counts with DELETE', async () => {
    sandbox.setFaults('payments', { latencyMs: 0 });
    await send(`${sandbox.httpUrl}/payments/v1/charges`, { headers: PAYMENTS_AUTH });
    const counts = await send(`${control}/requests`);
    expect(counts.body).toMatchObject({ payments: { 'GET /payments/v1/charges': expect.any(Number) } });

    const cleared = await send(`${control}/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ payments: {}, shipping: {}, identity: {} });
    expect(sandbox.getFaults()).toEqual({ payments: {}, shipping: {}, identity: {} });
    expect((await send(`${control}/requests`)).body).toEqual({ payments: {}, shipping: {}, identity: {} });
  });

  it('serves the CA certificate as PEM', async () => {
    const response = await send(`${control}/ca.pem`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-pem-file');
    expect(response.body).toBe(sandbox.caPem);
    expect(new X509Certificate(String(response.body)).ca).toBe(true);
  });

  it('answers unknown routes with 404 JSON', async () => {
    for (const path of ['/_sandbox/nope', '/nope', '/']) {
      const response = await send(`${sandbox.httpUrl}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toMatchObject({ error: 'not_found' });
    }
  });
});
