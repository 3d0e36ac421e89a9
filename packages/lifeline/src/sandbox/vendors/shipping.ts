/**
 * The shipping vendor under `/shipping`, API version in the path (`/v2`), key in `X-Api-Key`: carriers,
 * rate quotes and label purchase, with errors as `{ message, code }` (plus `errors[]` for validation, 422).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { applySchemaVariant } from '../schema-variants.js';
import {
  type VendorContext,
  type VendorDefinition,
  type VendorErrorCode,
  type VendorReply,
  activeSchemaVariant,
  headerValue,
  sendVendorReply,
} from '../vendor.js';
import { randomDigits, randomId } from './ids.js';
import {
  CARRIERS,
  type CarrierCode,
  type Rate,
  type RateRequest,
  quote,
  validateRateRequest,
} from './shipping-rates.js';

const API_KEY = SANDBOX_CREDENTIALS.shipping.apiKey;
/** Quotes stay purchasable for a day, like real rate quotes. */
const RATE_VALIDITY_MS = 24 * 3_600_000;

/** Stable shape: response schemas in the example workspace are written against it. */
export interface Label {
  id: string;
  rateId: string;
  trackingNumber: string;
  labelUrl: string;
  status: 'created';
  createdAt: string;
}

const ERROR_CODES: Record<VendorErrorCode, string> = {
  invalid_credentials: 'invalid_api_key',
  rate_limited: 'rate_limited',
  server_error: 'service_unavailable',
  not_found: 'not_found',
  bad_request: 'bad_request',
};

export const shippingVendor: VendorDefinition = {
  name: 'shipping',
  prefix: '/shipping',
  error: (code, status, message) =>
    shippingError(status, status === 500 ? 'internal_error' : ERROR_CODES[code], message),
  routes: registerShippingRoutes,
};

function shippingError(status: number, code: string, message: string, extra: object = {}): VendorReply {
  return { status, body: { message, code, ...extra } };
}

interface QuotedRate {
  rate: Rate;
  expiresAt: number;
  labelId?: string;
}

function registerShippingRoutes(scope: FastifyInstance, context: VendorContext): void {
  const rates = new Map<string, QuotedRate>();
  const labels = new Map<string, Label>();

  scope.addHook('onSend', async (_request, reply) => {
    reply.header('x-request-id', randomId('shp_req_', 16));
  });
  scope.addHook('onRequest', async (request, reply) => {
    const key = headerValue(request, 'x-api-key');
    if (key !== API_KEY) {
      const message = key === undefined ? 'Missing X-Api-Key header.' : 'The API key is not valid.';
      return sendVendorReply(reply, shippingError(401, 'invalid_api_key', message));
    }
  });

  scope.get('/v2/carriers', async () => ({ carriers: CARRIERS }));

  scope.post('/v2/rates', async (request, reply) => {
    const problems = validateRateRequest(request.body);
    if (problems.length > 0) {
      return sendVendorReply(
        reply,
        shippingError(422, 'validation_failed', 'The request is not valid.', { errors: problems }),
      );
    }
    const expiresAt = context.now() + RATE_VALIDITY_MS;
    const quoted = quote(request.body as RateRequest).map((price) => {
      const rate: Rate = { id: randomId('rate_', 16), ...price };
      rates.set(rate.id, { rate, expiresAt });
      return rate;
    });
    const variant = activeSchemaVariant(context, 'shipping');
    return { rates: quoted.map((rate) => applySchemaVariant('shipping', variant, rate)) };
  });

  scope.post('/v2/labels', async (request, reply) => {
    const rateId = (request.body as { rateId?: unknown } | undefined)?.rateId;
    if (typeof rateId !== 'string' || rateId.length === 0) {
      const errors = [{ field: 'rateId', message: 'is required and must be a rate id from POST /v2/rates' }];
      return sendVendorReply(
        reply,
        shippingError(422, 'validation_failed', 'The request is not valid.', { errors }),
      );
    }
    const quotedRate = rates.get(rateId);
    if (quotedRate === undefined || quotedRate.expiresAt <= context.now()) {
      return sendVendorReply(
        reply,
        shippingError(404, 'rate_not_found', `Rate '${rateId}' was not found or has expired.`),
      );
    }
    if (quotedRate.labelId !== undefined) {
      const message = `Rate '${rateId}' was already purchased as label '${quotedRate.labelId}'.`;
      return sendVendorReply(
        reply,
        shippingError(409, 'rate_already_purchased', message, { labelId: quotedRate.labelId }),
      );
    }
    const id = randomId('lbl_', 16);
    const label: Label = {
      id,
      rateId,
      trackingNumber: trackingNumber(quotedRate.rate.carrier),
      labelUrl: `${origin(request)}/shipping/v2/labels/${id}/label.pdf`,
      status: 'created',
      createdAt: new Date(context.now()).toISOString(),
    };
    labels.set(id, label);
    quotedRate.labelId = id;
    return reply.code(201).send(label);
  });

  scope.get('/v2/labels/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const label = labels.get(id);
    if (label === undefined)
      return sendVendorReply(reply, shippingError(404, 'label_not_found', `Label '${id}' was not found.`));
    return label;
  });

  scope.get('/v2/labels/:id/label.pdf', async (request, reply) => {
    const { id } = request.params as { id: string };
    const label = labels.get(id);
    if (label === undefined)
      return sendVendorReply(reply, shippingError(404, 'label_not_found', `Label '${id}' was not found.`));
    return reply.type('application/pdf').send(tinyPdf(`${label.trackingNumber}`));
  });
}

/** Formats that look like each carrier's, so tracking-number parsers in demos have something real-ish. */
function trackingNumber(carrier: CarrierCode): string {
  switch (carrier) {
    case 'ups':
      return `1Z${randomId('', 16).toUpperCase()}`;
    case 'fedex':
      return randomDigits(12);
    case 'dhl':
      return randomDigits(10);
    case 'usps':
      return `9400${randomDigits(18)}`;
  }
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/** A minimal one-page PDF carrying the tracking number; enough for a browser or a PDF parser to open. */
function tinyPdf(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R ' +
      '/Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
