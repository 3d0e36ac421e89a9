/**
 * `planPlaybook`: what one playbook would do if its trigger fired now, and what in it cannot work.
 *
 * How the plan is obtained: the plan does not re-derive the engine's rules. It compiles the engine's config from
 * the workspace, sends the real `decide` a simulated `signal-fired` (with the caller's values, samples for the
 * rest) and reads what the engine did: the incident it opened (severity, rendered problem statement, affected
 * components, owner, policy), the response targets it set (severity defaults included), the notifications its
 * timers send when nobody responds (driven with a fake clock), and the effects of each step on the run where
 * everything succeeds. Which steps can run at all comes from driving every combination of step outcomes. Only
 * the words (describe.ts) and the static checks (static-checks.ts) are the plan's own.
 */
import { compileEngineConfig, type EngineConfig, type PlaybookView } from '../config.js';
import { audienceOf, cyclePeriod } from '../escalation.js';
import { REMEDIATION_ACTIONS } from '../run-state.js';
import { STANDARD_PLACEHOLDERS } from '../templates.js';
import type { Effect, Incident, TimelineKind } from '../types.js';
import {
  INITIAL_SIGNAL_STATE,
  evaluateSignal,
  fakeMeasurements,
  measurementKeyOf,
  signalDefaultsFor,
} from '../signals/index.js';
import {
  DEFAULT_SEVERITIES,
  checksOf,
  type Playbook,
  type Step,
  type Workspace,
} from '../../workspace/model.js';
import { suggestion } from '../../workspace/diagnostics.js';
import { describeAction, describeCondition, describeSignalRule, usableCompensation } from './describe.js';
import type {
  HappyPathStatus,
  Plan,
  PlanClockEvent,
  PlanEscalation,
  PlanNotification,
  PlanOptions,
  PlanStep,
  PlanTarget,
} from './plan-types.js';
import {
  PLAN_T0,
  driveHappyPath,
  driveUnanswered,
  exploreRuns,
  openSimulatedIncident,
  stepOfEffect,
  type HappyPath,
  type Opened,
  type Reachability,
} from './simulate.js';
import { runStaticChecks } from './static-checks.js';

export const DEFAULT_MAX_PATHS = 2_000;

export type PlanResult =
  { kind: 'ok'; plan: Plan } | { kind: 'unknown-playbook'; playbookId: string; hint?: string };

/**
 * Plans the playbook `playbookId` of a loaded workspace.
 * @example
 *   const result = planPlaybook(workspace, 'payments-latency', { values: { value: '1.4s' } });
 *   if (result.kind === 'ok') console.log(result.plan.incident.problem);
 */
export function planPlaybook(
  workspace: Workspace,
  playbookId: string,
  options: PlanOptions = {},
): PlanResult {
  const config = compileEngineConfig(workspace);
  const view = config.playbooks.get(playbookId);
  if (!view) {
    const hint = suggestion(
      playbookId,
      workspace.playbooks.map((p) => p.id),
      'playbook',
    );
    return { kind: 'unknown-playbook', playbookId, ...(hint ? { hint } : {}) };
  }
  const { playbook } = view;
  const trigger = simulatedTrigger(workspace, playbook, options.values ?? {});
  const opened = openSimulatedIncident(config, {
    playbookId,
    values: trigger.vars,
    checks: trigger.checks,
  });
  if (!opened) return { kind: 'unknown-playbook', playbookId };
  const happy = driveHappyPath(config, opened);
  const reachability = exploreRuns(config, opened, options.maxPaths ?? DEFAULT_MAX_PATHS);
  const steps = playbook.steps.map((step, index) =>
    planStep(config, view, step, index, { opened, happy, reachability }, options),
  );
  const targets = responseTargets(workspace, opened.incident);
  const escalation = escalationOf(config, opened, view);
  const policy = view.policyId !== undefined ? config.policies.get(view.policyId) : undefined;
  const checks = runStaticChecks({
    workspace,
    config,
    playbook,
    ownerTeam: view.ownerTeam,
    ...(policy ? { policy } : {}),
    steps,
    reachability,
    escalation,
    targets,
    ...(options.deliverableKinds ? { deliverableKinds: options.deliverableKinds } : {}),
    ...(options.locate ? { locate: options.locate } : {}),
  });
  const incident = opened.incident;
  const severity = config.severities.get(incident.severity);
  const owner = workspace.teams.find((t) => t.id === incident.ownerTeam);
  const position = options.locate?.(playbookId);
  const plan: Plan = {
    playbook: {
      id: playbook.id,
      name: playbook.name,
      ...(playbook.description ? { description: playbook.description } : {}),
      integration: playbook.integration,
      ...(position ? { position } : {}),
    },
    trigger: {
      signals: playbook.trigger.when.map(describeSignalRule),
      checks: trigger.checks,
      values: trigger.values,
      samples: trigger.samples,
      vars: { ...trigger.vars },
    },
    incident: {
      severity: { id: incident.severity, name: severity?.name ?? incident.severity },
      problem: incident.problem,
      affected: incident.affected,
      ...(incident.impact ? { impact: incident.impact } : {}),
      ownerTeam: { id: incident.ownerTeam, ...(owner ? { name: owner.name } : {}) },
      ...(incident.policyId ? { escalationPolicy: incident.policyId } : {}),
    },
    responseTargets: targets,
    escalation,
    steps,
    followUps: (playbook.followUps ?? []).map((f) => ({
      title: f.title,
      ...(f.owner ? { owner: f.owner } : {}),
      ...(f.due !== undefined ? { dueMs: f.due } : {}),
    })),
    ...(options.deliverableKinds ? { deliverableChannelKinds: [...options.deliverableKinds] } : {}),
    checks,
  };
  return { kind: 'ok', plan };
}

