/**
 * What a firing signal does to incidents: open a new one (problem statement, affected components, owner, policy,
 * then the episode's targets, escalation and playbook run), count an occurrence of the open incident with the same
 * failure signature (no new notifications: repeats must not spam), or reopen the incident resolved within the
 * reopen window (a new episode: status back to `triggered`, targets, escalation and run start again).
 */
import { applyToIncident, unchanged } from './apply.js';
import { assertNever } from './assert-never.js';
import type { EngineConfig, PlaybookView } from './config.js';
import { changesOf, draftOf, record, type Draft } from './draft.js';
import { startEscalation } from './escalation.js';
import { notFound, ok } from './outcomes.js';
import { startTargets } from './response-targets.js';
import { matchSignature } from './signature-index.js';
import { startRun } from './steps.js';
import { renderTemplate, templateVars } from './templates.js';
import type {
  DecisionChanges,
  EngineState,
  Incident,
  MeasuredValues,
  Outcome,
  SystemEvent,
  TimerIndex,
} from './types.js';

type Fired = Extract<SystemEvent, { kind: 'signal-fired' }>;

const NO_TIMERS: TimerIndex = { timersOf: () => [] };

export function onSignalFired(
  config: EngineConfig,
  state: EngineState,
  event: Fired,
  now: number,
  index?: TimerIndex,
): DecisionChanges {
  const view = config.playbooks.get(event.playbookId);
  if (!view) return unchanged(notFound(`no playbook ${event.playbookId}`));
  const match = matchSignature(state, event.signature, now, config.reopenWindowMs);
  switch (match.kind) {
    case 'new':
      return openIncident(config, state, view, event, now);
    case 'occurrence':
      return applyToIncident(config, state, match.incident.id, now, (d) => recordOccurrence(d, event), index);
    case 'reopen':
      return applyToIncident(config, state, match.incident.id, now, (d) => reopen(d, event), index);
    default:
      return assertNever(match, 'signature match');
  }
}

function openIncident(
  config: EngineConfig,
  state: EngineState,
  view: PlaybookView,
  event: Fired,
  now: number,
): DecisionChanges {
  const id = `INC-${state.nextIncidentNumber}`;
  // A new id has no timers in the state yet: nothing to look up, with or without the caller's index.
  const draft = draftOf(config, state, newIncident(config, view, event, id, now), now, NO_TIMERS);
  const { incident } = draft;
  record(draft, 'opened', `opened by ${view.playbook.id} as ${incident.severity}: ${incident.problem}`);
  startEpisode(draft);
  const changes = changesOf(draft, {
    nextIncidentNumber: state.nextIncidentNumber + 1,
    signatures: { [event.signature]: id },
  });
  return { changes, effects: draft.effects, outcome: ok(), incidentId: id };
}

function newIncident(
  config: EngineConfig,
  view: PlaybookView,
  event: Fired,
  id: string,
  now: number,
): Incident {
  const { playbook, integration } = view;
  const values = measured(event);
  const vars = templateVars({
    integrationName: integration.name,
    playbookId: playbook.id,
    incidentId: id,
    severity: playbook.severity,
    values,
  });
  const checks = [...new Set(event.checks ?? [])];
  return {
    id,
    playbookId: playbook.id,
    signature: event.signature,
    integration: integration.id,
    severity: playbook.severity,
    status: 'triggered',
    problem: renderTemplate(playbook.problem, vars),
    affected: {
      integration: integration.id,
      endpoints: endpointsOf(config, checks),
      dependents: [...integration.dependents],
    },
    ...(playbook.impact ? { impact: playbook.impact } : {}),
    ownerTeam: view.ownerTeam,
    ...(view.policyId ? { policyId: view.policyId } : {}),
    values,
    checks,
    openedAt: now,
    episode: 1,
    triggeredAt: now,
    occurrences: 1,
    lastOccurredAt: now,
    signalActive: true,
    severityRaisedBy: [],
    escalation: { cycle: 0, notified: [] },
    targets: [],
    run: { number: 1, status: 'running', cursor: 0, steps: [], startedAt: now },
    timeline: [],
  };
}

function measured(event: Fired): MeasuredValues {
  return { ...(event.values ?? {}), ...(event.signal !== undefined ? { signal: event.signal } : {}) };
}

/** `METHOD /path` of the endpoints the checks call, without repeats. */
function endpointsOf(config: EngineConfig, checks: readonly string[]): string[] {
  const endpoints = checks.map((check) => config.checks.get(check)?.endpoint);
  return [...new Set(endpoints.filter((e): e is string => e !== undefined))];
}

/** Merges the checks (and their endpoints) of a new firing into the incident. */
function absorb(draft: Draft, event: Fired): void {
  const { incident } = draft;
  incident.values = measured(event);
  incident.checks = [...new Set([...incident.checks, ...(event.checks ?? [])])];
  incident.affected.endpoints = [
    ...new Set([...incident.affected.endpoints, ...endpointsOf(draft.config, incident.checks)]),
  ];
  incident.occurrences += 1;
  incident.lastOccurredAt = draft.now;
}

function startEpisode(draft: Draft): void {
  startTargets(draft);
  startEscalation(draft);
  startRun(draft);
}

/**
 * Another firing of the open incident's signature. It is counted; it reaches the timeline only when the trigger
 * had cleared in between (a signal that keeps firing while it holds is one occurrence story, not a log flood).
 */
function recordOccurrence(draft: Draft, event: Fired): Outcome {
  const { incident } = draft;
  absorb(draft, event);
  if (!incident.signalActive) {
    incident.signalActive = true;
    const by = event.playbookId === incident.playbookId ? '' : ` (matched by ${event.playbookId})`;
    record(draft, 'occurred', `fired again${by}: occurrence ${incident.occurrences}`);
  }
  return ok();
}

function reopen(draft: Draft, event: Fired): Outcome {
  const { incident } = draft;
  const minutes = Math.round((draft.now - (incident.resolvedAt ?? draft.now)) / 60_000);
  absorb(draft, event);
  incident.episode += 1;
  incident.triggeredAt = draft.now;
  incident.status = 'triggered';
  incident.signalActive = true;
  incident.escalation.cycle = 0;
  delete incident.acknowledgedAt;
  delete incident.acknowledgedBy;
  delete incident.mitigatedAt;
  delete incident.resolvedAt;
  delete incident.resolution;
  delete incident.firstActionAt;
  record(
    draft,
    'reopened',
    `recurred ${minutes} min after resolution: reopened (episode ${incident.episode})`,
  );
  startEpisode(draft);
  return ok();
}
