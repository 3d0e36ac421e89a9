/**
 * JSON Schemas of the API's inputs, checked by fastify before a handler runs so handlers see valid, typed data
 * and every rejection names the offending field. Bodies reject unknown fields: a misspelt `asignee` is an error
 * the caller should see, not a silently ignored key.
 */
import type { IncidentStatus } from '../engine/index.js';
import type { CommandAction } from './command-actions.js';

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'triggered',
  'acknowledged',
  'mitigated',
  'resolved',
];
export const MAX_PAGE_SIZE = 500;

const ID = { type: 'string', minLength: 1, maxLength: 200 } as const;
const TEXT = { type: 'string', maxLength: 10_000 } as const;

export const LIST_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: INCIDENT_STATUSES },
    severity: ID,
    integration: ID,
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
    cursor: { type: 'string', minLength: 1, maxLength: 1000 },
  },
  additionalProperties: false,
} as const;

export const INCIDENT_PARAMS_SCHEMA = {
  type: 'object',
  properties: { id: ID },
  required: ['id'],
} as const;

export const STEP_PARAMS_SCHEMA = {
  type: 'object',
  properties: { id: ID, step: ID },
  required: ['id', 'step'],
} as const;

/** The fields each action takes besides `actor` and `text`, and which of them are required. */
const ACTION_FIELDS: Readonly<
  Record<CommandAction, { extra: readonly ('assignee' | 'step')[]; required: string[] }>
> = {
  ack: { extra: [], required: [] },
  mitigate: { extra: [], required: [] },
  resolve: { extra: [], required: [] },
  note: { extra: [], required: ['text'] },
  assign: { extra: ['assignee'], required: ['assignee'] },
  attempt: { extra: [], required: [] },
  approve: { extra: ['step'], required: ['step'] },
  decline: { extra: ['step'], required: ['step'] },
  'step-done': { extra: [], required: [] },
};

function bodySchema(action: CommandAction): Record<string, unknown> {
  const { extra, required } = ACTION_FIELDS[action];
  const properties: Record<string, unknown> = {
    actor: ID,
    // A note without words is no note.
    text: required.includes('text') ? { ...TEXT, minLength: 1 } : TEXT,
  };
  for (const field of extra) properties[field] = ID;
  return { type: 'object', properties, required: ['actor', ...required], additionalProperties: false };
}

/** Built once: the validator compiler caches by schema object, so every server shares the compiled ones. */
export const COMMAND_BODY_SCHEMAS: Readonly<Record<CommandAction, Record<string, unknown>>> =
  Object.fromEntries(
    Object.keys(ACTION_FIELDS).map((action) => [action, bodySchema(action as CommandAction)]),
  ) as Record<CommandAction, Record<string, unknown>>;
