/**
 * What the daemon tells live listeners (the dashboard, `GET /api/v1/events`): the kinds of live event and their
 * data. The event types and field names are a promise to API users (docs/api.md "Live events"): add fields and
 * types, never rename one.
 */
import type { FailureClass } from '../checks/check-result.js';
import type { Incident, IncidentStatus } from '../engine/index.js';

/** How a check or an integration is doing, as a dashboard colours it. */
export type HealthStatus = 'up' | 'degraded' | 'down';

/** The incident as it is after a committed decision that concerned it. */
export interface IncidentSummary {
  id: string;
  integration: string;
  status: IncidentStatus;
  severity: string;
  problem: string;
  /** Epoch ms of the commit. */
  updatedAt: number;
}

/** A check's status or failure class changed (not sent for a result like the one before). */
export interface CheckStatusChange {
  integration: string;
  check: string;
  status: HealthStatus;
  class: FailureClass;
  /** The status before; absent for the first result this daemon run saw. */
  previous?: HealthStatus;
  /** The result's one line for a responder (never a secret). */
  message: string;
  /** Epoch ms when the run that changed it started. */
  at: number;
}

/** An integration's status (the worst of its checks') changed. */
export interface IntegrationStatusChange {
  integration: string;
  status: HealthStatus;
  previous?: HealthStatus;
  at: number;
}

export const LIVE_EVENT_TYPES = ['incident', 'check-status', 'integration-status'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export function isLiveEventType(value: string): value is LiveEventType {
  return (LIVE_EVENT_TYPES as readonly string[]).includes(value);
}

/** What a live event says, before the hub numbers it. */
export type LiveEventBody =
  | { type: 'incident'; data: IncidentSummary }
  | { type: 'check-status'; data: CheckStatusChange }
  | { type: 'integration-status'; data: IntegrationStatusChange };

/** A numbered live event; `id` is what a client resumes from (`Last-Event-ID`). */
export type LiveEvent = LiveEventBody & { id: string };

export function incidentSummary(incident: Incident, updatedAt: number): IncidentSummary {
  const { id, integration, status, severity, problem } = incident;
  return { id, integration, status, severity, problem, updatedAt };
}
