/**
 * The shapes the dashboard reads from the daemon's API (docs/api.md), written down here so the web code does not
 * import the daemon's source. Only the fields the dashboard shows are listed; the API may send more.
 */
export type Role = 'viewer' | 'responder' | 'admin';
export type HealthStatus = 'up' | 'degraded' | 'down' | 'unknown';
export type IncidentStatus = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';

export interface WindowStats {
  windowMs: number;
  count: number;
  failures: number;
  errorRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface SloAttainment {
  windowMs: number;
  /** When it was computed (epoch ms); on the integrations list up to 5 minutes old. */
  computedAt?: number;
  availability?: { target: number; actual: number | null; met: boolean | null };
  errorRate?: { below: number; actual: number | null; met: boolean | null };
  latency: { percentile: string; belowMs: number; actualMs: number | null; met: boolean | null }[];
}

export interface IntegrationHealth {
  id: string;
  name: string;
  vendor?: string;
  owner: string;
  description?: string;
  status: HealthStatus;
  lastResultAt: number | null;
  openIncidents: number;
  /** The list has 5m and 1h; an integration's detail also 24h. */
  windows: Partial<Record<'5m' | '1h' | '24h', WindowStats>>;
  slo?: SloAttainment;
}

export interface CheckResultView {
  ok?: boolean;
  class?: string;
  message?: string;
  latencyMs?: number;
  startedAt?: number;
}

export interface CheckHealth {
  id: string;
  name?: string;
  kind: string;
  intervalMs: number;
  status: HealthStatus;
  latest: CheckResultView | null;
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
}

export interface Series {
  integration: string;
  resolution: string;
  bucketMs: number;
  since: number;
  until: number;
  points: SeriesPoint[];
}

export interface TimelineEntry {
  at: number;
  actor: string;
  kind: string;
  text: string;
  stepId?: string;
}

export interface StepRecord {
  stepId: string;
  status: string;
  attempt: number;
  startedAt?: number;
  finishedAt?: number;
  detail?: string;
  by?: string;
}

export interface ResponseTarget {
  kind: 'acknowledge' | 'firstAction' | 'resolve';
  dueAt: number;
  status: string;
}

export interface Change {
  id?: string;
  kind?: string;
  integration?: string;
  summary?: string;
  title?: string;
  at?: number;
  by?: string;
}

/** A list item of `GET /incidents`: no timeline, run steps or values (the detail has them). */
export interface IncidentSummary {
  id: string;
  playbookId: string;
  integration: string;
  severity: string;
  status: IncidentStatus;
  problem: string;
  ownerTeam: string;
  assignee?: string;
  openedAt: number;
  triggeredAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  mitigatedAt?: number;
  resolvedAt?: number;
  episode: number;
  occurrences: number;
  lastOccurredAt: number;
  nextTarget?: { kind: string; dueAt: number };
  run: { status: string; stepId?: string };
}

export interface Incident {
  id: string;
  playbookId: string;
  integration: string;
  severity: string;
  status: IncidentStatus;
  problem: string;
  ownerTeam: string;
  openedAt: number;
  triggeredAt: number;
  acknowledgedBy?: string;
  assignee?: string;
  signature?: string;
  timeline: TimelineEntry[];
  targets: ResponseTarget[];
  run: { status: string; cursor: number; steps: StepRecord[] };
  changes?: Change[];
  similar?: {
    id: string;
    problem?: string;
    match?: 'same-signature' | 'same-playbook' | 'same-checks';
    openedAt?: number;
    resolution?: { by: string; automatic: boolean; note?: string };
    stepsSucceeded?: string[];
  }[];
  countdowns?: { kind: string; status: string; dueAt: number; remainingMs: number | null }[];
  now?: number;
}

export interface PlaybookSummary {
  id: string;
  name: string;
  description?: string;
  integration: string;
  severity: string;
  covers?: string[];
  steps: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Who the dashboard is talking as: a token's holder, or anyone while the daemon enforces no tokens. */
export interface Me {
  auth: 'token' | 'open';
  name?: string;
  role: Role;
}

export interface PlanStep {
  index: number;
  id: string;
  name?: string;
  action: string;
  summary: string;
  condition?: string;
  timeoutMs?: number;
  retries: number;
  onFailure: string;
  who?: { team?: string; role?: string; people: string[] };
  text?: string;
  happyPath: string;
}

export interface Plan {
  playbook: { id: string; name: string; description?: string; integration: string };
  trigger: { signals: string[]; checks: string[] };
  incident: {
    severity: { id: string; name: string };
    problem: string;
    ownerTeam: { id: string; name?: string };
  };
  responseTargets: { kind: string; durationMs: number; dueMs: number }[];
  escalation: {
    policy?: { id: string; name?: string };
    notifications: { atMs: number; reason: string; level: number; people: string[]; channels: string[] }[];
    clock: { atMs: number; kind: string; text: string }[];
  };
  steps: PlanStep[];
  followUps: { title: string; owner?: string; dueMs?: number }[];
  checks: { severity?: string; message: string; subject: string }[];
}
