/**
 * Change records over HTTP: `POST /api/v1/changes` (a JSON body, validated by schema), `GET /api/v1/changes`
 * (newest first, filtered, paginated by cursor), and two signed webhooks that record changes from elsewhere —
 * `POST /api/v1/changes/webhook` (Lifeline's scheme: `X-Lifeline-Timestamp`, `X-Lifeline-Signature`) and
 * `POST /api/v1/changes/github` (GitHub `deployment_status`, `X-Hub-Signature-256`). The signatures cover the
 * bytes sent, so the webhooks read their bodies as raw text in a scope of their own and parse them only once
 * the signature holds. Answers: 201 recorded, 200 already recorded (same id), 202 acknowledged and ignored,
 * 400 naming the field, 401 bad signature or stale timestamp, 404 webhook not configured — nothing is
 * recorded unless the answer is 200 or 201.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ChangeInputSchema, ISO_TIME_PATTERN, type ChangeInput } from '../changes/change-input.js';
import type { ChangeListQuery, ChangeOutcome, ChangeService } from '../daemon/change-service.js';
import { assertNever } from '../engine/index.js';
import { API_PREFIX } from './command-actions.js';
import { CHANGE_SCHEMA, pageOf } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import { isProblem, queryTimes } from './read-routes-common.js';
import { MAX_PAGE_SIZE } from './schemas.js';
import { sendProblem } from './send-problem.js';

const NAME = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** Epoch ms or ISO 8601. */
const TIME = { type: 'string', pattern: `^[0-9]{1,15}$|${ISO_TIME_PATTERN}` } as const;

export const CHANGE_LIST_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    integration: NAME,
    since: TIME,
    until: TIME,
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
    cursor: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  additionalProperties: false,
} as const;

export const GITHUB_QUERY_SCHEMA = {
  type: 'object',
  properties: { integration: NAME, service: NAME, team: NAME },
  additionalProperties: false,
} as const;

/** GitHub deployment payloads carry whole repository and user objects; well within this. */
const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/** What recording answers: the change (201 new, 200 already recorded) or 202 acknowledged and ignored. */
const RECORDED_RESPONSES = {
  200: CHANGE_SCHEMA,
  201: CHANGE_SCHEMA,
  202: {
    type: 'object',
    properties: { ignored: { type: 'boolean' }, reason: { type: 'string' } },
    required: ['ignored', 'reason'],
  },
};
const TAGS = ['changes'];

interface ListRoute {
  Querystring: { integration?: string; since?: string; until?: string; limit?: number; cursor?: string };
}

interface GithubRoute {
  Querystring: { integration?: string; service?: string; team?: string };
}

export function registerChangeRoutes(app: FastifyInstance, service: ChangeService): void {
  app.post<{ Body: ChangeInput }>(
    `${API_PREFIX}/changes`,
    {
      schema: {
        summary: 'Record a change',
        tags: TAGS,
        body: ChangeInputSchema,
        response: RECORDED_RESPONSES,
      },
      config: { permission: 'respond' },
    },
    async (request, reply) => answer(reply, await service.record(request.body)),
  );

  app.get<ListRoute>(
    `${API_PREFIX}/changes`,
    {
      schema: {
        summary: 'Changes, newest first',
        tags: TAGS,
        querystring: CHANGE_LIST_QUERY_SCHEMA,
        response: { 200: pageOf(CHANGE_SCHEMA) },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const { integration, limit, cursor } = request.query;
      const times = queryTimes(request.query);
      if (isProblem(times)) return sendProblem(reply, times);
      const query: ChangeListQuery = {
        ...(integration !== undefined ? { integration } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        ...times,
      };
      const page = await service.list(query);
      return { items: page.items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  // The webhooks' scope: bodies stay raw strings (the signature covers them byte for byte).
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );

    scope.post<{ Body: string }>(
      `${API_PREFIX}/changes/webhook`,
      // The webhooks check their own HMAC signatures, with or without API tokens.
      {
        bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
        schema: { summary: 'Record a change: signed webhook', tags: TAGS, response: RECORDED_RESPONSES },
        config: { permission: 'webhook' },
      },
      async (request, reply) =>
        answer(
          reply,
          await service.receiveWebhook({
            body: rawBody(request.body),
            ...header('timestamp', request.headers['x-lifeline-timestamp']),
            ...header('signature', request.headers['x-lifeline-signature']),
          }),
        ),
    );

    scope.post<GithubRoute & { Body: string }>(
      `${API_PREFIX}/changes/github`,
      {
        bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
        schema: {
          summary: 'Record a change: GitHub deployment_status webhook',
          tags: TAGS,
          querystring: GITHUB_QUERY_SCHEMA,
          response: RECORDED_RESPONSES,
        },
        config: { permission: 'webhook' },
      },
      async (request, reply) =>
        answer(
          reply,
          await service.receiveGithub({
            body: rawBody(request.body),
            target: request.query,
            ...header('contentType', request.headers['content-type']),
            ...header('event', request.headers['x-github-event']),
            ...header('signature', request.headers['x-hub-signature-256']),
          }),
        ),
    );
  });
}

function answer(reply: FastifyReply, outcome: ChangeOutcome): FastifyReply {
  switch (outcome.kind) {
    case 'recorded':
      return reply.code(outcome.created ? 201 : 200).send(outcome.change);
    case 'ignored':
      return reply.code(202).send({ ignored: true, reason: outcome.reason });
    case 'invalid': {
      const where = outcome.field ? `body \`${outcome.field}\` ` : '';
      return sendProblem(
        reply,
        problemOf('invalid-request', `${where}${outcome.message}`, { field: outcome.field, in: 'body' }),
      );
    }
    case 'unauthorized':
      return sendProblem(reply, problemOf('unauthorized', outcome.message));
    case 'not-configured':
      return sendProblem(reply, problemOf('not-found', outcome.message));
    case 'unavailable':
      return sendProblem(reply, problemOf('unavailable', outcome.message));
    default:
      return assertNever(outcome, 'change outcome');
  }
}

/** A request without a body reaches the handler with `undefined`; the signature then covers ''. */
function rawBody(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

/** One header's value as an optional field; a repeated header counts as absent (it is ambiguous). */
function header<K extends string>(key: K, value: string | string[] | undefined): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}
