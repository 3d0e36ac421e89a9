/**
 * Test-only: a receiver of Lifeline's own webhook, written the way the docs tell users to write one: it checks the
 * body against the documented schema, verifies `X-Lifeline-Signature` (HMAC-SHA256 over `<timestamp>.<body>`)
 * and refuses a timestamp older than five minutes (a replay), and dedupes by `Idempotency-Key`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver, type HttpRequest } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

const str = { type: 'string' };
const strings = { type: 'array', items: str };

/** The webhook body schema as docs/channels.md documents it. */
export const WEBHOOK_BODY_SCHEMA = {
  type: 'object',
  required: [
    'id',
    'incident',
    'kind',
    'title',
    'text',
    'severity',
    'status',
    'problem',
    'episode',
    'people',
    'sentAt',
  ],
  additionalProperties: false,
  properties: {
    id: str,
    incident: str,
    kind: {
      enum: ['escalation', 'breach', 'acknowledged', 'resolved', 'step', 'ticket', 'approval', 'manual'],
    },
    title: str,
    text: str,
    severity: str,
    status: { enum: ['triggered', 'acknowledged', 'mitigated', 'resolved'] },
    problem: str,
    episode: { type: 'integer', minimum: 1 },
    level: { type: 'integer', minimum: 0 },
    cycle: { type: 'integer', minimum: 0 },
    people: strings,
    sentAt: { type: 'string', format: 'date-time' },
    affected: {
      type: 'object',
      required: ['integration', 'endpoints', 'dependents'],
      additionalProperties: false,
      properties: { integration: str, endpoints: strings, dependents: strings },
    },
    currentStep: {
      type: 'object',
      required: ['id', 'status', 'position', 'count'],
      additionalProperties: false,
      properties: { id: str, status: str, position: { type: 'integer' }, count: { type: 'integer' } },
    },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'dueAt', 'status'],
        additionalProperties: false,
        properties: { kind: { enum: ['acknowledge', 'firstAction', 'resolve'] }, dueAt: str, status: str },
      },
    },
    acknowledgedBy: str,
    link: str,
  },
};

const checkBody = schemaCheck(WEBHOOK_BODY_SCHEMA, 'webhook body');
export const REPLAY_TOLERANCE_MS = 5 * 60_000;

/** What a receiver does with the three headers; `undefined` when the delivery is genuine and fresh. */
export function verifyWebhook(secret: string, request: HttpRequest, now: number): string | undefined {
  const timestamp = request.headers['x-lifeline-timestamp'];
  const signature = request.headers['x-lifeline-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return 'unsigned';
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.raw}`).digest('hex')}`;
  const a = Buffer.from(signature);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'bad signature';
  if (Math.abs(now - Number(timestamp) * 1000) > REPLAY_TOLERANCE_MS) return 'stale timestamp (replay?)';
  return undefined;
}

export interface WebhookReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  /** Deliveries refused by the signature check, with the reason. */
  refused: string[];
}

export async function startWebhookReceiver(options: {
  secret: string;
  now: () => number;
}): Promise<WebhookReceiver> {
  const refused: string[] = [];
  const seen = new Set<string>();
  const http = await startHttpReceiver((request) => {
    const problem = verifyWebhook(options.secret, request, options.now());
    if (problem) {
      refused.push(problem);
      return { answer: { status: 401, body: problem } };
    }
    const violations = checkBody(request.json);
    if (!request.key) violations.push('webhook: no Idempotency-Key');
    const body = request.json as { id?: string; text?: string; problem?: string };
    if (body.id !== request.key) violations.push('webhook: body id is not the Idempotency-Key');
    const duplicate = request.key !== undefined && seen.has(request.key);
    if (request.key) seen.add(request.key);
    return {
      answer: { status: 200, body: duplicate ? 'duplicate' : 'ok' },
      delivery: { key: request.key, text: `${body.text ?? ''}\n${body.problem ?? ''}` },
      violations,
    };
  });
  return {
    http,
    refused,
    deliveries: () => http.deliveries,
    violations: () => http.violations,
    transcript: () => transcriptOf(http.requests, ['x-lifeline-signature']),
    fail: (...failures) => http.fail(...failures),
    close: () => http.close(),
  };
}
