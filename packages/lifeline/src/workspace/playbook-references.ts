/**
 * Cross-reference checks of playbooks: their integration, severity, policy and owner, the signals of their
 * criteria and steps (a check must belong to the signal's integration), step order for `if` and `rollback`,
 * and what each action names (checks, channels, teams, approvers with a role someone holds).
 */
import { parseLabelMatcher } from '../alerts/label-matcher.js';
import { suggestion } from './diagnostics.js';
import type { DataPath } from './source-file.js';
import type { LoadedItem, LoadedItems } from './decode.js';
import type { Integration, Playbook, Signal } from './model.js';
import type { Checker } from './references.js';

export function checkPlaybook(
  c: Checker,
  item: LoadedItem<Playbook>,
  integrations: Map<string, Integration>,
  items: LoadedItems,
): void {
  const playbook = item.value;
  const integration = integrations.get(playbook.integration);
  c.reference('integration', playbook.integration, item, ['integration']);
  c.reference('severity', playbook.severity, item, ['severity']);
  c.reference('escalation-policy', playbook.escalation, item, ['escalation']);
  c.reference('team', playbook.owner, item, ['owner']);
  const signals = (criteria: Playbook['trigger'] | undefined, key: string) =>
    criteria?.when.forEach((signal, i) =>
      checkSignal(c, item, signal, [key, 'when', i], integrations, playbook.integration),
    );
  signals(playbook.trigger, 'trigger');
  signals(playbook.success, 'success');
  signals(playbook.rollback, 'rollback');

  const teams = new Map(items.teams.map((t) => [t.value.id, t.value]));
  const owner = teams.get(playbook.owner ?? integration?.owner ?? '');
  if (!playbook.escalation && owner && !owner.escalation) {
    c.problem(
      'unknown-reference',
      item,
      ['severity'],
      `no escalation policy: neither the playbook nor team \`${owner.id}\` names one, so its incidents notify nobody`,
      'add `escalation: POLICY` to the playbook or the team',
      'warning',
    );
  }
  const channelKinds = new Map(items.channels.map((ch) => [ch.value.id, ch.value.kind]));
  const stepIds: string[] = [];
  playbook.steps.forEach((step, s) => {
    const at = ['steps', s];
    if (stepIds.includes(step.id))
      c.problem(
        'duplicate-id',
        item,
        [...at, 'id'],
        `duplicate step id \`${step.id}\` in playbook \`${playbook.id}\``,
      );
    if (step.if) {
      const keys = [step.if.step !== undefined, step.if.holds !== undefined].filter(Boolean).length;
      if (keys !== 1)
        c.problem(
          keys ? 'conflicting-keys' : 'missing-key',
          item,
          [...at, 'if'],
          '`if` needs exactly one of `step` (with `outcome`) or `holds`',
        );
      if (step.if.step !== undefined) {
        c.reference('playbook', step.if.step, item, [...at, 'if', 'step'], stepIds, 'earlier step');
        if (!step.if.outcome)
          c.problem(
            'missing-key',
            item,
            [...at, 'if'],
            '`if.step` needs an `outcome`: succeeded, failed or skipped',
          );
      }
      if (step.if.holds)
        checkSignal(c, item, step.if.holds, [...at, 'if', 'holds'], integrations, playbook.integration);
    }
    if (step.guard)
      checkSignal(c, item, step.guard.when, [...at, 'guard', 'when'], integrations, playbook.integration);
    checkAction(c, item, step, at, { stepIds, channelKinds, teams, integrations, playbook });
    if (step.compensate)
      checkAction(c, item, step.compensate, [...at, 'compensate'], {
        stepIds,
        channelKinds,
        teams,
        integrations,
        playbook,
      });
    stepIds.push(step.id);
  });
  playbook.followUps?.forEach((f, i) => c.reference('team', f.owner, item, ['followUps', i, 'owner']));
}

interface ActionContext {
  stepIds: string[];
  channelKinds: Map<string, string>;
  teams: Map<string, LoadedItems['teams'][number]['value']>;
  integrations: Map<string, Integration>;
  playbook: Playbook;
}

type ActionLike = Playbook['steps'][number] | NonNullable<Playbook['steps'][number]['compensate']>;

