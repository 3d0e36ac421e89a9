/**
 * An incident as a list shows it: who, what, when and where it stands, without the timeline, the full playbook
 * run or the measured values. Lists of incidents are read often and by many clients; the detail carries the rest.
 */
import type { Incident, RunStatus, TargetKind } from '../engine/index.js';

export interface IncidentSummary {
  id: string;
  playbookId: string;
  integration: string;
  severity: string;
  status: Incident['status'];
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
  /** The response target of the current episode that falls due first among those still running. */
  nextTarget?: { kind: TargetKind; dueAt: number };
  /** The playbook run's status and the step at its cursor (absent once the run got to the end). */
  run: { status: RunStatus; stepId?: string };
}

/** The summary of one incident; pure. */
export function summaryOf(incident: Incident): IncidentSummary {
  const next = incident.targets
    .filter((target) => target.status === 'pending' || target.status === 'at-risk')
    .reduce<Incident['targets'][number] | undefined>(
      (first, target) => (first === undefined || target.dueAt < first.dueAt ? target : first),
      undefined,
    );
  const stepId = incident.run.steps[incident.run.cursor]?.stepId;
  return {
    id: incident.id,
    playbookId: incident.playbookId,
    integration: incident.integration,
    severity: incident.severity,
    status: incident.status,
    problem: incident.problem,
    ownerTeam: incident.ownerTeam,
    ...(incident.assignee !== undefined ? { assignee: incident.assignee } : {}),
    openedAt: incident.openedAt,
    triggeredAt: incident.triggeredAt,
    ...(incident.acknowledgedAt !== undefined ? { acknowledgedAt: incident.acknowledgedAt } : {}),
    ...(incident.acknowledgedBy !== undefined ? { acknowledgedBy: incident.acknowledgedBy } : {}),
    ...(incident.mitigatedAt !== undefined ? { mitigatedAt: incident.mitigatedAt } : {}),
    ...(incident.resolvedAt !== undefined ? { resolvedAt: incident.resolvedAt } : {}),
    episode: incident.episode,
    occurrences: incident.occurrences,
    lastOccurredAt: incident.lastOccurredAt,
    ...(next ? { nextTarget: { kind: next.kind, dueAt: next.dueAt } } : {}),
    run: { status: incident.run.status, ...(stepId !== undefined ? { stepId } : {}) },
  };
}
