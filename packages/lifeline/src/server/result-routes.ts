/**
 * `GET /api/v1/results`: raw check results newest first, filtered by integration, check, failure class, outcome
 * and time range, paginated by an opaque cursor. Raw results are the recent past (a ring per check, see the
 * store); charts over longer ranges read `/integrations/:id/series`.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { FAILURE_CLASSES, type FailureClass } from '../checks/check-result.js';
import type { ReadService } from '../daemon/read-service.js';
import { API_PREFIX } from './command-actions.js';
import { CHECK_RESULT_SCHEMA, pageOf } from './openapi-schemas.js';
import {
  CURSOR_SCHEMA,
  ID_SCHEMA,
  LIMIT_SCHEMA,
  TIME_SCHEMA,
  isProblem,
  queryTimes,
  readSignal,
} from './read-routes-common.js';
import { sendProblem } from './send-problem.js';

const CLASS = Type.Unsafe<FailureClass>({ type: 'string', enum: [...FAILURE_CLASSES] });

const RESULT_QUERY = Type.Object(
  {
    integration: Type.Optional(ID_SCHEMA),
    check: Type.Optional(ID_SCHEMA),
    class: Type.Optional(
      Type.Array(CLASS, {
        maxItems: FAILURE_CLASSES.length,
        description: 'Repeat for any of several classes.',
      }),
    ),
    ok: Type.Optional(Type.Boolean()),
    since: Type.Optional(TIME_SCHEMA),
    until: Type.Optional(TIME_SCHEMA),
    limit: Type.Optional(LIMIT_SCHEMA),
    cursor: Type.Optional(CURSOR_SCHEMA),
  },
  { additionalProperties: false },
);

export function registerResultRoutes(app: FastifyInstance, read: ReadService): void {
  app.get<{ Querystring: Static<typeof RESULT_QUERY> }>(
    `${API_PREFIX}/results`,
    {
      schema: {
        summary: 'Check results, newest first',
        tags: ['results'],
        querystring: RESULT_QUERY,
        response: { 200: pageOf(CHECK_RESULT_SCHEMA) },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const times = queryTimes(request.query);
      if (isProblem(times)) return sendProblem(reply, times);
      const { since: _since, until: _until, ...filters } = request.query;
      return read.results({ ...filters, ...times }, readSignal());
    },
  );
}