function checkAction(
  c: Checker,
  item: LoadedItem<Playbook>,
  action: ActionLike,
  at: DataPath,
  ctx: ActionContext,
): void {
  switch (action.action) {
    case 'run-check':
      c.reference('check', action.check, item, [...at, 'check']);
      return;
    case 'set-client-mode':
      c.reference('integration', action.integration, item, [...at, 'integration']);
      if (action.mode === 'throttled' && !action.rate)
        c.problem('missing-key', item, at, '`throttled` mode needs a `rate`, e.g. `10/s`');
      return;
    case 'notify':
      action.channels?.forEach((id, i) => c.reference('channel', id, item, [...at, 'channels', i]));
      action.teams?.forEach((id, i) => c.reference('team', id, item, [...at, 'teams', i]));
      if (!action.channels?.length && !action.teams?.length)
        c.problem('missing-key', item, at, '`notify` needs `channels` or `teams`');
      return;
    case 'ticket': {
      if (!c.reference('channel', action.channel, item, [...at, 'channel'])) return;
      const kind = ctx.channelKinds.get(action.channel);
      if (kind && kind !== 'jira' && kind !== 'github')
        c.problem(
          'invalid-value',
          item,
          [...at, 'channel'],
          `\`ticket\` needs a jira or github channel; \`${action.channel}\` is ${kind}`,
        );
      return;
    }
    case 'wait':
      checkSignal(c, item, action.until, [...at, 'until'], ctx.integrations, ctx.playbook.integration);
      return;
    case 'manual':
    case 'approval': {
      const who = action.action === 'manual' ? action.assignee : action.approvers;
      const key = action.action === 'manual' ? 'assignee' : 'approvers';
      if (!who || !c.reference('team', who.team, item, [...at, key, 'team'])) return;
      const team = ctx.teams.get(who.team);
      if (team && who.role && !team.members.some((m) => m.roles?.includes(who.role!))) {
        c.problem(
          'unknown-reference',
          item,
          [...at, key, 'role'],
          `nobody in team \`${team.id}\` has role \`${who.role}\`, so nobody can ${action.action === 'approval' ? 'approve' : 'do'} this step`,
          'give a member that role, or change the role',
          'warning',
        );
      }
      return;
    }
    case 'rollback':
      action.steps?.forEach((id, i) =>
        c.reference('playbook', id, item, [...at, 'steps', i], ctx.stepIds, 'earlier step'),
      );
      return;
    case 'http':
    case 'command':
      return;
  }
}

function checkSignal(
  c: Checker,
  item: LoadedItem<Playbook>,
  signal: Signal,
  at: DataPath,
  integrations: Map<string, Integration>,
  defaultIntegration: string,
): void {
  const integrationId = signal.integration ?? defaultIntegration;
  if (signal.integration) c.reference('integration', signal.integration, item, [...at, 'integration']);
  if (signal.check) {
    const integration = integrations.get(integrationId);
    const own = integration?.checks?.map((k) => k.id);
    if (own && c.reference('check', signal.check, item, [...at, 'check'])) {
      if (!own.includes(signal.check))
        c.problem(
          'unknown-reference',
          item,
          [...at, 'check'],
          `check \`${signal.check}\` does not belong to integration \`${integrationId}\``,
          suggestion(signal.check, own, 'check'),
        );
    }
  }
  if (signal.signal === 'alert') {
    for (const [label, value] of Object.entries(signal.labels ?? {})) {
      const matcher = parseLabelMatcher(value);
      if (matcher.kind === 'invalid')
        c.problem(
          'invalid-value',
          item,
          [...at, 'labels', label],
          `label \`${label}\`: \`${value}\` is not a valid regular expression (${matcher.reason})`,
          'a value between slashes is a JavaScript regular expression, e.g. `/prod|staging/`; any other value matches exactly',
        );
    }
  }
  if (signal.signal === 'latency' || signal.signal === 'error-rate') {
    const both = signal.above !== undefined && signal.below !== undefined;
    if (both || (signal.above === undefined && signal.below === undefined)) {
      c.problem(
        both ? 'conflicting-keys' : 'missing-key',
        item,
        at,
        `a ${signal.signal} signal needs exactly one of \`above\` or \`below\``,
      );
    }
  }
}
