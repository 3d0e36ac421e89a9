/**
 * Integrations and how they are doing: `GET /api/v1/integrations` (a page of integrations with their status,
 * latency percentiles and error rate over 5m and 1h, cached SLO attainment, open incidents),
 * `GET /api/v1/integrations/:id` (the same over 5m, 1h and 24h with a fresh SLO, plus its checks and their latest
 * results) and `GET /api/v1/integrations/:id/series` (rollup buckets for
 * charts). What the numbers mean is the `ReadService`'s business; here they are validated, typed and described.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { FAILURE_CLASSES } from '../checks/check-result.js';
import {
  DEFAULT_INTEGRATION_PAGE,
  HEALTH_WINDOWS,
  LIST_WINDOWS,
  MAX_INTEGRATION_PAGE,
  type ReadService,
} from '../daemon/read-service.js';
import { assertNever } from '../engine/index.js';
import { AnswerCache } from './answer-cache.js';
import { API_PREFIX } from './command-actions.js';
import { CHECK_RESULT_SCHEMA, NULLABLE_NUMBER } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import {
  CURSOR_SCHEMA,
  ID_SCHEMA,
  TIME_SCHEMA,
  invalidQuery,
  isProblem,
  queryTimes,
  readSignal,
} from './read-routes-common.js';
import { sendProblem } from './send-problem.js';

const PARAMS = Type.Object({ id: ID_SCHEMA }, { additionalProperties: false });
const NO_QUERY = Type.Object({}, { additionalProperties: false });
const LIST_QUERY = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_INTEGRATION_PAGE,
        description: `Page size (default ${DEFAULT_INTEGRATION_PAGE}).`,
      }),
    ),
    cursor: Type.Optional(CURSOR_SCHEMA),
  },
  { additionalProperties: false },
);
const SERIES_QUERY = Type.Object(
  {
    since: Type.Optional(TIME_SCHEMA),
    until: Type.Optional(TIME_SCHEMA),
    resolution: Type.Optional(
      Type.Union([Type.Literal('minute'), Type.Literal('hour'), Type.Literal('day')], {
        description: 'Bucket width; default minute up to 48 h, hour up to 35 days, else day.',
      }),
    ),
    check: Type.Optional(ID_SCHEMA),
  },
  { additionalProperties: false },
);

const STATUS = { type: 'string', enum: ['up', 'degraded', 'down', 'unknown'] } as const;
const WINDOW_STATS = {
  type: 'object',
  properties: {
    windowMs: { type: 'integer' },
    count: { type: 'integer' },
    failures: { type: 'integer' },
    errorRate: NULLABLE_NUMBER,
    p50: NULLABLE_NUMBER,
    p95: NULLABLE_NUMBER,
    p99: NULLABLE_NUMBER,
  },
  required: ['windowMs', 'count', 'failures', 'errorRate', 'p50', 'p95', 'p99'],
} as const;
const MET = { type: ['boolean', 'null'] } as const;
const SLO = {
  type: 'object',
  description: 'Attainment of the declared SLO over its window (fractions; latencies in ms).',
  properties: {
    windowMs: { type: 'integer' },
    computedAt: {
      type: 'integer',
      description: 'When it was computed (epoch ms); on the list up to 5 min old.',
    },
    availability: {
      type: 'object',
      properties: { target: { type: 'number' }, actual: NULLABLE_NUMBER, met: MET },
    },
    errorRate: {
      type: 'object',
      properties: { below: { type: 'number' }, actual: NULLABLE_NUMBER, met: MET },
    },
    latency: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          percentile: { type: 'string' },
          belowMs: { type: 'number' },
          actualMs: NULLABLE_NUMBER,
          met: MET,
        },
      },
    },
  },
} as const;
const windowsOf = (names: readonly string[]) =>
  ({ type: 'object', properties: Object.fromEntries(names.map((name) => [name, WINDOW_STATS])) }) as const;
const HEALTH_PROPERTIES = {
  id: { type: 'string' },
  name: { type: 'string' },
  vendor: { type: 'string' },
  owner: { type: 'string' },
  description: { type: 'string' },
  status: STATUS,
  lastResultAt: { type: ['integer', 'null'] },
  openIncidents: { type: 'integer' },
  windows: windowsOf(Object.keys(LIST_WINDOWS)),
  slo: SLO,
} as const;
const HEALTH_REQUIRED = ['id', 'name', 'owner', 'status', 'lastResultAt', 'openIncidents', 'windows'];

const INTEGRATION_HEALTH = { type: 'object', properties: HEALTH_PROPERTIES, required: HEALTH_REQUIRED };
const INTEGRATION_DETAIL = {
  type: 'object',
  properties: {
    ...HEALTH_PROPERTIES,
    windows: windowsOf(Object.keys(HEALTH_WINDOWS)),
    checks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          kind: { type: 'string' },
          intervalMs: { type: 'integer' },
          status: STATUS,
          latest: { anyOf: [CHECK_RESULT_SCHEMA, { type: 'null' }] },
        },
        required: ['id', 'kind', 'intervalMs', 'status', 'latest'],
      },
    },
  },
  required: [...HEALTH_REQUIRED, 'checks'],
};
const SERIES = {
  type: 'object',
  properties: {
    integration: { type: 'string' },
    check: { type: 'string' },
    resolution: { type: 'string', enum: ['minute', 'hour', 'day'] },
    bucketMs: { type: 'integer' },
    since: { type: 'integer' },
    until: { type: 'integer' },
    points: {
      type: 'array',
      description: 'Buckets with results, oldest first; checks added up per bucket.',
      items: {
        type: 'object',
        properties: {
          start: { type: 'integer' },
          bucketMs: { type: 'integer' },
          count: { type: 'integer' },
          failures: { type: 'integer' },
          errorRate: NULLABLE_NUMBER,
          p50: NULLABLE_NUMBER,
          p95: NULLABLE_NUMBER,
          p99: NULLABLE_NUMBER,
          byClass: {
            type: 'object',
            description: `Results per failure class (${FAILURE_CLASSES.join(', ')}).`,
            additionalProperties: { type: 'integer' },
          },
        },
        required: ['start', 'bucketMs', 'count', 'failures', 'errorRate', 'p50', 'p95', 'p99', 'byClass'],
      },
    },
  },
  required: ['integration', 'resolution', 'bucketMs', 'since', 'until', 'points'],
};

const TAGS = ['integrations'];

export function registerIntegrationRoutes(app: FastifyInstance, read: ReadService): void {
  // The overview polls the list: an unchanged page is sent again from its bytes (see `answer-cache.ts`).
  const answers = new AnswerCache();
  app.get<{ Querystring: Static<typeof LIST_QUERY> }>(
    `${API_PREFIX}/integrations`,
    {
      schema: {
        summary: 'Integrations with their health, a page at a time in workspace order',
        tags: TAGS,
        querystring: LIST_QUERY,
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: INTEGRATION_HEALTH },
              nextCursor: { type: 'string', description: 'Absent on the last page.' },
            },
            required: ['items'],
          },
        },
      },
      config: { permission: 'read' },
    },
    (request, reply) =>
      answers.send(request, reply, read.integrationsRevision(request.query), async () => {
        const answer = await read.integrations(request.query, readSignal());
        switch (answer.kind) {
          case 'page':
            return answer.page;
          case 'invalid':
            return invalidQuery(answer.field, answer.message);
          default:
            return assertNever(answer, 'integrations answer');
        }
      }),
  );

  app.get<{ Params: Static<typeof PARAMS> }>(
    `${API_PREFIX}/integrations/:id`,
    {
      schema: {
        summary: 'One integration with its checks and their latest results',
        tags: TAGS,
        params: PARAMS,
        querystring: NO_QUERY,
        response: { 200: INTEGRATION_DETAIL },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const detail = await read.integration(request.params.id, readSignal());
      if (!detail) return sendProblem(reply, problemOf('not-found', `no integration ${request.params.id}`));
      return detail;
    },
  );

  app.get<{ Params: Static<typeof PARAMS>; Querystring: Static<typeof SERIES_QUERY> }>(
    `${API_PREFIX}/integrations/:id/series`,
    {
      schema: {
        summary: "Rollup buckets of an integration's results, for charts",
        tags: TAGS,
        params: PARAMS,
        querystring: SERIES_QUERY,
        response: { 200: SERIES },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const { since: _since, until: _until, ...rest } = request.query;
      const times = queryTimes(request.query);
      if (isProblem(times)) return sendProblem(reply, times);
      const answer = await read.series(request.params.id, { ...rest, ...times }, readSignal());
      switch (answer.kind) {
        case 'series':
          return answer.series;
        case 'not-found':
          return sendProblem(reply, problemOf('not-found', `no integration ${request.params.id}`));
        case 'invalid':
          return sendProblem(reply, invalidQuery(answer.field, answer.message));
        default:
          return assertNever(answer, 'series answer');
      }
    },
  );
}
