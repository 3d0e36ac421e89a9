/**
 * `GET /api/v1/deliveries`: what the channels got — receipts of delivered messages (with the provider's ids),
 * messages still being retried (attempts, last error) and dead letters — newest first, filtered by incident,
 * channel and status, paginated by an opaque cursor. Payloads are never shown: they may quote what a responder
 * wrote, and the timeline already does.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DELIVERY_STATUSES, type DeliveryStatus, type ReadService } from '../daemon/read-service.js';
import { API_PREFIX } from './command-actions.js';
import { OUTBOX_SUMMARY_SCHEMA, pageOf } from './openapi-schemas.js';
import { CURSOR_SCHEMA, ID_SCHEMA, LIMIT_SCHEMA, readSignal } from './read-routes-common.js';

const DELIVERY_QUERY = Type.Object(
  {
    incident: Type.Optional(ID_SCHEMA),
    channel: Type.Optional(ID_SCHEMA),
    status: Type.Optional(
      Type.Unsafe<DeliveryStatus>({
        type: 'string',
        enum: [...DELIVERY_STATUSES],
        description: '`pending` includes messages being delivered right now; `dead` are the dead letters.',
      }),
    ),
    limit: Type.Optional(LIMIT_SCHEMA),
    cursor: Type.Optional(CURSOR_SCHEMA),
  },
  { additionalProperties: false },
);

export function registerDeliveryRoutes(app: FastifyInstance, read: ReadService): void {
  app.get<{ Querystring: Static<typeof DELIVERY_QUERY> }>(
    `${API_PREFIX}/deliveries`,
    {
      schema: {
        summary: 'Deliveries to channels: receipts, retries and dead letters',
        tags: ['deliveries'],
        querystring: DELIVERY_QUERY,
        response: { 200: pageOf(OUTBOX_SUMMARY_SCHEMA) },
      },
      config: { permission: 'read' },
    },
    async (request) => read.deliveries(request.query, readSignal()),
  );
}
