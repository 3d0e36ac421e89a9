/**
 * Static checks of one playbook, on top of what `validate` already guarantees (every reference resolves): things
 * that are valid YAML but cannot work — steps no run can start, approvals nobody may give, requests and messages
 * that reach nobody, rollbacks and guards with nothing to undo, escalation levels that page nobody, and response
 * targets that breach before anyone is paged. Each finding names the playbook, the step, and where it is
 * declared. Reachability comes from the engine itself (see simulate.ts); nothing here guesses.
 */
import { membersOf, type EngineConfig } from '../config.js';
import type { EscalationPolicy, Playbook, Step, Workspace } from '../../workspace/model.js';
import { describeCondition, usableCompensation } from './describe.js';
import type {
  Locator,
  PlanCheckCode,
  PlanDiagnostic,
  PlanEscalation,
  PlanPosition,
  PlanStep,
  PlanTarget,
} from './plan-types.js';
import type { Reachability } from './simulate.js';
import { formatSpan } from '../signals/format.js';

export interface CheckContext {
  workspace: Pick<Workspace, 'channels' | 'declarations'>;
  config: EngineConfig;
  playbook: Playbook;
  ownerTeam: string;
  policy?: EscalationPolicy;
  steps: readonly PlanStep[];
  reachability: Reachability;
  escalation: PlanEscalation;
  targets: readonly PlanTarget[];
  deliverableKinds?: readonly string[];
  locate?: Locator;
}

interface Finding {
  code: PlanCheckCode;
  severity: 'error' | 'warning';
  step?: string;
  message: string;
  hint?: string;
  /** Where to point instead of the step or playbook (e.g. the escalation policy). */
  at?: PlanPosition;
}

/** Every check, in a stable order: by step, then the playbook-wide ones. */
export function runStaticChecks(ctx: CheckContext): PlanDiagnostic[] {
  const findings: Finding[] = [
    ...unreachableSteps(ctx),
    ...ctx.playbook.steps.flatMap((step, index) => [
      ...humanSteps(ctx, step),
      ...rollbackStep(ctx, step, index),
      ...guard(step),
      ...messageSteps(ctx, step, index),
    ]),
    ...playbookRollback(ctx),
    ...escalationLevels(ctx),
    ...targetsBeforeEscalation(ctx),
  ];
  const order = new Map(ctx.playbook.steps.map((s, i) => [s.id, i] as const));
  const rank = (f: Finding) => (f.step === undefined ? Infinity : (order.get(f.step) ?? Infinity));
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map(({ f }) => diagnosticOf(ctx, f));
}

function diagnosticOf(ctx: CheckContext, f: Finding): PlanDiagnostic {
  const id = ctx.playbook.id;
  const at = f.at ?? ctx.locate?.(id, f.step);
  return {
    code: f.code,
    severity: f.severity,
    playbook: id,
    ...(f.step !== undefined ? { step: f.step } : {}),
    ...(at ? { file: at.file, line: at.line, col: at.col } : {}),
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
    subject: f.step === undefined ? `playbook:${id}` : `playbook:${id}/step:${f.step}`,
  };
}

function stepById(ctx: CheckContext, id: string): Step | undefined {
  return ctx.playbook.steps.find((s) => s.id === id);
}

function effectiveOnFailure(step: Step): 'abort' | 'continue' {
  return step.onFailure ?? (step.action === 'approval' ? 'continue' : 'abort');
}

// ─── reachability ───────────────────────────────────────────────────────────────────────────────────────────────

function unreachableSteps(ctx: CheckContext): Finding[] {
  const { reachability: reach, playbook } = ctx;
  if (!reach.complete) {
    return [
      {
        code: 'reachability-unknown',
        severity: 'warning',
        message: `too many ways through the steps to try them all (${reach.paths} runs tried): unreachable steps were not checked`,
        hint: 'split the playbook, or use fewer `onFailure: continue` and signal conditions',
      },
    ];
  }
  const findings: Finding[] = [];
  const lastReached = Math.max(-1, ...playbook.steps.map((s, i) => (reach.reached.has(s.id) ? i : -1)));
  for (const step of playbook.steps) {
    if (reach.started.has(step.id)) continue;
    if (reach.reached.has(step.id)) {
      findings.push({
        code: 'step-unreachable',
        severity: 'error',
        step: step.id,
        message: `step \`${step.id}\` never runs: in every run that gets to it, its condition (${describeCondition(step) ?? 'none'}) does not hold`,
        ...conditionHint(ctx, step),
      });
      continue;
    }
    const blocker = playbook.steps[lastReached];
    findings.push({
      code: 'step-unreachable',
      severity: 'error',
      step: step.id,
      message: blocker
        ? `step \`${step.id}\` is never reached: no run gets past step \`${blocker.id}\``
        : `step \`${step.id}\` is never reached`,
      ...(blocker ? blockerHint(ctx, blocker) : {}),
    });
  }
  return findings;
}

