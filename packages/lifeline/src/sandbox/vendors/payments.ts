/**
 * The payments vendor, a Stripe-like API under `/payments`: Bearer secret key, optional `Pay-Version`
 * header, charges to list, create (with `Idempotency-Key`) and retrieve, and errors in the
 * `{ error: { type, message, param? } }` envelope.
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
import { IdempotencyStore } from './idempotency-store.js';
import { randomId } from './ids.js';
import { type Charge, parseChargeInput, seedCharges } from './payments-data.js';

const { apiKey: API_KEY, apiVersion: API_VERSION } = SANDBOX_CREDENTIALS.payments;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const ERROR_TYPES: Record<VendorErrorCode, string> = {
  invalid_credentials: 'authentication_error',
  rate_limited: 'rate_limit_error',
  server_error: 'api_error',
  not_found: 'invalid_request_error',
  bad_request: 'invalid_request_error',
};

export const paymentsVendor: VendorDefinition = {
  name: 'payments',
  prefix: '/payments',
  error: (code, status, message) => paymentsError(status, ERROR_TYPES[code], message),
  routes: registerPaymentsRoutes,
};

function paymentsError(
  status: number,
  type: string,
  message: string,
  extra: Record<string, string> = {},
): VendorReply {
  return { status, body: { error: { type, ...extra, message } } };
}

function registerPaymentsRoutes(scope: FastifyInstance, context: VendorContext): void {
  const charges = new Map<string, Charge>(seedCharges().map((charge) => [charge.id, charge]));
  const idempotency = new IdempotencyStore(context.now);

  scope.addHook('onSend', async (_request, reply) => {
    reply.header('request-id', randomId('req_', 14));
    reply.header('pay-version', API_VERSION);
  });
  scope.addHook('onRequest', async (request, reply) => {
    const refusal = authenticate(request) ?? checkVersion(request);
    if (refusal !== undefined) return sendVendorReply(reply, refusal);
  });

  scope.get('/v1/charges', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const limit = query.limit === undefined ? 10 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      const message = `Invalid limit: must be an integer from 1 to 100, got ${JSON.stringify(query.limit)}.`;
      return sendVendorReply(reply, paymentsError(400, 'invalid_request_error', message, { param: 'limit' }));
    }
    const sorted = [...charges.values()].sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
    let start = 0;
    if (typeof query.starting_after === 'string') {
      const index = sorted.findIndex((charge) => charge.id === query.starting_after);
      if (index < 0) {
        const message = `No such charge: '${query.starting_after}'`;
        return sendVendorReply(
          reply,
          paymentsError(400, 'invalid_request_error', message, { param: 'starting_after' }),
        );
      }
      start = index + 1;
    }
    const page = sorted.slice(start, start + limit);
    const variant = activeSchemaVariant(context, 'payments');
    return {
      object: 'list',
      url: '/v1/charges',
      data: page.map((charge) => applySchemaVariant('payments', variant, charge)),
      has_more: start + limit < sorted.length,
    };
  });

  scope.get('/v1/charges/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const charge = charges.get(id);
    if (charge === undefined) {
      const message = `No such charge: '${id}'`;
      return sendVendorReply(
        reply,
        paymentsError(404, 'invalid_request_error', message, { code: 'resource_missing', param: 'id' }),
      );
    }
    return applySchemaVariant('payments', activeSchemaVariant(context, 'payments'), charge);
  });

  scope.post('/v1/charges', async (request, reply) => {
    const route = 'POST /v1/charges';
    const key = headerValue(request, 'idempotency-key');
    if (key !== undefined) {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        const message = `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`;
        return sendVendorReply(reply, paymentsError(400, 'invalid_request_error', message));
      }
      reply.header('idempotency-key', key);
      const found = idempotency.lookup(key, route, request.body);
      if (found.kind === 'replay') {
        reply.header('idempotent-replayed', 'true');
        return sendVendorReply(reply, found.outcome);
      }
      if (found.kind === 'conflict') return sendVendorReply(reply, idempotencyConflict(key));
    }
    const input = parseChargeInput(request.body);
    if (!input.ok) {
      const extra: Record<string, string> = input.param === '' ? {} : { param: input.param };
      return sendVendorReply(reply, paymentsError(400, 'invalid_request_error', input.message, extra));
    }
    const { amount, currency, customer, description, metadata } = input.value;
    const charge: Charge = {
      id: randomId('ch_3', 20),
      object: 'charge',
      amount,
      currency,
      status: 'succeeded',
      created: Math.floor(context.now() / 1000),
      customer,
      description,
      metadata,
    };
    charges.set(charge.id, charge);
    const outcome = { status: 201, body: charge };
    if (key !== undefined) idempotency.remember(key, route, request.body, outcome);
    return sendVendorReply(reply, outcome);
  });
}

function authenticate(request: FastifyRequest): VendorReply | undefined {
  const authorization = headerValue(request, 'authorization');
  if (authorization === undefined) {
    const message =
      'You did not provide an API key. You need to provide your API key in the Authorization header, ' +
      "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').";
    return paymentsError(401, 'authentication_error', message);
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (match?.[1] !== API_KEY) {
    return paymentsError(401, 'authentication_error', `Invalid API Key provided: ${mask(match?.[1] ?? '')}`);
  }
  return undefined;
}

function checkVersion(request: FastifyRequest): VendorReply | undefined {
  const version = headerValue(request, 'pay-version');
  if (version === undefined || version === API_VERSION) return undefined;
  const message = `Invalid Pay-Version: '${version}'. The accepted version is ${API_VERSION}.`;
  return paymentsError(400, 'invalid_request_error', message, { code: 'invalid_api_version' });
}

function idempotencyConflict(key: string): VendorReply {
  const message =
    'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
    `Try using a key other than '${key}' if you meant to execute a different request.`;
  return paymentsError(409, 'idempotency_error', message);
}

/** Never echo a full secret, even a wrong one: it may be a real key pasted in the wrong place. */
function mask(key: string): string {
  if (key.length <= 8) return '****';
  return `${key.slice(0, 8)}****${key.slice(-4)}`;
}
