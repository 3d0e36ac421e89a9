/**
 * A message as a PagerDuty Events API v2 event. The incident id is the `dedup_key`, so every message of an
 * incident lands on the same PagerDuty alert: escalations and steps `trigger` it (PagerDuty folds repeats into
 * the open alert), `acknowledged` acknowledges it and `resolved` resolves it.
 *
 * Format: PagerDuty Events API v2, "Send an Alert Event" (https://developer.pagerduty.com/docs/events-api-v2/
 * trigger-events/): `routing_key` (32 characters), `event_action` trigger | acknowledge | resolve, `dedup_key` at
 * most 255 characters; for a trigger, `payload.summary` (at most 1024), `payload.source`, `payload.severity`
 * critical | error | warning | info, optional `timestamp`, `component`, `group`, `class`, `custom_details`; and
 * optional `links` [{ href, text }], `client`, `client_url`.
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import type { Channel } from '../../workspace/model.js';
import { factsOf } from '../render.js';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

const SUMMARY_LIMIT = 1024;
const DEDUP_LIMIT = 255;
const BY_NUMBER: Record<string, PagerDutySeverity> = { '1': 'critical', '2': 'error', '3': 'warning' };

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url?: string;
  links?: { href: string; text: string }[];
}

/**
 * The channel's `severities` map first; else by the number in the id (`SEV1`/`P1` critical, 2 error, 3 warning);
 * a PagerDuty word used as the id is itself; anything else is info.
 */
export function pagerdutySeverity(
  severity: string,
  map: Readonly<Record<string, PagerDutySeverity>> = {},
): PagerDutySeverity {
  const mapped = map[severity];
  if (mapped) return mapped;
  const lower = severity.toLowerCase();
  if (lower === 'critical' || lower === 'error' || lower === 'warning' || lower === 'info') return lower;
  const digits = /(\d+)$/.exec(severity)?.[1];
  return (digits !== undefined && BY_NUMBER[String(Number(digits))]) || 'info';
}

export function pagerdutyAction(kind: ChannelMessage['kind']): PagerDutyAction {
  return kind === 'acknowledged' ? 'acknowledge' : kind === 'resolved' ? 'resolve' : 'trigger';
}

export function pagerdutyEvent(
  channel: Extract<Channel, { kind: 'pagerduty' }>,
  message: ChannelMessage,
  routingKey: string,
  now: number,
): PagerDutyEvent {
  const action = pagerdutyAction(message.kind);
  const event: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: message.incidentId.slice(0, DEDUP_LIMIT),
    client: 'Lifeline',
    ...(message.link
      ? { client_url: message.link, links: [{ href: message.link, text: 'Open in Lifeline' }] }
      : {}),
  };
  if (action !== 'trigger') return event;
  const summary = `${message.title}: ${message.problem}`;
  const details: Record<string, unknown> = {
    problem: message.problem,
    text: message.text,
    kind: message.kind,
  };
  for (const fact of factsOf(message, now)) details[fact.title] = fact.value;
  if (message.people.length > 0) details.people = message.people.join(', ');
  event.payload = {
    summary: summary.length <= SUMMARY_LIMIT ? summary : `${summary.slice(0, SUMMARY_LIMIT - 1)}…`,
    source: message.affected?.integration ?? 'lifeline',
    severity: pagerdutySeverity(message.severity, channel.severities),
    ...(message.triggeredAt !== undefined ? { timestamp: new Date(message.triggeredAt).toISOString() } : {}),
    ...(message.affected ? { component: message.affected.integration } : {}),
    class: message.kind,
    custom_details: details,
  };
  return event;
}