interface SimulatedValues {
  checks: string[];
  values: Record<string, string>;
  samples: Record<string, string>;
  vars: Record<string, string>;
}

/**
 * The values a firing would carry: the caller's, else samples — the threshold of the first trigger signal as the
 * engine formats it, `<value>` for what only a measurement can tell. The checks are those the trigger's signals
 * name, else every enabled check of the integration they measure (as the daemon reports them).
 */
function simulatedTrigger(
  workspace: Workspace,
  playbook: Playbook,
  given: Readonly<Record<string, string>>,
): SimulatedValues {
  const defaults = signalDefaultsFor(workspace.integrations, playbook);
  const checks = new Set<string>();
  for (const signal of playbook.trigger.when) {
    const key = measurementKeyOf(signal, defaults);
    if (key.check !== undefined) checks.add(key.check);
    else
      for (const { integration, check } of checksOf(workspace))
        if (integration.id === key.integration && check.enabled !== false) checks.add(check.id);
  }
  const first = playbook.trigger.when[0];
  const threshold = first
    ? evaluateSignal(first, defaults, fakeMeasurements(), INITIAL_SIGNAL_STATE, PLAN_T0).thresholdText
    : undefined;
  const sampleOf: Record<string, string> = {
    value: '<value>',
    threshold: threshold || '<threshold>',
    signal: first ? describeSignalRule(first) : '<signal>',
  };
  const samples: Record<string, string> = {};
  for (const name of STANDARD_PLACEHOLDERS) {
    if (name === 'integration' || Object.hasOwn(given, name)) continue;
    samples[name] = sampleOf[name] ?? `<${name}>`;
  }
  return { checks: [...checks], values: { ...given }, samples, vars: { ...samples, ...given } };
}

function responseTargets(workspace: Workspace, incident: Incident): PlanTarget[] {
  const severity = workspace.severities.find((s) => s.id === incident.severity);
  // The loader fills in the built-in severities (the same objects) when the workspace declares none.
  const builtIn = severity === undefined || DEFAULT_SEVERITIES.includes(severity);
  const declared = builtIn ? {} : (severity.respond ?? {});
  return incident.targets.map((t) => ({
    kind: t.kind,
    durationMs: t.durationMs,
    atRiskMs: t.atRiskAt - t.startedAt,
    dueMs: t.dueAt - t.startedAt,
    source: declared[t.kind] !== undefined ? 'severity' : 'default',
  }));
}

const CLOCK_KINDS: ReadonlySet<TimelineKind> = new Set<TimelineKind>([
  'target-at-risk',
  'target-breached',
  'severity-changed',
  'escalation-skipped',
]);

