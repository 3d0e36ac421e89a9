/**
 * What the dashboard and API readers need from a running daemon beyond incidents and commands: how each
 * integration is doing (status, latency percentiles and error rate per window, SLO attainment), its checks, chart
 * series, raw check results, playbooks and their plans, and what the channels got (receipts, dead letters).
 * The daemon implements it over the store and the workspace (`read-service-impl.ts`); the server only translates
 * HTTP to it. Every method takes an AbortSignal: a caller that gives up stops the store reads.
 */
import type { CheckKind, FailureClass } from '../checks/check-result.js';
import type { Incident, TargetKind, TargetStatus } from '../engine/index.js';
import type { Plan } from '../engine/plan/index.js';
import type { OutboxSummary } from '../store/engine-records.js';
import type { StoredCheckResult } from '../store/store.js';

export type HealthStatus = 'up' | 'degraded' | 'down' | 'unknown';

/** The windows an integration's detail reports, by name. */
export const HEALTH_WINDOWS = { '5m': 5 * 60_000, '1h': 3_600_000, '24h': 86_400_000 } as const;
export type HealthWindowName = keyof typeof HEALTH_WINDOWS;
/** The windows each item of the integrations list reports (kept live in memory, see `health-board.ts`). */
export const LIST_WINDOWS = { '5m': 5 * 60_000, '1h': 3_600_000 } as const;
export type ListWindowName = keyof typeof LIST_WINDOWS;

/** Results of one integration over `[now - windowMs, now)`; latencies in ms, `null` without results. */
export interface WindowStats {
  windowMs: number;
  count: number;
  failures: number;
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export type Percentile = 'p50' | 'p90' | 'p95' | 'p99' | 'p99.9';

/** How the integration fares against its declared SLO over the SLO's window; `met` is null without results. */
export interface SloAttainment {
  windowMs: number;
  /** When it was computed (epoch ms): on the list up to `SLO_MAX_AGE_MS` old, on the detail page fresh. */
  computedAt: number;
  availability?: { target: number; actual: number | null; met: boolean | null };
  errorRate?: { below: number; actual: number | null; met: boolean | null };
  latency: { percentile: Percentile; belowMs: number; actualMs: number | null; met: boolean | null }[];
}

export interface IntegrationHealth {
  id: string;
  name: string;
  vendor?: string;
  owner: string;
  description?: string;
  status: HealthStatus;
  /** Epoch ms of the newest result of any of its checks. */
  lastResultAt: number | null;
  openIncidents: number;
  windows: Record<ListWindowName, WindowStats>;
  slo?: SloAttainment;
}

export interface CheckHealth {
  id: string;
  name?: string;
  kind: CheckKind;
  intervalMs: number;
  status: HealthStatus;
  latest: StoredCheckResult | null;
}

export interface IntegrationDetail extends Omit<IntegrationHealth, 'windows'> {
  windows: Record<HealthWindowName, WindowStats>;
  checks: CheckHealth[];
}

export type SeriesResolution = 'minute' | 'hour' | 'day';

export interface SeriesQuery {
  since?: number;
  until?: number;
  resolution?: SeriesResolution;
  check?: string;
}

export interface SeriesPoint {
  start: number;
  bucketMs: number;
  count: number;
  failures: number;
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  byClass: Partial<Record<FailureClass, number>>;
}

export interface Series {
  integration: string;
  check?: string;
  resolution: SeriesResolution;
  bucketMs: number;
  since: number;
  until: number;
  points: SeriesPoint[];
}

/** Why a series cannot be answered: a caller's mistake, named by the query field at fault. */
export interface SeriesRefusal {
  kind: 'invalid';
  field: 'since' | 'until' | 'resolution' | 'check';
  message: string;
}

export type SeriesAnswer = { kind: 'series'; series: Series } | { kind: 'not-found' } | SeriesRefusal;

export interface ResultQuery {
  integration?: string;
  check?: string;
  class?: readonly FailureClass[];
  ok?: boolean;
  since?: number;
  until?: number;
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PlaybookSummary {
  id: string;
  name: string;
  description?: string;
  integration: string;
  severity: string;
  covers: FailureClass[];
  steps: number;
}

/** `pending` covers rows being delivered right now too. */
export type DeliveryStatus = 'delivered' | 'pending' | 'dead';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['delivered', 'pending', 'dead'];

export interface DeliveryQuery {
  incident?: string;
  channel?: string;
  status?: DeliveryStatus;
  limit?: number;
  cursor?: string;
}

/** One response target's clock at `now`: `remainingMs` is negative once overdue, null once met or cancelled. */
export interface TargetCountdown {
  kind: TargetKind;
  status: TargetStatus;
  dueAt: number;
  remainingMs: number | null;
}

/** The incident as the service returns it (timeline, playbook run, targets, linked changes) plus countdowns. */
export type IncidentView = Incident & { countdowns: TargetCountdown[]; now: number };

export const DEFAULT_INTEGRATION_PAGE = 100;
export const MAX_INTEGRATION_PAGE = 1000;

/** A page of the integrations list, in workspace order; `cursor` is the previous page's `nextCursor`. */
export interface IntegrationQuery {
  limit?: number;
  cursor?: string;
}

/** The list's answer: a page, or a cursor that names no integration of the workspace in use. */
export type IntegrationsAnswer =
  { kind: 'page'; page: Page<IntegrationHealth> } | { kind: 'invalid'; field: 'cursor'; message: string };

export interface ReadService {
  integrations(query: IntegrationQuery, signal: AbortSignal): Promise<IntegrationsAnswer>;
  /**
   * Opaque; changes whenever the page `query` asks for would change (results of its integrations, their SLOs,
   * open incidents, the workspace, the minute). Read it before the page: the API answers again from the bytes it
   * last sent while it is unchanged.
   */
  integrationsRevision(query: IntegrationQuery): string;
  integration(id: string, signal: AbortSignal): Promise<IntegrationDetail | undefined>;
  series(id: string, query: SeriesQuery, signal: AbortSignal): Promise<SeriesAnswer>;
  results(query: ResultQuery, signal: AbortSignal): Promise<Page<StoredCheckResult>>;
  playbooks(signal: AbortSignal): Promise<PlaybookSummary[]>;
  /** `undefined` for an unknown playbook. */
  plan(id: string, values: Readonly<Record<string, string>>, signal: AbortSignal): Promise<Plan | undefined>;
  deliveries(query: DeliveryQuery, signal: AbortSignal): Promise<Page<OutboxSummary>>;
  incident(id: string, signal: AbortSignal): Promise<IncidentView | undefined>;
}
