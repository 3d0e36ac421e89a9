/**
 * Response schemas of the API's records, shared by the routes that answer with them. They serve two readers:
 * fastify, which serialises replies with them, and the OpenAPI document, which shows them to API users. So they
 * name the fields a client relies on and stay open (`additionalProperties: true`): a record that gains a field
 * must not lose it on the wire because a schema here was not updated.
 */
import { FAILURE_CLASSES } from '../checks/check-result.js';
import { OUTBOX_STATUSES } from '../store/engine-records.js';
import { INCIDENT_STATUSES } from './schemas.js';

export const NULLABLE_NUMBER = { type: ['number', 'null'] } as const;
const EPOCH_MS = { type: 'integer', description: 'Epoch milliseconds.' } as const;
const STRING = { type: 'string' } as const;

/** An object with the listed fields that keeps any other field the record has. */
export function record(
  description: string,
  properties: Record<string, unknown>,
  required: readonly string[] = [],
): Record<string, unknown> {
  return { type: 'object', description, properties, required: [...required], additionalProperties: true };
}

/** `{ items, nextCursor? }`: one page of a cursor-paginated list. */
export function pageOf(item: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: 'string', description: 'Pass as `cursor` for the next page; absent on the last.' },
    },
    required: ['items'],
  };
}

export const CHECK_RESULT_SCHEMA = record(
  'One run of one check, as stored.',
  {
    id: STRING,
    integration: STRING,
    check: STRING,
    kind: { type: 'string', enum: ['http', 'tls', 'credential', 'schema'] },
    ok: { type: 'boolean' },
    class: { type: 'string', enum: FAILURE_CLASSES },
    status: { type: 'integer' },
    latencyMs: { type: 'number' },
    signature: STRING,
    message: STRING,
    startedAt: EPOCH_MS,
    attempts: { type: 'integer' },
  },
  ['integration', 'check', 'kind', 'ok', 'class', 'latencyMs', 'message', 'startedAt'],
);

export const INCIDENT_SCHEMA = record(
  'An incident with its timeline, response targets and playbook run.',
  {
    id: STRING,
    playbookId: STRING,
    integration: STRING,
    severity: STRING,
    status: { type: 'string', enum: INCIDENT_STATUSES },
    problem: STRING,
    openedAt: EPOCH_MS,
    triggeredAt: EPOCH_MS,
    targets: { type: 'array', items: record('A response target of the current episode.', {}) },
    run: record('The playbook run: `steps[]` with a status each, `cursor` at the step in progress.', {}),
    timeline: { type: 'array', items: record('One change of the incident: who, when, what.', {}) },
    changes: { type: 'array', items: record('A change in the look-back window, most relevant first.', {}) },
    similar: {
      type: 'array',
      items: record(
        'A resolved incident of the same integration that failed the same way, most alike first, with what resolved it.',
        {
          id: STRING,
          match: { type: 'string', enum: ['same-signature', 'same-playbook', 'same-checks'] },
          problem: STRING,
          openedAt: EPOCH_MS,
          resolvedAt: EPOCH_MS,
          durationMs: { type: 'integer' },
          resolution: record('Who resolved it, automatically or not, and their note.', {}),
          stepsSucceeded: { type: 'array', items: STRING },
        },
      ),
    },
  },
  ['id', 'integration', 'severity', 'status', 'problem', 'openedAt'],
);

export const INCIDENT_SUMMARY_SCHEMA = record(
  'An incident as the list shows it: no timeline, run steps or values (`GET /incidents/{id}` has them).',
  {
    id: STRING,
    playbookId: STRING,
    integration: STRING,
    severity: STRING,
    status: { type: 'string', enum: INCIDENT_STATUSES },
    problem: STRING,
    ownerTeam: STRING,
    assignee: STRING,
    openedAt: EPOCH_MS,
    triggeredAt: EPOCH_MS,
    acknowledgedAt: EPOCH_MS,
    acknowledgedBy: STRING,
    mitigatedAt: EPOCH_MS,
    resolvedAt: EPOCH_MS,
    episode: { type: 'integer' },
    occurrences: { type: 'integer' },
    lastOccurredAt: EPOCH_MS,
    nextTarget: record(
      'The response target still running that falls due first; absent when none is.',
      { kind: { type: 'string', enum: ['acknowledge', 'firstAction', 'resolve'] }, dueAt: EPOCH_MS },
      ['kind', 'dueAt'],
    ),
    run: record(
      "The playbook run's status and the id of the step at its cursor (absent once the run got to the end).",
      { status: STRING, stepId: STRING },
      ['status'],
    ),
  },
  ['id', 'integration', 'severity', 'status', 'problem', 'openedAt', 'triggeredAt', 'episode', 'run'],
);

export const OUTBOX_SUMMARY_SCHEMA = record(
  'A delivery to a channel: its receipt once delivered, its last error while retried or dead.',
  {
    id: STRING,
    incidentId: STRING,
    kind: STRING,
    channel: STRING,
    status: { type: 'string', enum: OUTBOX_STATUSES },
    attempts: { type: 'integer' },
    nextAttemptAt: EPOCH_MS,
    leaseUntil: EPOCH_MS,
    lastError: STRING,
    receipt: { description: "The channel's receipt (provider ids)." },
    createdAt: EPOCH_MS,
    deliveredAt: EPOCH_MS,
  },
  ['id', 'incidentId', 'kind', 'status', 'attempts', 'createdAt'],
);

export const CHANGE_SCHEMA = record(
  'A change record: a deploy, a config change, a key rotation.',
  { id: STRING, at: EPOCH_MS, kind: STRING, integration: STRING, summary: STRING },
  ['id', 'at'],
);

export const HEALTH_REPORT_SCHEMA = record('The daemon health report.', {
  ok: { type: 'boolean' },
  workspace: record('The workspace in use.', {}),
  store: record('The store.', {}),
  checks: record('The scheduler.', {}),
  incidents: record('Open incidents.', {}),
  outbox: record('Deliveries waiting.', {}),
});

/** The RFC 9457 problem every failure answers with (`problem.ts`). */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details; branch on `type`, never on `detail`.',
  properties: {
    type: { type: 'string', format: 'uri', description: '`https://lifeline.dev/problems/<kind>`.' },
    title: STRING,
    status: { type: 'integer' },
    detail: STRING,
    field: { type: 'string', description: 'Validation problems: the first offending field.' },
    in: { type: 'string', enum: ['body', 'querystring', 'params', 'headers'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: STRING,
          in: { type: 'string', enum: ['body', 'querystring', 'params', 'headers'] },
          message: STRING,
        },
        required: ['field', 'in', 'message'],
      },
    },
    incident: { description: 'Conflicts on an incident: its current state.' },
    diagnostics: {
      type: 'array',
      items: { type: 'object', additionalProperties: true },
      description: 'A refused workspace reload: every diagnostic, with file:line:col.',
    },
  },
  required: ['type', 'title', 'status', 'detail'],
  additionalProperties: true,
} as const;
