/**
 * The shipping vendor over real HTTP: carriers, rate quotes (lanes, currency, deterministic prices), label
 * purchase from a quoted rate, validation (422 with every field problem) and API key errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../sandbox.js';
import { DOMESTIC_QUOTE, SHIPPING_AUTH, send, testAuthority } from '../test-support/http.js';
import type { Label } from './shipping.js';
import type { Rate } from './shipping-rates.js';

let sandbox: RunningSandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null, certificateAuthority: testAuthority() });
  base = `${sandbox.httpUrl}/shipping/v2`;
});
afterAll(async () => {
  await sandbox.close();
});

async function quoteRates(body: unknown = DOMESTIC_QUOTE): Promise<Rate[]> {
  const response = await send(`${base}/rates`, { headers: SHIPPING_AUTH, body });
  expect(response.status).toBe(200);
  return (response.body as { rates: Rate[] }).rates;
}

describe('shipping', () => {
  it('lists carriers', async () => {
    const response = await send(`${base}/carriers`, { headers: SHIPPING_AUTH });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toMatch(/^shp_req_/);
    const { carriers } = response.body as { carriers: { code: string; name: string; active: boolean }[] };
    expect(carriers.map((carrier) => carrier.code)).toEqual(['ups', 'fedex', 'dhl', 'usps', 'royalmail']);
    expect(carriers.find((carrier) => carrier.code === 'royalmail')?.active).toBe(false);
  });

  it('quotes domestic US rates in USD with stable shapes and prices', async () => {
    const rates = await quoteRates();
    expect(rates.map((rate) => `${rate.carrier}/${rate.service}`)).toEqual([
      'usps/priority_mail',
      'ups/ground',
      'ups/express_saver',
      'fedex/priority_overnight',
    ]);
    for (const rate of rates) {
      expect(rate).toEqual({
        id: expect.stringMatching(/^rate_\w{16}$/),
        carrier: expect.any(String),
        service: expect.any(String),
        amount: { value: expect.any(Number), currency: 'USD' },
        estimatedDays: expect.any(Number),
      });
      expect(Number.isInteger(rate.estimatedDays)).toBe(true);
    }
    const again = await quoteRates();
    expect(again.map((rate) => rate.amount.value)).toEqual(rates.map((rate) => rate.amount.value));
    expect(again[0]?.id).not.toBe(rates[0]?.id);
  });

  it('quotes international lanes in the origin currency, pricier than domestic', async () => {
    const rates = await quoteRates({ ...DOMESTIC_QUOTE, from: { postalCode: '10115', country: 'DE' } });
    expect(rates.map((rate) => rate.carrier)).toEqual(['ups', 'fedex', 'dhl']);
    expect(new Set(rates.map((rate) => rate.amount.currency))).toEqual(new Set(['EUR']));
    const domestic = await quoteRates();
    const upsDomestic = domestic.find((rate) => rate.service === 'express_saver')?.amount.value ?? 0;
    const upsInternational = rates.find((rate) => rate.service === 'express_saver')?.amount.value ?? 0;
    expect(upsInternational).toBeGreaterThan(upsDomestic);
  });

  it('charges volumetric weight for bulky parcels', async () => {
    const light = await quoteRates({ ...DOMESTIC_QUOTE, parcel: { weightGrams: 500 } });
    const bulky = await quoteRates({
      ...DOMESTIC_QUOTE,
      parcel: { weightGrams: 500, lengthCm: 60, widthCm: 50, heightCm: 40 },
    });
    expect(bulky[0]?.amount.value).toBeGreaterThan(light[0]?.amount.value ?? Infinity);
  });

  it('refuses an invalid quote request with 422 listing every field problem', async () => {
    const response = await send(`${base}/rates`, {
      headers: SHIPPING_AUTH,
      body: { from: { postalCode: '', country: 'usa' }, parcel: { weightGrams: 0, heightCm: -1 } },
    });
    expect(response.status).toBe(422);
    const body = response.body as { code: string; errors: { field: string }[] };
    expect(body.code).toBe('validation_failed');
    expect(body.errors.map((problem) => problem.field)).toEqual([
      'from.postalCode',
      'from.country',
      'to',
      'parcel.weightGrams',
      'parcel.heightCm',
    ]);
  });

  it('buys a label for a quoted rate once, then answers 409; unknown rates are 404', async () => {
    const [rate] = await quoteRates();
    const response = await send(`${base}/labels`, { headers: SHIPPING_AUTH, body: { rateId: rate?.id } });
    expect(response.status).toBe(201);
    const label = response.body as Label;
    expect(label).toEqual({
      id: expect.stringMatching(/^lbl_\w{16}$/),
      rateId: rate?.id,
      trackingNumber: expect.stringMatching(/^9400\d{18}$/),
      labelUrl: `${base}/labels/${label.id}/label.pdf`,
      status: 'created',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect((await send(`${base}/labels/${label.id}`, { headers: SHIPPING_AUTH })).body).toEqual(label);
    const pdf = await send(label.labelUrl, { headers: SHIPPING_AUTH });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(String(pdf.body)).toMatch(/^%PDF-1\.4/);

    const twice = await send(`${base}/labels`, { headers: SHIPPING_AUTH, body: { rateId: rate?.id } });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'rate_already_purchased', labelId: label.id });

    const unknown = await send(`${base}/labels`, { headers: SHIPPING_AUTH, body: { rateId: 'rate_nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'rate_not_found' });
    const missing = await send(`${base}/labels`, { headers: SHIPPING_AUTH, body: {} });
    expect(missing.status).toBe(422);
  });

  it('answers 401 invalid_api_key without or with a wrong key', async () => {
    for (const headers of [{}, { 'x-api-key': 'shp_live_nope' }] as Record<string, string>[]) {
      const response = await send(`${base}/carriers`, { headers });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: expect.any(String), code: 'invalid_api_key' });
    }
  });

  it('keeps the version in the path: /v1 is an unknown route', async () => {
    const response = await send(`${sandbox.httpUrl}/shipping/v1/carriers`, { headers: SHIPPING_AUTH });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ code: 'not_found' });
  });
});