function conditionHint(ctx: CheckContext, step: Step): { hint?: string } {
  const earlier = step.if?.step !== undefined ? stepById(ctx, step.if.step) : undefined;
  if (!earlier || step.if?.outcome !== 'failed') return {};
  if (effectiveOnFailure(earlier) === 'abort')
    return {
      hint: `a failure of \`${earlier.id}\` aborts the run (onFailure: abort), so no run gets here with it failed; set \`onFailure: continue\` on \`${earlier.id}\``,
    };
  return {};
}

function blockerHint(ctx: CheckContext, blocker: Step): { hint?: string } {
  if (
    blocker.action === 'approval' &&
    membersOf(ctx.config, blocker.approvers.team, blocker.approvers.role).length === 0
  )
    return {
      hint: `nobody may answer approval \`${blocker.id}\`${blocker.timeout === undefined ? ' and it has no `timeout`, so the run waits there for ever' : ''}`,
    };
  if (effectiveOnFailure(blocker) === 'abort')
    return { hint: `\`${blocker.id}\` can only fail, and its failure aborts the run` };
  return {};
}

// ─── people ─────────────────────────────────────────────────────────────────────────────────────────────────────

function teamChannels(ctx: CheckContext, team: string): string[] {
  return [...(ctx.config.teams.get(team)?.channels ?? [])];
}

function kindOf(ctx: CheckContext, channel: string): string | undefined {
  return ctx.workspace.channels.find((c) => c.id === channel)?.kind;
}

function deliverable(ctx: CheckContext, channel: string): boolean {
  const kind = kindOf(ctx, channel);
  return kind !== undefined && (ctx.deliverableKinds === undefined || ctx.deliverableKinds.includes(kind));
}

function nobodyIn(ctx: CheckContext, who: { team: string; role?: string }): string {
  const team = ctx.config.teams.get(who.team);
  if (!team || team.members.length === 0) return `team \`${who.team}\` has no members`;
  return `nobody in team \`${who.team}\` has role \`${who.role}\``;
}

/** Approvals nobody may give; manual steps and approvals whose request reaches nobody. */
function humanSteps(ctx: CheckContext, step: Step): Finding[] {
  if (step.action !== 'approval' && step.action !== 'manual') return [];
  const who = step.action === 'approval' ? step.approvers : step.assignee;
  const people = who ? membersOf(ctx.config, who.team, who.role) : [];
  // The request goes to the channels of the team named, else of the owner team (see the daemon's outbox rows).
  const channels = teamChannels(ctx, who?.team ?? ctx.ownerTeam).filter((c) => deliverable(ctx, c));
  const findings: Finding[] = [];
  if (step.action === 'approval' && people.length === 0) {
    findings.push({
      code: 'approval-nobody',
      severity: 'error',
      step: step.id,
      message: `nobody can give approval \`${step.id}\`: ${nobodyIn(ctx, step.approvers)}${step.timeout === undefined ? '; the run would wait there for ever' : ''}`,
      hint: `give a member of team \`${step.approvers.team}\` ${step.approvers.role ? `role \`${step.approvers.role}\`` : 'a seat'}, or change \`approvers\``,
    });
  }
  if (step.action === 'manual' && who && people.length === 0) {
    findings.push({
      code: 'manual-nobody',
      severity: channels.length === 0 ? 'error' : 'warning',
      step: step.id,
      message: `manual step \`${step.id}\` is assigned to nobody: ${nobodyIn(ctx, who)}${channels.length === 0 ? ', and no channel carries the request' : ''}`,
      hint: `give a member of team \`${who.team}\` ${who.role ? `role \`${who.role}\`` : 'a seat'}, or change \`assignee\``,
    });
  } else if (channels.length === 0) {
    const team = who?.team ?? ctx.ownerTeam;
    findings.push({
      code: step.action === 'manual' ? 'manual-nobody' : 'approval-nobody',
      severity: step.action === 'manual' && people.length === 0 ? 'error' : 'warning',
      step: step.id,
      message: `nobody is asked to ${step.action === 'manual' ? 'do' : 'answer'} step \`${step.id}\`: team \`${team}\` has no channel ${ctx.deliverableKinds ? 'this version can deliver to ' : ''}to send the request to`,
      hint: `add a channel to team \`${team}\``,
    });
  }
  return findings;
}

