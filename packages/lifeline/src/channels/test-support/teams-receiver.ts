/**
 * Test-only: a Teams workflow webhook ("When a Teams webhook request is received"). Answers 202 to a message
 * with one Adaptive Card attachment that fits the schema, 400 to anything else (recording why), 401 to a wrong
 * signature in the query.
 *
 * Format encoded from the Adaptive Card schema 1.5 (http://adaptivecards.io/schemas/adaptive-card.json; element
 * reference https://adaptivecards.io/explorer/) for the elements Lifeline uses (TextBlock, FactSet, Container,
 * Action.OpenUrl), and the Teams envelope (`type: message`, `attachments[].contentType`
 * `application/vnd.microsoft.card.adaptive`, `content`).
 */
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

const common = {
  id: { type: 'string' },
  spacing: { enum: ['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding'] },
  separator: { type: 'boolean' },
  isVisible: { type: 'boolean' },
};

const TEXT_BLOCK = {
  type: 'object',
  required: ['type', 'text'],
  additionalProperties: false,
  properties: {
    ...common,
    type: { const: 'TextBlock' },
    text: { type: 'string' },
    wrap: { type: 'boolean' },
    size: { enum: ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'] },
    weight: { enum: ['Default', 'Lighter', 'Bolder'] },
    color: { enum: ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'] },
    isSubtle: { type: 'boolean' },
    maxLines: { type: 'integer', minimum: 1 },
    horizontalAlignment: { enum: ['Left', 'Center', 'Right'] },
    fontType: { enum: ['Default', 'Monospace'] },
    style: { enum: ['default', 'heading'] },
  },
};

const FACT_SET = {
  type: 'object',
  required: ['type', 'facts'],
  additionalProperties: false,
  properties: {
    ...common,
    type: { const: 'FactSet' },
    facts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['title', 'value'],
        additionalProperties: false,
        properties: { title: { type: 'string' }, value: { type: 'string' } },
      },
    },
  },
};

const OPEN_URL = {
  type: 'object',
  required: ['type', 'url'],
  additionalProperties: false,
  properties: {
    type: { const: 'Action.OpenUrl' },
    title: { type: 'string' },
    url: { type: 'string', format: 'uri' },
  },
};

export const ADAPTIVE_CARD_15_SCHEMA = {
  type: 'object',
  required: ['type', 'version'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    type: { const: 'AdaptiveCard' },
    version: { type: 'string', pattern: '^1\\.[0-5]$' },
    body: {
      type: 'array',
      items: {
        oneOf: [
          TEXT_BLOCK,
          FACT_SET,
          {
            type: 'object',
            required: ['type', 'items'],
            additionalProperties: false,
            properties: {
              ...common,
              type: { const: 'Container' },
              items: { type: 'array', items: { oneOf: [TEXT_BLOCK, FACT_SET] } },
            },
          },
        ],
      },
    },
    actions: { type: 'array', items: OPEN_URL },
    fallbackText: { type: 'string' },
    msteams: { type: 'object', properties: { width: { enum: ['Full'] } } },
  },
};

export const TEAMS_MESSAGE_SCHEMA = {
  type: 'object',
  required: ['type', 'attachments'],
  properties: {
    type: { const: 'message' },
    attachments: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        required: ['contentType', 'content'],
        additionalProperties: false,
        properties: {
          contentType: { const: 'application/vnd.microsoft.card.adaptive' },
          contentUrl: { type: 'null' },
          content: ADAPTIVE_CARD_15_SCHEMA,
        },
      },
    },
  },
};

const checkBody = schemaCheck(TEAMS_MESSAGE_SCHEMA, 'teams body');
const SIGNATURE = 'sig-0123456789abcdefTEAMS';

export interface TeamsReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  /** The workflow URL (a secret in the workspace: it carries the signature). */
  hookUrl: string;
  cards(): Record<string, unknown>[];
}

export async function startTeamsReceiver(): Promise<TeamsReceiver> {
  const path = `/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=${SIGNATURE}`;
  const http = await startHttpReceiver(
    (request) => {
      if (request.path !== path)
        return { answer: { status: 401, body: { error: { code: 'DirectApiAuthorizationRequired' } } } };
      const violations = checkBody(request.json);
      if (violations.length > 0)
        return { answer: { status: 400, body: { error: { code: 'InvalidRequestContent' } } }, violations };
      return { answer: { status: 202 }, delivery: { key: request.key, text: request.raw } };
    },
    (request) => request.path,
  );
  return {
    http,
    hookUrl: `${http.url}${path}`,
    cards: () =>
      http.requests
        .map(
          (r) =>
            (r.json as { attachments?: { content: Record<string, unknown> }[] } | undefined)?.attachments?.[0]
              ?.content,
        )
        .filter((c): c is Record<string, unknown> => c !== undefined),
    deliveries: () => http.deliveries,
    violations: () => http.violations,
    transcript: () => transcriptOf(http.requests),
    fail: (...failures) => http.fail(...failures),
    close: () => http.close(),
  };
}
