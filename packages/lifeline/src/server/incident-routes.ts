/**
 * Incident reads: `GET /api/v1/incidents` (filtered, paginated by an opaque cursor) and
 * `GET /api/v1/incidents/:id`. List items are summaries (no timeline, run steps or values); the detail is the
 * whole incident. The query is validated by schema, so an unknown `status` is a 400 naming the field. A list is
 * answered from the bytes last sent for the same URL while no incident changed (`answer-cache.ts`).
 * With the `ReadService`, the detail also carries each response target's countdown at the daemon's `now`.
 */
import type { FastifyInstance } from 'fastify';
import type { IncidentQuery, IncidentService } from '../daemon/incident-service.js';
import type { ReadService } from '../daemon/read-service.js';
import { AnswerCache } from './answer-cache.js';
import { API_PREFIX } from './command-actions.js';
import { INCIDENT_SCHEMA, INCIDENT_SUMMARY_SCHEMA, pageOf, record } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import { INCIDENT_PARAMS_SCHEMA, LIST_QUERY_SCHEMA } from './schemas.js';
import { sendProblem } from './send-problem.js';

/** The detail takes no query parameters: an unknown one is a 400 naming it, as on the lists. */
const NO_QUERY_SCHEMA = { type: 'object', properties: {}, additionalProperties: false } as const;

const INCIDENT_DETAIL_SCHEMA = {
  ...INCIDENT_SCHEMA,
  properties: {
    ...(INCIDENT_SCHEMA.properties as Record<string, unknown>),
    countdowns: {
      type: 'array',
      description:
        'Each response target at `now`: `remainingMs` < 0 once overdue, null once met or cancelled.',
      items: record('A response target countdown.', {
        kind: { type: 'string', enum: ['acknowledge', 'firstAction', 'resolve'] },
        status: { type: 'string' },
        dueAt: { type: 'integer' },
        remainingMs: { type: ['integer', 'null'] },
      }),
    },
    now: { type: 'integer', description: "The daemon's clock when it answered (epoch ms)." },
  },
};

export function registerIncidentRoutes(
  app: FastifyInstance,
  service: IncidentService,
  read?: ReadService,
): void {
  const answers = new AnswerCache();
  app.get<{ Querystring: IncidentQuery }>(
    `${API_PREFIX}/incidents`,
    {
      schema: {
        summary: 'Incidents, newest first, as summaries (the detail has the timeline and the run)',
        tags: ['incidents'],
        querystring: LIST_QUERY_SCHEMA,
        response: { 200: pageOf(INCIDENT_SUMMARY_SCHEMA) },
      },
      config: { permission: 'read' },
    },
    (request, reply) =>
      answers.send(request, reply, service.revision(), async () => {
        const page = await service.listIncidents(request.query);
        return {
          items: page.items,
          ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
        };
      }),
  );

  app.get<{ Params: { id: string } }>(
    `${API_PREFIX}/incidents/:id`,
    {
      schema: {
        summary: 'One incident: timeline, playbook run, response targets, linked changes',
        tags: ['incidents'],
        params: INCIDENT_PARAMS_SCHEMA,
        querystring: NO_QUERY_SCHEMA,
        response: { 200: read ? INCIDENT_DETAIL_SCHEMA : INCIDENT_SCHEMA },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const incident = read
        ? await read.incident(request.params.id, AbortSignal.timeout(10_000))
        : await service.getIncident(request.params.id);
      if (!incident) return sendProblem(reply, problemOf('not-found', `no incident ${request.params.id}`));
      return incident;
    },
  );
}