// ─── undo ───────────────────────────────────────────────────────────────────────────────────────────────────────

function rollbackStep(ctx: CheckContext, step: Step, index: number): Finding[] {
  if (step.action !== 'rollback') return [];
  const earlier = ctx.playbook.steps.slice(0, index);
  const findings: Finding[] = [];
  const targets: Step[] = [];
  for (const id of step.steps ?? earlier.map((s) => s.id)) {
    const target = earlier.find((s) => s.id === id);
    if (!target) {
      const later = ctx.playbook.steps.some((s) => s.id === id);
      findings.push({
        code: 'rollback-unknown-step',
        severity: 'error',
        step: step.id,
        message: later
          ? `rollback \`${step.id}\` undoes \`${id}\`, which comes after it and has not run yet`
          : `rollback \`${step.id}\` undoes \`${id}\`, which is not a step of this playbook`,
        hint: 'a rollback undoes earlier steps only',
      });
      continue;
    }
    targets.push(target);
    if (step.steps && !usableCompensation(target))
      findings.push({
        code: 'rollback-step-without-compensation',
        severity: 'warning',
        step: step.id,
        message: `rollback \`${step.id}\` lists \`${id}\`, which declares no \`compensate\`: there is nothing to undo`,
        hint: `add \`compensate:\` to \`${id}\`, or drop it from the list`,
      });
  }
  if (
    !targets.some((t) => usableCompensation(t)) &&
    findings.every((f) => f.code !== 'rollback-unknown-step')
  )
    findings.push({
      code: 'rollback-undoes-nothing',
      severity: 'error',
      step: step.id,
      message: `rollback \`${step.id}\` undoes nothing: ${step.steps ? 'none of the steps it lists' : 'no earlier step'} declares a \`compensate\``,
      hint: 'add `compensate:` to the steps it should undo',
    });
  return findings;
}

function guard(step: Step): Finding[] {
  if (!step.guard || usableCompensation(step)) return [];
  return [
    {
      code: 'guard-undoes-nothing',
      severity: 'warning',
      step: step.id,
      message: `the guard of \`${step.id}\` would undo it, but \`${step.id}\` declares no \`compensate\``,
      hint: 'add `compensate:` to the step, or remove the guard',
    },
  ];
}

function playbookRollback(ctx: CheckContext): Finding[] {
  if (!ctx.playbook.rollback || ctx.playbook.steps.some((s) => usableCompensation(s))) return [];
  return [
    {
      code: 'rollback-undoes-nothing',
      severity: 'warning',
      message:
        'the playbook has rollback criteria, but no step declares a `compensate`: rolling back undoes nothing',
      hint: 'add `compensate:` to the steps that change something',
    },
  ];
}

// ─── messages ───────────────────────────────────────────────────────────────────────────────────────────────────

function undeliverable(ctx: CheckContext, channel: string, step?: string): Finding | undefined {
  if (ctx.deliverableKinds === undefined || deliverable(ctx, channel)) return undefined;
  return {
    code: 'channel-undeliverable',
    severity: 'error',
    ...(step !== undefined ? { step } : {}),
    message: `channel \`${channel}\` is a ${kindOf(ctx, channel) ?? 'undeclared'} channel, which this version cannot deliver to`,
    hint: `channels this version delivers to: ${ctx.deliverableKinds.join(', ') || 'none'}`,
  };
}

function messageSteps(ctx: CheckContext, step: Step, index: number): Finding[] {
  if (step.action !== 'notify' && step.action !== 'ticket') return [];
  const channels = ctx.steps[index]?.channels ?? [];
  if (channels.length === 0)
    return [
      {
        code: 'notify-nobody',
        severity: 'error',
        step: step.id,
        message: `step \`${step.id}\` sends to nobody: ${step.action === 'notify' && step.teams?.length ? `team${step.teams.length > 1 ? 's' : ''} ${step.teams.map((t) => `\`${t}\``).join(', ')} ha${step.teams.length > 1 ? 've' : 's'} no channel` : 'it names no channel'}`,
        hint: 'name `channels:`, or give the teams channels',
      },
    ];
  const findings = channels.map((c) => undeliverable(ctx, c, step.id)).filter((f) => f !== undefined);
  if (findings.length > 0 && findings.length === channels.length) {
    for (const f of findings) f.message += '; the message reaches nobody';
  }
  return findings;
}

