/**
 * Playbooks of the workspace in use: `GET /api/v1/playbooks` (what each is for) and
 * `GET /api/v1/playbooks/:id/plan` (what it would do, from the engine itself — the same plan as
 * `lifeline playbook plan --json`, without the channel deliverability check, which only the CLI makes).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { FAILURE_CLASSES } from '../checks/check-result.js';
import type { ReadService } from '../daemon/read-service.js';
import { API_PREFIX } from './command-actions.js';
import { record } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import { ID_SCHEMA, readSignal } from './read-routes-common.js';
import { sendProblem } from './send-problem.js';

const PARAMS = Type.Object({ id: ID_SCHEMA }, { additionalProperties: false });
const NO_QUERY = Type.Object({}, { additionalProperties: false });
const VALUE_PATTERN = '^([A-Za-z_][A-Za-z0-9_.-]*)=(.*)$';
const PLAN_QUERY = Type.Object(
  {
    value: Type.Optional(
      Type.Array(Type.String({ pattern: VALUE_PATTERN, maxLength: 1000 }), {
        maxItems: 50,
        description: 'A simulated measured value, `NAME=VALUE` (e.g. `value=1.4s`); repeat for several.',
      }),
    ),
  },
  { additionalProperties: false },
);

const PLAYBOOK_SUMMARY = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    integration: { type: 'string' },
    severity: { type: 'string' },
    covers: { type: 'array', items: { type: 'string', enum: FAILURE_CLASSES } },
    steps: { type: 'integer', description: 'How many steps it has.' },
  },
  required: ['id', 'name', 'integration', 'severity', 'covers', 'steps'],
};
const PLAN = record(
  'What the playbook would do: the simulated incident, response targets, escalation, steps and static checks.',
  {
    playbook: record('The playbook.', {}),
    trigger: record('The simulated trigger.', {}),
    incident: record('The incident it would open.', {}),
    responseTargets: { type: 'array', items: record('A response target.', {}) },
    escalation: record('Who is notified when, if nobody responds.', {}),
    steps: { type: 'array', items: record('A step and how it fares on the happy path.', {}) },
    followUps: { type: 'array', items: record('A follow-up.', {}) },
    checks: { type: 'array', items: record('A static check finding (`code`, `severity`, `message`).', {}) },
  },
  ['playbook', 'trigger', 'incident', 'responseTargets', 'escalation', 'steps', 'followUps', 'checks'],
);

const TAGS = ['playbooks'];

export function registerPlaybookRoutes(app: FastifyInstance, read: ReadService): void {
  app.get(
    `${API_PREFIX}/playbooks`,
    {
      schema: {
        summary: 'Playbooks of the workspace',
        tags: TAGS,
        querystring: NO_QUERY,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: PLAYBOOK_SUMMARY } } },
        },
      },
      config: { permission: 'read' },
    },
    async () => ({ items: await read.playbooks(readSignal()) }),
  );

  app.get<{ Params: Static<typeof PARAMS>; Querystring: Static<typeof PLAN_QUERY> }>(
    `${API_PREFIX}/playbooks/:id/plan`,
    {
      schema: {
        summary: 'What a playbook would do',
        tags: TAGS,
        params: PARAMS,
        querystring: PLAN_QUERY,
        response: { 200: PLAN },
      },
      config: { permission: 'read' },
    },
    async (request, reply) => {
      const values: Record<string, string> = {};
      for (const pair of request.query.value ?? []) {
        const match = new RegExp(VALUE_PATTERN).exec(pair);
        if (match) values[match[1]!] = match[2]!;
      }
      const plan = await read.plan(request.params.id, values, readSignal());
      if (!plan) return sendProblem(reply, problemOf('not-found', `no playbook ${request.params.id}`));
      return plan;
    },
  );
}
