/**
 * Every fault kind observed from the outside, over real HTTP: latency, error rate, rate limiting with
 * Retry-After, credential rejection, schema drift at the documented pointers, and hang with a client
 * timeout and a clean close. Also the request counter that retry tests lean on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaVariant, VendorName } from './faults.js';
import { type RunningSandbox, startSandbox } from './sandbox.js';
import { SCHEMA_MUTATIONS } from './schema-variants.js';
import {
  DOMESTIC_QUOTE,
  PAYMENTS_AUTH,
  SHIPPING_AUTH,
  type JsonResponse,
  atPointer,
  fetchToken,
  hasPointer,
  send,
  testAuthority,
} from './test-support/http.js';

let sandbox: RunningSandbox;
let now = Date.parse('2025-06-01T12:00:00Z');

beforeAll(async () => {
  sandbox = await startSandbox({
    httpPort: 0,
    httpsPort: null,
    certificateAuthority: testAuthority(),
    now: () => now,
    seed: 2024,
  });
});
afterEach(() => sandbox.reset());
afterAll(async () => {
  await sandbox.close();
});

const listCharges = (): Promise<JsonResponse> =>
  send(`${sandbox.httpUrl}/payments/v1/charges?limit=3`, { headers: PAYMENTS_AUTH });
const carriers = (): Promise<JsonResponse> =>
  send(`${sandbox.httpUrl}/shipping/v2/carriers`, { headers: SHIPPING_AUTH });

describe('latency', () => {
  it('delays only the vendor it is set on', async () => {
    sandbox.setFaults('payments', { latencyMs: 400 });
    const finished: string[] = [];
    const started = performance.now();
    const slow = listCharges().then((response) => {
      finished.push('payments');
      return [response.status, performance.now() - started];
    });
    const fast = carriers().then((response) => {
      finished.push('shipping');
      return response.status;
    });
    expect(await fast).toBe(200);
    const [status, elapsed] = await slow;
    expect(status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(finished).toEqual(['shipping', 'payments']);
  });
});

describe('errorRate', () => {
  it('answers every request with errorStatus in the vendor envelope at rate 1', async () => {
    sandbox.setFaults('payments', { errorRate: 1 });
    sandbox.setFaults('shipping', { errorRate: 1, errorStatus: 500 });
    sandbox.setFaults('identity', { errorRate: 1 });
    const payments = await listCharges();
    expect(payments.status).toBe(503);
    expect(payments.body).toMatchObject({ error: { type: 'api_error' } });
    const shipping = await carriers();
    expect(shipping.status).toBe(500);
    expect(shipping.body).toMatchObject({ code: 'internal_error' });
    const identity = await send(`${sandbox.httpUrl}/identity/v1/userinfo`);
    expect(identity.status).toBe(503);
    expect(identity.body).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('stops the request: a failed create creates nothing, so a retry with the same key is not a replay', async () => {
    const headers = { ...PAYMENTS_AUTH, 'idempotency-key': 'fault-retry-1' };
    const url = `${sandbox.httpUrl}/payments/v1/charges`;
    const before = ((await send(`${url}?limit=100`, { headers: PAYMENTS_AUTH })).body as { data: object[] })
      .data;
    sandbox.setFaults('payments', { errorRate: 1 });
    const failed = await send(url, { headers, body: { amount: 300, currency: 'usd' } });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ error: { type: 'api_error', message: expect.any(String) } });
    sandbox.setFaults('payments', { errorRate: null });
    const after = ((await send(`${url}?limit=100`, { headers: PAYMENTS_AUTH })).body as { data: object[] })
      .data;
    expect(after).toHaveLength(before.length);
    const retried = await send(url, { headers, body: { amount: 300, currency: 'usd' } });
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(sandbox.requests.count('payments', 'POST /payments/v1/charges')).toBe(2);
  });

  it('fails the same requests again for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      sandbox.setFaults('shipping', { errorRate: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await carriers()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });
});

describe('rateLimit', () => {
  it('answers 429 with Retry-After past the burst, until the window ends', async () => {
    sandbox.setFaults('payments', { rateLimit: { burst: 2, retryAfterSeconds: 30 } });
    expect((await listCharges()).status).toBe(200);
    expect((await listCharges()).status).toBe(200);
    const limited = await listCharges();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.body).toMatchObject({ error: { type: 'rate_limit_error' } });
    now += 20_000;
    expect((await listCharges()).headers['retry-after']).toBe('10');
    now += 10_000;
    expect((await listCharges()).status).toBe(200);
    expect(sandbox.requests.count('payments', 'GET /payments/v1/charges')).toBe(5);
  });

  it('speaks each vendor dialect', async () => {
    sandbox.setFaults('shipping', { rateLimit: { burst: 0, retryAfterSeconds: 5 } });
    const shipping = await carriers();
    expect(shipping.status).toBe(429);
    expect(shipping.headers['retry-after']).toBe('5');
    expect(shipping.body).toMatchObject({ code: 'rate_limited' });
  });
});

describe('rejectCredentials', () => {
  it('answers 401 to valid keys on every vendor as if revoked, until cleared', async () => {
    const token = await fetchToken(sandbox.httpUrl);
    for (const vendor of ['payments', 'shipping', 'identity'] as const) {
      sandbox.setFaults(vendor, { rejectCredentials: true });
    }
    const payments = await listCharges();
    expect(payments.status).toBe(401);
    expect(payments.body).toMatchObject({ error: { type: 'authentication_error' } });
    const shipping = await carriers();
    expect(shipping.status).toBe(401);
    expect(shipping.body).toMatchObject({ code: 'invalid_api_key' });

    const tokenResponse = await send(`${sandbox.httpUrl}/identity/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('lifeline-sandbox:id_secret_lifeline').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(tokenResponse.status).toBe(401);
    expect(tokenResponse.body).toMatchObject({ error: 'invalid_client' });
    const userinfo = await send(`${sandbox.httpUrl}/identity/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);

    sandbox.setFaults('identity', { rejectCredentials: null });
    const restored = await send(`${sandbox.httpUrl}/identity/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(restored.status).toBe(200);
  });
});

describe('schema', () => {
  const variants: SchemaVariant[] = ['field-removed', 'field-retyped', 'field-null', 'new-enum-value'];

  /** Reads the vendor's main read and returns [document, pointer prefix of the first item]. */
  async function mainRead(vendor: VendorName): Promise<[unknown, string]> {
    if (vendor === 'payments') return [(await listCharges()).body, '/data/0'];
    if (vendor === 'shipping') {
      const response = await send(`${sandbox.httpUrl}/shipping/v2/rates`, {
        headers: SHIPPING_AUTH,
        body: DOMESTIC_QUOTE,
      });
      return [response.body, '/rates/0'];
    }
    const token = await fetchToken(sandbox.httpUrl);
    const response = await send(`${sandbox.httpUrl}/identity/v1/userinfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return [response.body, ''];
  }

  /** What the documented change looks like at the pointer. */
  function expectChanged(variant: SchemaVariant, before: unknown, after: unknown, present: boolean): void {
    switch (variant) {
      case 'field-removed':
        expect(present).toBe(false);
        return;
      case 'field-retyped':
        expect(typeof after).toBe('string');
        expect(after).not.toBe(before);
        expect(Number(after) || after === 'true' || after === 'false').toBeTruthy();
        return;
      case 'field-null':
        expect(before).not.toBeNull();
        expect(after).toBeNull();
        return;
      case 'new-enum-value':
        expect(['disputed', 'parcelwing', 'auditor']).toContain(after);
        return;
    }
  }

  for (const vendor of ['payments', 'shipping', 'identity'] as const) {
    for (const variant of variants) {
      const { pointer } = SCHEMA_MUTATIONS[vendor][variant];
      it(`${vendor} ${variant} changes ${pointer} of the main read`, async () => {
        const [before, prefix] = await mainRead(vendor);
        sandbox.setFaults(vendor, { schema: variant });
        const [after] = await mainRead(vendor);
        expect(hasPointer(before, `${prefix}${pointer}`)).toBe(true);
        expectChanged(
          variant,
          atPointer(before, `${prefix}${pointer}`),
          atPointer(after, `${prefix}${pointer}`),
          hasPointer(after, `${prefix}${pointer}`),
        );
        // Only the documented pointer moves: everything else in the item is as it was (ids aside).
        const strip = (document: unknown): unknown => {
          const item = structuredClone(atPointer(document, prefix)) as Record<string, unknown>;
          const field = pointer.split('/')[1] ?? '';
          delete item[field];
          delete item.id;
          return item;
        };
        expect(strip(after)).toEqual(strip(before));
      });
    }
  }

  it('rewrites every item of a list and the single-charge read too', async () => {
    sandbox.setFaults('payments', { schema: 'field-null' });
    const list = (await listCharges()).body as { data: { amount: unknown }[] };
    expect(list.data.every((charge) => charge.amount === null)).toBe(true);
    const one = await send(`${sandbox.httpUrl}/payments/v1/charges/ch_3PfL1feA0sEedC4rge01`, {
      headers: PAYMENTS_AUTH,
    });
    expect(one.body).toMatchObject({ amount: null });
  });

  it('leaves cheap reads such as carriers untouched', async () => {
    const before = (await carriers()).body;
    sandbox.setFaults('shipping', { schema: 'new-enum-value' });
    expect((await carriers()).body).toEqual(before);
  });
});

describe('hang', () => {
  it('holds the request until the client gives up, and counts it', async () => {
    sandbox.setFaults('shipping', { hang: true });
    const started = performance.now();
    await expect(
      send(`${sandbox.httpUrl}/shipping/v2/carriers`, {
        headers: SHIPPING_AUTH,
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(sandbox.requests.count('shipping', 'GET /shipping/v2/carriers')).toBe(1);
    // Other vendors and the control API stay responsive meanwhile.
    expect((await listCharges()).status).toBe(200);
    expect((await send(`${sandbox.httpUrl}/_sandbox/faults`)).body).toMatchObject({
      shipping: { hang: true },
    });
  });

  it('lets close() end hanging and delayed requests promptly', async () => {
    const own = await startSandbox({ httpPort: 0, httpsPort: 0, certificateAuthority: testAuthority() });
    own.setFaults('payments', { hang: true });
    own.setFaults('shipping', { latencyMs: 60_000 });
    const outcome = (request: Promise<JsonResponse>): Promise<string> =>
      request.then(
        (response) => `answered ${response.status}`,
        () => 'connection closed',
      );
    const hanging = outcome(send(`${own.httpUrl}/payments/v1/charges`, { headers: PAYMENTS_AUTH }));
    const delayed = outcome(send(`${own.httpUrl}/shipping/v2/carriers`, { headers: SHIPPING_AUTH }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await own.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBe('connection closed');
    expect(await delayed).toBe('connection closed');
    await own.close();
  });
});

describe('request counts', () => {
  it('counts per vendor and route template, including faulted and unmatched requests', async () => {
    sandbox.setFaults('payments', { errorRate: 1 });
    await listCharges();
    await listCharges();
    await send(`${sandbox.httpUrl}/payments/v1/charges/ch_3PfL1feA0sEedC4rge01`, { headers: PAYMENTS_AUTH });
    await send(`${sandbox.httpUrl}/payments/v9/anything`, { headers: PAYMENTS_AUTH });
    expect(sandbox.requests.count('payments', 'GET /payments/v1/charges')).toBe(2);
    expect(sandbox.requests.count('payments')).toBe(4);
    expect(sandbox.requests.snapshot().payments).toEqual({
      'GET /payments/v1/charges': 2,
      'GET /payments/v1/charges/:id': 1,
      'GET (unmatched)': 1,
    });
    sandbox.reset();
    expect(sandbox.requests.count('payments')).toBe(0);
  });
});
