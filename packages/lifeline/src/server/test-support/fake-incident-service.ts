/**
 * A small in-memory `IncidentService` for the server and CLI tests (a test double of the port, not a daemon):
 * a few lifecycle rules that produce each outcome kind, a paged list of summaries, a settable health report, a
 * record of the commands it received, and a switch to make the next call throw.
 */
import type {
  CommandResult,
  HealthReport,
  IncidentPage,
  IncidentQuery,
  IncidentService,
} from '../../daemon/incident-service.js';
import { summaryOf } from '../../daemon/incident-summary.js';
import type { CommandEvent, Incident, Outcome, StepRecord, TimelineKind } from '../../engine/index.js';
import { StoreError } from '../../store/store-error.js';

/** 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600_000;

export function makeIncident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    playbookId: 'payments-latency',
    signature: `sig-${id}`,
    integration: 'payments',
    severity: 'sev2',
    status: 'triggered',
    problem: 'Payments API p95 latency is 1.2s (threshold 800ms)',
    affected: { integration: 'payments', endpoints: ['POST /v1/charges'], dependents: ['checkout'] },
    ownerTeam: 'payments-team',
    values: { value: '1.2s' },
    checks: ['charges-latency'],
    openedAt: T0,
    episode: 1,
    triggeredAt: T0,
    occurrences: 1,
    lastOccurredAt: T0,
    signalActive: true,
    severityRaisedBy: [],
    escalation: { cycle: 0, notified: [] },
    targets: [],
    run: { number: 1, status: 'running', cursor: 0, steps: [], startedAt: T0 },
    timeline: [
      { at: T0, actor: 'lifeline', kind: 'opened', text: 'opened by signal payments-latency', episode: 1 },
    ],
    ...overrides,
  };
}

export function healthyReport(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    ok: true,
    workspace: { name: 'acme', files: ['lifeline.yaml'], loadedAt: new Date(T0).toISOString() },
    store: { ok: true, path: '.lifeline/lifeline.db' },
    checks: { scheduled: 6, running: 0, completed: 12, lagP99Ms: 3 },
    incidents: { open: 1 },
    outbox: { pending: 0, dead: 0, oldestPendingAgeMs: null },
    ...overrides,
  };
}

const PEOPLE = new Set(['alice', 'bob']);
/** Only these people may answer approvals. */
const APPROVERS = new Set(['alice']);

export class FakeIncidentService implements IncidentService {
  readonly incidents = new Map<string, Incident>();
  readonly commands: CommandEvent[] = [];
  report: HealthReport = healthyReport();
  /** Set to make the next call of any method throw it (then cleared). */
  failNext: Error | undefined;
  #revisions = 0;

  constructor(incidents: readonly Incident[] = []) {
    for (const incident of incidents) this.incidents.set(incident.id, incident);
  }

  async command(event: CommandEvent): Promise<CommandResult> {
    this.throwIfFailing();
    this.commands.push(event);
    const incident = this.incidents.get(event.incidentId);
    if (!incident) return { outcome: { kind: 'not-found', reason: `no incident ${event.incidentId}` } };
    const outcome = this.decide(incident, event);
    if (outcome.kind !== 'ok') return { outcome, incident };
    const next = this.apply(incident, event);
    this.incidents.set(next.id, next);
    return { outcome, incident: next };
  }

  async listIncidents(query: IncidentQuery): Promise<IncidentPage> {
    this.throwIfFailing();
    const all = [...this.incidents.values()].filter(
      (i) =>
        (!query.status || i.status === query.status) &&
        (!query.severity || i.severity === query.severity) &&
        (!query.integration || i.integration === query.integration),
    );
    const start = query.cursor === undefined ? 0 : Number(query.cursor.replace(/^c/, ''));
    if (!Number.isInteger(start) || start < 0) {
      throw new StoreError('store-invalid-cursor', 'unknown cursor', { cause: { cursor: query.cursor } });
    }
    const end = start + (query.limit ?? 50);
    const items = all.slice(start, end).map(summaryOf);
    return { items, ...(end < all.length ? { nextCursor: `c${end}` } : {}) };
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    this.throwIfFailing();
    return this.incidents.get(id);
  }

