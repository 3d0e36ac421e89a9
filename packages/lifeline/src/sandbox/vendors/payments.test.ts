/**
 * The payments vendor over real HTTP: listing, creating and retrieving charges, authentication and version
 * errors, validation errors in the vendor's envelope, and Idempotency-Key replay and conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../sandbox.js';
import { PAYMENTS_AUTH, send, testAuthority } from '../test-support/http.js';
import type { Charge } from './payments-data.js';

let sandbox: RunningSandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null, certificateAuthority: testAuthority() });
  base = `${sandbox.httpUrl}/payments/v1`;
});
afterAll(async () => {
  await sandbox.close();
});

describe('payments: reads', () => {
  it('lists seeded charges newest first with has_more and a request id', async () => {
    const response = await send(`${base}/charges?limit=3`, { headers: PAYMENTS_AUTH });
    expect(response.status).toBe(200);
    expect(response.headers['request-id']).toMatch(/^req_\w{14}$/);
    expect(response.headers['pay-version']).toBe('2024-06-20');
    const list = response.body as { object: string; data: Charge[]; has_more: boolean };
    expect(list.object).toBe('list');
    expect(list.has_more).toBe(true);
    expect(list.data).toHaveLength(3);
    const created = list.data.map((charge) => charge.created);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    for (const charge of list.data) {
      expect(charge).toEqual({
        id: expect.stringMatching(/^ch_\w+$/),
        object: 'charge',
        amount: expect.any(Number),
        currency: expect.stringMatching(/^(usd|eur|gbp)$/),
        status: expect.stringMatching(/^(succeeded|pending|failed)$/),
        created: expect.any(Number),
        customer: expect.toBeOneOf([null, expect.stringMatching(/^cus_/)]),
        description: expect.toBeOneOf([null, expect.any(String)]),
        metadata: expect.any(Object),
      });
    }
  });

  it('pages with starting_after', async () => {
    const first = (await send(`${base}/charges?limit=4`, { headers: PAYMENTS_AUTH })).body as {
      data: Charge[];
    };
    const last = first.data[3]?.id ?? '';
    const next = await send(`${base}/charges?limit=10&starting_after=${last}`, { headers: PAYMENTS_AUTH });
    const page = next.body as { data: Charge[]; has_more: boolean };
    expect(page.has_more).toBe(false);
    expect(page.data.map((charge) => charge.id)).not.toContain(last);
  });

  it('refuses a bad limit naming the param', async () => {
    const response = await send(`${base}/charges?limit=500`, { headers: PAYMENTS_AUTH });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { type: 'invalid_request_error', param: 'limit' } });
  });

  it('retrieves one charge and answers 404 resource_missing for an unknown id', async () => {
    const found = await send(`${base}/charges/ch_3PfL1feA0sEedC4rge03`, { headers: PAYMENTS_AUTH });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id: 'ch_3PfL1feA0sEedC4rge03', status: 'pending', currency: 'gbp' });
    const missing = await send(`${base}/charges/ch_nope`, { headers: PAYMENTS_AUTH });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'id',
        message: "No such charge: 'ch_nope'",
      },
    });
  });

  it('answers unknown URLs with 404 in the vendor envelope', async () => {
    const response = await send(`${base}/refunds`, { headers: PAYMENTS_AUTH });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('payments: authentication and version', () => {
  it('answers 401 authentication_error without a key or with a wrong one, never echoing it whole', async () => {
    const missing = await send(`${base}/charges`);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { type: 'authentication_error' } });
    const wrong = await send(`${base}/charges`, {
      headers: { authorization: 'Bearer sk_live_0123456789abcdef' },
    });
    expect(wrong.status).toBe(401);
    const message = (wrong.body as { error: { message: string } }).error.message;
    expect(message).toContain('sk_live_****cdef');
    expect(message).not.toContain('0123456789');
  });

  it('accepts the known Pay-Version or none, and refuses an unknown one with 400', async () => {
    const known = await send(`${base}/charges`, {
      headers: { ...PAYMENTS_AUTH, 'pay-version': '2024-06-20' },
    });
    expect(known.status).toBe(200);
    const unknown = await send(`${base}/charges`, {
      headers: { ...PAYMENTS_AUTH, 'pay-version': '2023-10-16' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_api_version' },
    });
  });
});

describe('payments: create', () => {
  it('creates a charge (201) that can then be retrieved and listed', async () => {
    const body = { amount: 1999, currency: 'eur', customer: 'cus_Test01', metadata: { order: 'o-1' } };
    const response = await send(`${base}/charges`, { headers: PAYMENTS_AUTH, body });
    expect(response.status).toBe(201);
    const charge = response.body as Charge;
    expect(charge).toMatchObject({ object: 'charge', status: 'succeeded', description: null, ...body });
    expect(charge.id).toMatch(/^ch_3\w{20}$/);
    expect(Math.abs(charge.created - Date.now() / 1000)).toBeLessThan(5);
    const again = await send(`${base}/charges/${charge.id}`, { headers: PAYMENTS_AUTH });
    expect(again.body).toEqual(charge);
    const list = (await send(`${base}/charges?limit=1`, { headers: PAYMENTS_AUTH })).body as {
      data: Charge[];
    };
    expect(list.data[0]?.id).toBe(charge.id);
  });

  it.each([
    [{ currency: 'usd' }, 'amount'],
    [{ amount: 0, currency: 'usd' }, 'amount'],
    [{ amount: 10.5, currency: 'usd' }, 'amount'],
    [{ amount: '100', currency: 'usd' }, 'amount'],
    [{ amount: 100 }, 'currency'],
    [{ amount: 100, currency: 'jpy' }, 'currency'],
    [{ amount: 100, currency: 'usd', customer: 'bob' }, 'customer'],
    [{ amount: 100, currency: 'usd', colour: 'red' }, 'colour'],
  ])('refuses %j with 400 naming param %s', async (body, param) => {
    const response = await send(`${base}/charges`, { headers: PAYMENTS_AUTH, body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { type: 'invalid_request_error', param, message: expect.any(String) },
    });
  });

  it('refuses malformed JSON in the vendor envelope', async () => {
    const response = await send(`${base}/charges`, {
      headers: { ...PAYMENTS_AUTH, 'content-type': 'application/json' },
      body: '{"amount":',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('payments: idempotency', () => {
  it('replays the first answer for the same key and body, with Idempotent-Replayed', async () => {
    const headers = { ...PAYMENTS_AUTH, 'idempotency-key': 'order-42-attempt' };
    const first = await send(`${base}/charges`, { headers, body: { amount: 500, currency: 'usd' } });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same parameters in another order are the same request.
    const second = await send(`${base}/charges`, { headers, body: { currency: 'usd', amount: 500 } });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
  });

  it('answers 409 idempotency_error for the same key with a different body', async () => {
    const headers = { ...PAYMENTS_AUTH, 'idempotency-key': 'order-43' };
    expect((await send(`${base}/charges`, { headers, body: { amount: 700, currency: 'usd' } })).status).toBe(
      201,
    );
    const conflict = await send(`${base}/charges`, { headers, body: { amount: 701, currency: 'usd' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ error: { type: 'idempotency_error' } });
  });

  it('does not remember refused requests, so a corrected retry with the same key succeeds', async () => {
    const headers = { ...PAYMENTS_AUTH, 'idempotency-key': 'order-44' };
    expect((await send(`${base}/charges`, { headers, body: { amount: -1, currency: 'usd' } })).status).toBe(
      400,
    );
    expect((await send(`${base}/charges`, { headers, body: { amount: 1, currency: 'usd' } })).status).toBe(
      201,
    );
  });
});
