/**
 * Test-only: the PagerDuty Events API v2 (`POST /v2/enqueue`). Validates each event against the published
 * format, answers 202 `{ status: "success", message: "Event processed", dedup_key }` or 400 `{ status: "invalid
 * event", message, errors }`, and keeps alerts by `dedup_key` the way PagerDuty does: a trigger for an open alert
 * is folded into it, acknowledge and resolve change its status.
 *
 * Format encoded from PagerDuty's Events API v2 docs (https://developer.pagerduty.com/docs/events-api-v2/
 * trigger-events/, .../acknowledge-events/, .../resolve-events/).
 */
import type { ConformanceReceiver } from '../conformance.js';
import { startHttpReceiver, transcriptOf, type HttpReceiver } from './http-receiver.js';
import { schemaCheck } from './schema-check.js';

const common = {
  routing_key: { type: 'string', minLength: 32, maxLength: 32 },
  dedup_key: { type: 'string', minLength: 1, maxLength: 255 },
  client: { type: 'string' },
  client_url: { type: 'string', format: 'uri' },
  links: {
    type: 'array',
    items: {
      type: 'object',
      required: ['href'],
      properties: { href: { type: 'string' }, text: { type: 'string' } },
    },
  },
  images: { type: 'array' },
};

export const PAGERDUTY_EVENT_SCHEMA = {
  oneOf: [
    {
      type: 'object',
      required: ['routing_key', 'event_action', 'payload'],
      additionalProperties: false,
      properties: {
        ...common,
        event_action: { const: 'trigger' },
        payload: {
          type: 'object',
          required: ['summary', 'source', 'severity'],
          additionalProperties: false,
          properties: {
            summary: { type: 'string', minLength: 1, maxLength: 1024 },
            source: { type: 'string', minLength: 1 },
            severity: { enum: ['critical', 'error', 'warning', 'info'] },
            timestamp: { type: 'string', format: 'date-time' },
            component: { type: 'string' },
            group: { type: 'string' },
            class: { type: 'string' },
            custom_details: { type: 'object' },
          },
        },
      },
    },
    {
      type: 'object',
      required: ['routing_key', 'event_action', 'dedup_key'],
      additionalProperties: false,
      properties: { ...common, event_action: { enum: ['acknowledge', 'resolve'] } },
    },
  ],
};

const checkEvent = schemaCheck(PAGERDUTY_EVENT_SCHEMA, 'pagerduty event');
const DONE: Record<string, string> = {
  trigger: 'triggered',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
};

export interface PagerDutyAlert {
  dedupKey: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  severity: string;
  events: number;
}

export interface PagerDutyReceiver extends ConformanceReceiver {
  http: HttpReceiver;
  events(): Record<string, unknown>[];
  alerts: Map<string, PagerDutyAlert>;
}

export async function startPagerDutyReceiver(routingKey: string): Promise<PagerDutyReceiver> {
  const alerts = new Map<string, PagerDutyAlert>();
  const http = await startHttpReceiver(
    (request) => {
      if (request.method !== 'POST' || request.path !== '/v2/enqueue') return { answer: { status: 404 } };
      const errors = checkEvent(request.json);
      const event = request.json as {
        routing_key?: string;
        event_action?: string;
        dedup_key?: string;
        payload?: { severity?: string; summary?: string; custom_details?: unknown };
      };
      if (errors.length === 0 && event.routing_key !== routingKey)
        errors.push('pagerduty event: unknown routing_key');
      if (errors.length > 0) {
        return {
          answer: {
            status: 400,
            body: { status: 'invalid event', message: 'Event object is invalid', errors },
          },
          violations: errors,
        };
      }
      const key = event.dedup_key!;
      const alert = alerts.get(key);
      if (event.event_action === 'trigger') {
        if (alert && alert.status !== 'resolved') alert.events++;
        else
          alerts.set(key, {
            dedupKey: key,
            status: 'triggered',
            severity: event.payload!.severity!,
            events: 1,
          });
      } else if (alert && alert.status !== 'resolved') {
        alert.status = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
        alert.events++;
      }
      const { routing_key: _secret, ...content } = event;
      return {
        answer: { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: key } },
        delivery: { key, text: `${DONE[event.event_action!]} ${JSON.stringify(content)}` },
      };
    },
    (request) => (request.json as { routing_key?: string } | undefined)?.routing_key ?? '',
  );
  return {
    http,
    alerts,
    events: () => http.requests.map((r) => r.json as Record<string, unknown>),
    deliveries: () => http.deliveries,
    violations: () => http.violations,
    // The routing key travels in the body by protocol; everything else must be free of it.
    transcript: () =>
      transcriptOf(
        http.requests.map((r) => {
          const { routing_key: _secret, ...rest } = (r.json ?? {}) as Record<string, unknown>;
          return { ...r, raw: JSON.stringify(rest) };
        }),
      ),
    fail: (...failures) => http.fail(...failures),
    close: () => http.close(),
  };
}
