/**
 * Incident reads: `GET /api/v1/incidents` (filtered, paginated by an opaque cursor) and
 * `GET /api/v1/incidents/:id`. The query is validated by schema, so an unknown `status` is a 400 naming the field.
 */
import type { FastifyInstance } from 'fastify';
import type { IncidentQuery, IncidentService } from '../daemon/incident-service.js';
import { API_PREFIX } from './command-actions.js';
import { problemOf } from './problem.js';
import { INCIDENT_PARAMS_SCHEMA, LIST_QUERY_SCHEMA } from './schemas.js';
import { sendProblem } from './send-problem.js';

export function registerIncidentRoutes(app: FastifyInstance, service: IncidentService): void {
  app.get<{ Querystring: IncidentQuery }>(
    `${API_PREFIX}/incidents`,
    { schema: { querystring: LIST_QUERY_SCHEMA }, config: { permission: 'read' } },
    async (request) => {
      const page = await service.listIncidents(request.query);
      return { items: page.items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get<{ Params: { id: string } }>(
    `${API_PREFIX}/incidents/:id`,
    { schema: { params: INCIDENT_PARAMS_SCHEMA }, config: { permission: 'read' } },
    async (request, reply) => {
      const incident = await service.getIncident(request.params.id);
      if (!incident) return sendProblem(reply, problemOf('not-found', `no incident ${request.params.id}`));
      return incident;
    },
  );
}
