/**
 * Cross-reference and consistency checks over the decoded items: duplicate ids, references to teams, people,
 * channels, severities, policies, integrations, endpoints, checks and steps, and rules the schema cannot express
 * (exactly one of two keys, a check kind that needs a schema, a role nobody holds).
 */
import { suggestion, type DiagnosticCode, type DiagnosticList } from './diagnostics.js';
import { positionOf, type DataPath } from './source-file.js';
import { subjectOf } from './shape.js';
import type { LoadedItem, LoadedItems } from './decode.js';
import {
  DEFAULT_SEVERITIES,
  type Declaration,
  type Integration,
  type Playbook,
  type Signal,
} from './model.js';

type Kind =
  | 'endpoint'
  | 'integration'
  | 'team'
  | 'person'
  | 'channel'
  | 'severity'
  | 'escalation-policy'
  | 'playbook'
  | 'check'
  | 'failure-mode';

class Checker {
  readonly ids = new Map<Kind, Set<string>>();
  constructor(
    private readonly items: LoadedItems,
    private readonly declarations: Map<string, Declaration>,
    private readonly diagnostics: DiagnosticList,
  ) {}

  declare(kind: Kind, id: string, item: LoadedItem<unknown>, sub: DataPath, scope = ''): void {
    const key = `${kind}:${scope}${id}`;
    const path = [...item.path, ...sub];
    const previous = this.declarations.get(key);
    if (previous) {
      const first = previous.locate();
      this.diagnostics.error(
        'duplicate-id',
        positionOf(item.file, path),
        `duplicate ${kind} id \`${id}\`; first declared at ${first.file}:${first.line}:${first.col}`,
        {
          hint: `${kind} ids must be unique${scope ? ' within their parent' : ' in the workspace'}; rename one`,
          subject: key,
        },
      );
      return;
    }
    const file = item.file;
    this.declarations.set(key, {
      file: file.name,
      absoluteFile: file.path,
      locate: () => positionOf(file, path),
    });
    if (!scope) {
      if (!this.ids.has(kind)) this.ids.set(kind, new Set());
      this.ids.get(kind)!.add(id);
    }
  }

  /** Reports a reference to an id that is not declared (unless the target was itself invalid). */
  /** `label` names the kind in messages when `candidates` are things without a workspace-wide kind (endpoints, steps). */
  reference(
    kind: Kind,
    id: string | undefined,
    item: LoadedItem<unknown>,
    sub: DataPath,
    candidates?: Iterable<string>,
    label: string = kind,
  ): boolean {
    if (id === undefined) return true;
    const known = candidates ? new Set(candidates) : (this.ids.get(kind) ?? new Set<string>());
    if (known.has(id)) return true;
    const invalid = candidates
      ? new Set<string>()
      : (this.items.invalidIds.get(COLLECTION_OF[kind]) ?? new Set<string>());
    if (invalid.has(id)) return true;
    this.problem(
      'unknown-reference',
      item,
      sub,
      `unknown ${label} \`${id}\``,
      suggestion(id, [...known, ...invalid], label) ??
        (candidates
          ? `no ${label} has that id here`
          : `declare ${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label} with id \`${id}\``),
    );
    return false;
  }

  problem(
    code: DiagnosticCode,
    item: LoadedItem<unknown>,
    sub: DataPath,
    message: string,
    hint?: string,
    severity: 'error' | 'warning' = 'error',
  ): void {
    const path = [...item.path, ...sub];
    const subject = subjectOf(item.file.data, path);
    this.diagnostics[severity](code, positionOf(item.file, path), message, {
      ...(hint ? { hint } : {}),
      ...(subject ? { subject } : {}),
    });
  }
}

const COLLECTION_OF: Record<Kind, string> = {
  endpoint: 'integrations',
  integration: 'integrations',
  team: 'teams',
  person: 'teams',
  channel: 'channels',
  severity: 'severities',
  'escalation-policy': 'escalationPolicies',
  playbook: 'playbooks',
  check: 'integrations',
  'failure-mode': 'failureModes',
};

export function checkReferences(
  items: LoadedItems,
  declarations: Map<string, Declaration>,
  diagnostics: DiagnosticList,
): void {
  const c = new Checker(items, declarations, diagnostics);
  declareAll(c, items);
  if (items.severities.length === 0) c.ids.set('severity', new Set(DEFAULT_SEVERITIES.map((s) => s.id)));

  for (const item of items.teams) {
    item.value.channels?.forEach((id, i) => c.reference('channel', id, item, ['channels', i]));
    c.reference('escalation-policy', item.value.escalation, item, ['escalation']);
  }
  for (const item of items.channels) c.reference('channel', item.value.fallback, item, ['fallback']);
  for (const item of items.severities) c.reference('severity', item.value.escalateTo, item, ['escalateTo']);
  for (const item of items.escalationPolicies) checkPolicy(c, item);
  for (const item of items.integrations) checkIntegration(c, item);
  const integrations = new Map(items.integrations.map((i) => [i.value.id, i.value]));
  for (const item of items.playbooks) checkPlaybook(c, item, integrations, items);
  for (const item of items.failureModes) {
    c.reference('integration', item.value.integration, item, ['integration']);
    c.reference('playbook', item.value.playbook, item, ['playbook']);
  }
  const terms = new Set<string>();
  for (const item of items.glossary) {
    const term = item.value.term.toLowerCase();
    if (terms.has(term))
      c.problem(
        'duplicate-id',
        item,
        ['term'],
        `glossary term \`${item.value.term}\` is defined twice`,
        undefined,
        'warning',
      );
    terms.add(term);
  }
}

