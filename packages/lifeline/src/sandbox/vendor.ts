/**
 * What every fake vendor shares: the context it runs in, the shape of its definition, and the plumbing that
 * puts it under its prefix with request counting and faults applied before any of its own routes run.
 * A vendor only describes its routes and how it words errors; faults then speak in that vendor's dialect.
 */
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultController } from './fault-controller.js';
import type { SchemaVariant, VendorName } from './faults.js';
import { type RequestCounter, UNMATCHED_ROUTE } from './request-counter.js';

/** Shared by the HTTP and HTTPS servers of one sandbox; vendors keep their own data in closures. */
export interface VendorContext {
  faults: FaultController;
  requests: RequestCounter;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Aborted when the sandbox closes, so delayed and hanging answers give up at once. */
  closing: AbortSignal;
  /** Sockets of requests the `hang` fault is holding; destroyed on close. */
  hanging: Set<Socket>;
}

/** Why a vendor is answering with an error; each vendor words these its own way. */
export type VendorErrorCode =
  'invalid_credentials' | 'rate_limited' | 'server_error' | 'not_found' | 'bad_request';

export interface VendorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface VendorDefinition {
  name: VendorName;
  /** URL prefix, e.g. `/payments`. */
  prefix: string;
  /** The vendor's error envelope. `request` lets a vendor tell e.g. its token endpoint from its resources. */
  error(code: VendorErrorCode, status: number, message: string, request: FastifyRequest): VendorReply;
  /** Registers routes (paths relative to `prefix`) and any vendor-wide hooks on an encapsulated scope. */
  routes(scope: FastifyInstance, context: VendorContext): void;
}

/** Mounts `vendor` under its prefix with counting and faults in front of its routes. */
export function registerVendor(app: FastifyInstance, vendor: VendorDefinition, context: VendorContext): void {
  const plugin = async (scope: FastifyInstance): Promise<void> => {
    scope.addHook('onRequest', async (request, reply) => {
      context.requests.record(
        vendor.name,
        `${request.method} ${request.routeOptions.url ?? UNMATCHED_ROUTE}`,
      );
      await applyFaults(vendor, context, request, reply);
    });
    scope.setNotFoundHandler(async (request, reply) => {
      const message = `Unrecognized request URL (${request.method}: ${request.url})`;
      return sendVendorReply(reply, vendor.error('not_found', 404, message, request));
    });
    // Fastify's own failures (malformed JSON, wrong content type, oversized body) in the vendor's words.
    scope.setErrorHandler(async (error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500;
      const answer =
        status < 500
          ? vendor.error('bad_request', status, error.message, request)
          : vendor.error('server_error', status, 'An unexpected error occurred in the sandbox.', request);
      return sendVendorReply(reply, answer);
    });
    vendor.routes(scope, context);
  };
  app.register(plugin, { prefix: vendor.prefix });
}

export function sendVendorReply(reply: FastifyReply, answer: VendorReply): FastifyReply {
  if (answer.headers !== undefined) reply.headers(answer.headers);
  return reply.code(answer.status).send(answer.body);
}

/** A request header as one string (the first, when a client repeated it). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The schema variant to apply when building a main-read response right now. */
export function activeSchemaVariant(context: VendorContext, vendor: VendorName): SchemaVariant | undefined {
  return context.faults.get(vendor).schema;
}

/**
 * Answers the request when a fault says so and returns the reply, which the hook must return: fastify
 * only stops the hook chain for a reply returned from an async hook (onSend hooks are still pending).
 */
async function applyFaults(
  vendor: VendorDefinition,
  context: VendorContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const decision = context.faults.decide(vendor.name);
  if (decision.kind === 'hang') return holdOpen(context, request, reply);
  if (decision.delayMs > 0 && !(await delay(decision.delayMs, context.closing))) {
    request.raw.socket.destroy();
    return reply.hijack();
  }
  switch (decision.kind) {
    case 'pass':
      return undefined;
    case 'reject-credentials': {
      const message = 'The credentials provided have been revoked.';
      return sendVendorReply(reply, vendor.error('invalid_credentials', 401, message, request));
    }
    case 'rate-limited': {
      const message = `Too many requests. Retry after ${decision.retryAfterSeconds} seconds.`;
      const answer = vendor.error('rate_limited', 429, message, request);
      answer.headers = { ...answer.headers, 'retry-after': String(decision.retryAfterSeconds) };
      return sendVendorReply(reply, answer);
    }
    case 'error': {
      const message = 'The service is temporarily unavailable.';
      return sendVendorReply(reply, vendor.error('server_error', decision.status, message, request));
    }
  }
}

/** Takes the response away from fastify and leaves the socket open until the client or `close()` ends it. */
function holdOpen(context: VendorContext, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const socket = request.raw.socket;
  context.hanging.add(socket);
  socket.once('close', () => context.hanging.delete(socket));
  return reply.hijack();
}

/** Resolves true after `ms`, false as soon as the sandbox starts closing. */
async function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