  async health(): Promise<HealthReport> {
    this.throwIfFailing();
    return this.report;
  }

  /** Never the same twice: tests change `incidents` directly, so no answer may be reused. */
  revision(): string {
    return `fake-${++this.#revisions}`;
  }

  private throwIfFailing(): void {
    const error = this.failNext;
    this.failNext = undefined;
    if (error) throw error;
  }

  private decide(incident: Incident, event: CommandEvent): Outcome {
    const already = {
      kind: 'conflict',
      reason: `incident ${incident.id} is already ${incident.status}`,
    } as const;
    switch (event.kind) {
      case 'acknowledge':
        return incident.status === 'triggered' ? { kind: 'ok' } : already;
      case 'mitigate':
      case 'resolve':
        return incident.status === 'resolved' || incident.status === event.kind + 'd'
          ? already
          : { kind: 'ok' };
      case 'assign':
        return PEOPLE.has(event.assignee)
          ? { kind: 'ok' }
          : { kind: 'not-found', reason: `no person ${event.assignee} in the workspace` };
      case 'mark-attempt':
        return incident.status === 'resolved'
          ? { kind: 'ignored', reason: `incident ${incident.id} is resolved` }
          : { kind: 'ok' };
      case 'approve':
      case 'decline':
      case 'step-done': {
        const step = incident.run.steps.find((s) => s.stepId === event.stepId);
        if (!step)
          return { kind: 'not-found', reason: `incident ${incident.id} has no step ${event.stepId}` };
        if (step.status !== 'waiting') {
          return { kind: 'conflict', reason: `step ${step.stepId} is not waiting (it is ${step.status})` };
        }
        if (event.kind !== 'step-done' && !APPROVERS.has(event.actor)) {
          return { kind: 'forbidden', reason: `${event.actor} may not answer step ${step.stepId}` };
        }
        return { kind: 'ok' };
      }
      case 'note':
        return { kind: 'ok' };
    }
  }

  private apply(incident: Incident, event: CommandEvent): Incident {
    const at = T0 + 60_000 * (incident.timeline.length + 1);
    const entry = (kind: TimelineKind, text: string) => ({ at, actor: event.actor, kind, text, episode: 1 });
    const step = (status: StepRecord['status']): Incident['run'] => ({
      ...incident.run,
      steps: incident.run.steps.map((s) =>
        'stepId' in event && s.stepId === event.stepId ? { ...s, status, by: event.actor } : s,
      ),
    });
    const text = event.text ?? '';
    switch (event.kind) {
      case 'acknowledge':
        return withEntry(
          { ...incident, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: event.actor },
          entry('acknowledged', text),
        );
      case 'mitigate':
        return withEntry({ ...incident, status: 'mitigated', mitigatedAt: at }, entry('mitigated', text));
      case 'resolve':
        return withEntry(
          {
            ...incident,
            status: 'resolved',
            resolvedAt: at,
            resolution: { by: event.actor, automatic: false, note: text },
          },
          entry('resolved', text),
        );
      case 'note':
        return withEntry(incident, entry('note', text));
      case 'assign':
        return withEntry(
          { ...incident, assignee: event.assignee },
          entry('assigned', `assigned to ${event.assignee}`),
        );
      case 'mark-attempt':
        return withEntry(incident, entry('attempt', text));
      case 'approve':
        return withEntry({ ...incident, run: step('succeeded') }, entry('approved', event.stepId));
      case 'decline':
        return withEntry({ ...incident, run: step('failed') }, entry('declined', event.stepId));
      case 'step-done':
        return withEntry({ ...incident, run: step('succeeded') }, entry('step-succeeded', event.stepId));
    }
  }
}

function withEntry(incident: Incident, entry: Incident['timeline'][number]): Incident {
  return { ...incident, timeline: [...incident.timeline, entry] };
}
