/**
 * `GET /api/v1/audit` (admin): the audit trail newest first, paginated by an opaque cursor like the other lists,
 * optionally limited to a time range (`since`/`until`, epoch ms).
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../server/command-actions.js';
import { pageOf, record } from '../server/openapi-schemas.js';
import { MAX_PAGE_SIZE } from '../server/schemas.js';
import type { AuditQuery } from './auth-records.js';
import type { AuthStore } from './server-auth.js';

export const AUDIT_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    since: { type: 'integer', minimum: 0 },
    until: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
    cursor: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  additionalProperties: false,
} as const;

export function registerAuditRoute(app: FastifyInstance, store: AuthStore): void {
  app.get<{ Querystring: AuditQuery }>(
    `${API_PREFIX}/audit`,
    {
      schema: {
        summary: 'The audit trail, newest first',
        tags: ['audit'],
        querystring: AUDIT_QUERY_SCHEMA,
        response: { 200: pageOf(record('One audited request: who, what, when, outcome.', {})) },
      },
      config: { permission: 'admin' },
    },
    async (request) => {
      const page = await store.listAudit(request.query, { signal: AbortSignal.timeout(10_000) });
      return { items: page.items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },
  );
}