function escalationOf(config: EngineConfig, opened: Opened, view: PlaybookView): PlanEscalation {
  const policy = view.policyId !== undefined ? config.policies.get(view.policyId) : undefined;
  const unanswered = driveUnanswered(config, opened);
  const notifications: PlanNotification[] = [];
  for (const { at, effect } of unanswered.effects) {
    if (effect.kind !== 'notify' || effect.payload.reason === 'resolved') continue;
    const p = effect.payload;
    notifications.push({
      atMs: at - PLAN_T0,
      reason: p.reason,
      cycle: p.cycle ?? 0,
      level: p.level ?? 0,
      ...(p.target ? { target: p.target } : {}),
      people: p.people,
      channels: p.channels,
      ...(p.fallbackChannel ? { fallbackChannel: p.fallbackChannel } : {}),
    });
  }
  const clock: PlanClockEvent[] = unanswered.incident.timeline
    .filter((e) => CLOCK_KINDS.has(e.kind))
    .map((e) => ({ atMs: e.at - PLAN_T0, kind: e.kind as PlanClockEvent['kind'], text: e.text }));
  return {
    ...(policy ? { policy: { id: policy.id, ...(policy.name ? { name: policy.name } : {}) } } : {}),
    repeat: policy?.repeat ?? 0,
    ...(policy ? { cyclePeriodMs: cyclePeriod(policy) } : {}),
    ...(policy?.fallbackChannel ? { fallbackChannel: policy.fallbackChannel } : {}),
    levels: (policy?.levels ?? []).map((level, index) => ({
      level: index,
      afterMs: level.after,
      ...(level.unless ? { unless: level.unless } : {}),
      targets: level.notify.map((t) => ({ ...t })),
      audience: audienceOf(config, level.notify),
    })),
    notifications,
    clock,
  };
}

interface Runs {
  opened: Opened;
  happy: HappyPath;
  reachability: Reachability;
}

function happyPathStatus(runs: Runs, stepId: string): HappyPathStatus {
  if (runs.happy.stuckAt === stepId) return 'waits-forever';
  const record = runs.happy.incident.run.steps.find((s) => s.stepId === stepId);
  if (record && record.attempt > 0) return 'runs';
  if (record?.status === 'skipped') return 'skipped';
  return 'not-reached';
}

function effectOf(runs: Runs, stepId: string): Effect | undefined {
  return (
    runs.happy.effects.find((e) => stepOfEffect(e) === stepId) ?? runs.reachability.firstEffects.get(stepId)
  );
}

/** Channels a notify or ticket step writes to; a notify naming nobody goes to the owner team (as the daemon does). */
function channelsOf(config: EngineConfig, view: PlaybookView, step: Step): string[] | undefined {
  if (step.action === 'ticket') return [step.channel];
  if (step.action !== 'notify') return undefined;
  const teams =
    step.channels === undefined && step.teams === undefined ? [view.ownerTeam] : (step.teams ?? []);
  const channels = new Set(step.channels ?? []);
  for (const team of teams)
    for (const channel of config.teams.get(team)?.channels ?? []) channels.add(channel);
  return [...channels];
}

function planStep(
  config: EngineConfig,
  view: PlaybookView,
  step: Step,
  index: number,
  runs: Runs,
  options: PlanOptions,
): PlanStep {
  const effect = effectOf(runs, step.id);
  const channels = channelsOf(config, view, step);
  const compensation = usableCompensation(step);
  const condition = describeCondition(step);
  const position = options.locate?.(view.playbook.id, step.id);
  let who: PlanStep['who'];
  let text: string | undefined;
  if (effect?.kind === 'request-human') {
    text = effect.payload.text;
    const asked = effect.payload.who;
    who = {
      ...(asked ? { team: asked.team, ...(asked.role ? { role: asked.role } : {}) } : {}),
      people: effect.payload.people,
    };
  } else if (effect?.kind === 'run-action' && (step.action === 'notify' || step.action === 'ticket')) {
    text = effect.payload.text;
  }
  return {
    index,
    id: step.id,
    ...(step.name ? { name: step.name } : {}),
    action: step.action,
    summary: describeAction(step, view.playbook.integration),
    ...(condition ? { condition } : {}),
    ...(step.timeout !== undefined ? { timeoutMs: step.timeout } : {}),
    retries: step.retries ?? 0,
    onFailure: step.onFailure ?? (step.action === 'approval' ? 'continue' : 'abort'),
    onFailureDefault: step.onFailure === undefined,
    ...(compensation ? { compensation: describeAction(compensation, view.playbook.integration) } : {}),
    ...(step.guard
      ? { guard: { signal: describeSignalRule(step.guard.when), withinMs: step.guard.within } }
      : {}),
    ...(who ? { who } : {}),
    ...(channels ? { channels } : {}),
    ...(text !== undefined ? { text } : {}),
    remediation: REMEDIATION_ACTIONS.has(step.action),
    happyPath: happyPathStatus(runs, step.id),
    ...(runs.reachability.complete ? { reachable: runs.reachability.started.has(step.id) } : {}),
    ...(position ? { position } : {}),
  };
}
