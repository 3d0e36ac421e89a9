/**
 * Test-only: a Slack incoming webhook. Answers `ok` to a body that is valid Block Kit, `400 invalid_blocks` to
 * one that is not (and records why), `404 no_service` to a wrong hook path.
 *
 * Format encoded from the Slack Block Kit reference (https://api.slack.com/reference/block-kit/blocks and
 * .../composition-objects): the blocks and limits Lifeline uses (header, section, context, divider, actions).
 */
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

const plain = (max: number) => ({
  type: 'object',
  required: ['type', 'text'],
  additionalProperties: false,
  properties: {
    type: { const: 'plain_text' },
    text: { type: 'string', minLength: 1, maxLength: max },
    emoji: { type: 'boolean' },
  },
});
const textObject = (max: number) => ({
  oneOf: [
    plain(max),
    {
      type: 'object',
      required: ['type', 'text'],
      additionalProperties: false,
      properties: {
        type: { const: 'mrkdwn' },
        text: { type: 'string', minLength: 1, maxLength: max },
        verbatim: { type: 'boolean' },
      },
    },
  ],
});
const block = (type: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  required: ['type', ...required],
  additionalProperties: false,
  properties: { type: { const: type }, block_id: { type: 'string', maxLength: 255 }, ...properties },
});

export const SLACK_WEBHOOK_SCHEMA = {
  type: 'object',
  required: ['text'],
  properties: {
    text: { type: 'string', minLength: 1 },
    blocks: {
      type: 'array',
      maxItems: 50,
      items: {
        oneOf: [
          block('header', { text: plain(150) }, ['text']),
          {
            ...block('section', {
              text: textObject(3000),
              fields: { type: 'array', minItems: 1, maxItems: 10, items: textObject(2000) },
            }),
            anyOf: [{ required: ['text'] }, { required: ['fields'] }],
          },
          block(
            'context',
            { elements: { type: 'array', minItems: 1, maxItems: 10, items: textObject(3000) } },
            ['elements'],
          ),
          block('divider', {}),
          block(
            'actions',
            {
              elements: {
                type: 'array',
                minItems: 1,
                maxItems: 25,
                items: {
                  type: 'object',
                  required: ['type', 'text'],
                  additionalProperties: false,
                  properties: {
                    type: { const: 'button' },
                    text: plain(75),
                    url: { type: 'string', maxLength: 3000 },
                    action_id: { type: 'string', maxLength: 255 },
                    style: { enum: ['primary', 'danger'] },
                  },
                },
              },
            },
            ['elements'],
          ),
        ],
      },
    },
  },
};

const checkBody = schemaCheck(SLACK_WEBHOOK_SCHEMA, 'slack body');
export const SLACK_HOOK_PATH = '/services/T0001/B0001/XXXXsecretXXXXhookXXXX';

export interface SlackReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  /** The hook URL (a secret in the workspace). */
  hookUrl: string;
  bodies(): { text: string; blocks: Record<string, unknown>[] }[];
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const http = await startHttpReceiver(
    (request) => {
      if (request.path !== SLACK_HOOK_PATH) return { answer: { status: 404, body: 'no_service' } };
      const violations = checkBody(request.json);
      if (violations.length > 0) return { answer: { status: 400, body: 'invalid_blocks' }, violations };
      return { answer: { status: 200, body: 'ok' }, delivery: { key: request.key, text: request.raw } };
    },
    (request) => request.path,
  );
  return {
    http,
    hookUrl: `${http.url}${SLACK_HOOK_PATH}`,
    bodies: () =>
      http.requests
        .filter((r) => r.path === SLACK_HOOK_PATH)
        .map((r) => r.json as { text: string; blocks: Record<string, unknown>[] }),
    deliveries: () => http.deliveries,
    violations: () => http.violations,
    transcript: () => transcriptOf(http.requests),
    fail: (...failures) => http.fail(...failures),
    close: () => http.close(),
  };
}