function declareAll(c: Checker, items: LoadedItems): void {
  for (const item of items.integrations) {
    c.declare('integration', item.value.id, item, ['id']);
    item.value.endpoints.forEach((e, i) =>
      c.declare('endpoint', e.id, item, ['endpoints', i, 'id'], `${item.value.id}/`),
    );
    item.value.checks?.forEach((k, i) => c.declare('check', k.id, item, ['checks', i, 'id']));
  }
  for (const item of items.teams) {
    c.declare('team', item.value.id, item, ['id']);
    const seen = new Set<string>();
    item.value.members.forEach((m, i) => {
      if (seen.has(m.id))
        c.problem(
          'duplicate-id',
          item,
          ['members', i, 'id'],
          `person \`${m.id}\` is listed twice in team \`${item.value.id}\``,
        );
      seen.add(m.id);
      if (!c.ids.get('person')?.has(m.id)) c.declare('person', m.id, item, ['members', i, 'id']);
    });
  }
  for (const item of items.channels) c.declare('channel', item.value.id, item, ['id']);
  for (const item of items.severities) c.declare('severity', item.value.id, item, ['id']);
  for (const item of items.escalationPolicies) c.declare('escalation-policy', item.value.id, item, ['id']);
  for (const item of items.playbooks) c.declare('playbook', item.value.id, item, ['id']);
  for (const item of items.failureModes) c.declare('failure-mode', item.value.id, item, ['id']);
}

function checkPolicy(c: Checker, item: LoadedItems['escalationPolicies'][number]): void {
  c.reference('channel', item.value.fallbackChannel, item, ['fallbackChannel']);
  item.value.levels.forEach((level, l) =>
    level.notify.forEach((target, t) => {
      const at = ['levels', l, 'notify', t];
      const set = (['team', 'person', 'channel'] as const).filter((k) => target[k] !== undefined);
      if (set.length !== 1) {
        c.problem(
          set.length ? 'conflicting-keys' : 'missing-key',
          item,
          at,
          `a notify target needs exactly one of \`team\`, \`person\`, \`channel\` (found ${set.length})`,
          'write one target per list entry',
        );
      }
      if (target.role && !target.team)
        c.problem('conflicting-keys', item, [...at, 'role'], '`role` only applies to a `team` target');
      c.reference('team', target.team, item, [...at, 'team']);
      c.reference('person', target.person, item, [...at, 'person']);
      c.reference('channel', target.channel, item, [...at, 'channel']);
    }),
  );
}

function checkIntegration(c: Checker, item: LoadedItem<Integration>): void {
  const integration = item.value;
  c.reference('team', integration.owner, item, ['owner']);
  const version = integration.apiVersion;
  if (version && version.in !== 'path' && !version.name) {
    c.problem(
      'missing-key',
      item,
      ['apiVersion'],
      `\`apiVersion\` sent in the ${version.in} needs a \`name\``,
      version.in === 'header' ? 'e.g. `name: Api-Version`' : 'e.g. `name: api-version`',
    );
  }
  const endpoints = new Map(integration.endpoints.map((e) => [e.id, e]));
  integration.endpoints.forEach((endpoint, i) => {
    if (endpoint.responses && endpoint.openapi) {
      c.problem(
        'conflicting-keys',
        item,
        ['endpoints', i, 'openapi'],
        'an endpoint takes its schemas from `responses` or from `openapi`, not both',
      );
    }
  });
  integration.checks?.forEach((check, i) => {
    const at = ['checks', i];
    if (check.every !== undefined && check.every < 1000)
      c.problem(
        'invalid-value',
        item,
        [...at, 'every'],
        'checks run at most once per second',
        'use `every: 1s` or more',
      );
    if (check.kind === 'tls' && !integration.baseUrl.startsWith('https:') && !check.host) {
      c.problem(
        'invalid-value',
        item,
        at,
        `tls check on \`${integration.id}\`, whose base URL is not https`,
        'use an https base URL or set `host:`',
      );
    }
    if (check.kind === 'http' || check.kind === 'schema' || (check.kind === 'credential' && check.endpoint)) {
      const endpointId = check.endpoint!;
      if (!c.reference('integration', endpointId, item, [...at, 'endpoint'], endpoints.keys(), 'endpoint'))
        return;
      const endpoint = endpoints.get(endpointId)!;
      if (check.kind === 'schema' && !endpoint.responses && !endpoint.openapi) {
        c.problem(
          'no-response-schema',
          item,
          [...at, 'endpoint'],
          `endpoint \`${endpointId}\` declares no response schema to check against`,
          'add `responses: {"200": {schema: file.json}}` or `openapi:` to the endpoint',
        );
      }
    }
    if (
      check.kind === 'credential' &&
      !check.endpoint &&
      integration.auth.type !== 'oauth2-client-credentials'
    ) {
      c.problem(
        'missing-key',
        item,
        at,
        'a credential check needs `endpoint` (a cheap authenticated read) unless the auth is OAuth2',
        'e.g. `endpoint: list-charges`',
      );
    }
    if (
      check.kind === 'http' &&
      check.expect?.degradedLatency !== undefined &&
      check.expect.maxLatency !== undefined &&
      check.expect.degradedLatency >= check.expect.maxLatency
    ) {
      c.problem(
        'invalid-value',
        item,
        [...at, 'expect', 'degradedLatency'],
        '`degradedLatency` should be below `maxLatency`',
        undefined,
        'warning',
      );
    }
  });
}

function checkPlaybook(
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