// ─── escalation and targets ─────────────────────────────────────────────────────────────────────────────────────

function policyPosition(ctx: CheckContext): PlanPosition | undefined {
  const declaration = ctx.policy && ctx.workspace.declarations.get(`escalation-policy:${ctx.policy.id}`);
  if (!declaration) return undefined;
  const at = declaration.locate();
  return { file: at.file, line: at.line, col: at.col };
}

function escalationLevels(ctx: CheckContext): Finding[] {
  if (!ctx.policy) {
    return [
      {
        code: 'escalation-missing',
        severity: 'warning',
        message: `no escalation policy: neither the playbook nor team \`${ctx.ownerTeam}\` names one, so its incidents page nobody`,
        hint: 'add `escalation: POLICY` to the playbook or the team',
      },
    ];
  }
  const at = policyPosition(ctx);
  const where = at ? { at } : {};
  const fallback = ctx.policy.fallbackChannel;
  const fallbackWorks = fallback !== undefined && deliverable(ctx, fallback);
  const findings: Finding[] = [];
  let reachesSomeone = false;
  for (const level of ctx.escalation.levels) {
    const name = `level ${level.level + 1} of policy \`${ctx.policy.id}\``;
    for (const target of level.targets) {
      if (target.team === undefined) continue;
      if (membersOf(ctx.config, target.team, target.role).length > 0) continue;
      if (target.role === undefined && teamChannels(ctx, target.team).length > 0) continue;
      findings.push({
        code: 'escalation-target-empty',
        severity: 'warning',
        message: `${name} notifies team \`${target.team}\`${target.role ? ` (role ${target.role})` : ''}, which reaches nobody: ${target.role ? nobodyIn(ctx, { team: target.team, role: target.role }) : `team \`${target.team}\` has no members and no channels`}`,
        ...where,
      });
    }
    // Messages reach people through their teams' channels (see the daemon's outbox rows).
    const channels = new Set(level.audience.channels);
    for (const person of level.audience.people)
      for (const team of ctx.config.people.get(person) ?? [])
        for (const channel of teamChannels(ctx, team)) channels.add(channel);
    const reachable = [...channels].filter((c) => deliverable(ctx, c));
    for (const channel of channels) {
      const finding = undeliverable(ctx, channel);
      if (finding) findings.push({ ...finding, message: `${name}: ${finding.message}`, ...where });
    }
    if (reachable.length > 0) {
      reachesSomeone = true;
      continue;
    }
    if (fallbackWorks) reachesSomeone = true;
    findings.push({
      code: 'escalation-level-nobody',
      severity: 'warning',
      message: fallbackWorks
        ? `${name} reaches nobody directly: only the fallback channel \`${fallback}\` gets its messages`
        : `${name} notifies nobody: its targets have no channel${ctx.deliverableKinds ? ' this version can deliver to' : ''}, and the policy has no fallback channel`,
      hint: 'give the teams channels, or add a `channel:` target',
      ...where,
    });
  }
  if (!reachesSomeone)
    findings.push({
      code: 'escalation-level-nobody',
      severity: 'error',
      message: `no level of policy \`${ctx.policy.id}\` reaches anyone: its incidents page nobody`,
      hint: 'give the teams channels, or add a `channel:` target',
      ...where,
    });
  return findings;
}

function targetsBeforeEscalation(ctx: CheckContext): Finding[] {
  if (!ctx.policy) return [];
  const first = ctx.escalation.levels.reduce<number | undefined>(
    (min, level) => (min === undefined || level.afterMs < min ? level.afterMs : min),
    undefined,
  );
  const acknowledge = ctx.targets.find((t) => t.kind === 'acknowledge');
  if (first === undefined || !acknowledge || first < acknowledge.durationMs) return [];
  return [
    {
      code: 'target-before-escalation',
      severity: 'warning',
      message: `the acknowledge target (${formatSpan(acknowledge.durationMs)}) is breached before anyone is paged: the first level of policy \`${ctx.policy.id}\` fires after ${formatSpan(first)}`,
      hint: 'make the first level fire sooner (e.g. `after: 0m`), or give the severity a longer acknowledge target',
      ...(policyPosition(ctx) ? { at: policyPosition(ctx)! } : {}),
    },
  ];
}
