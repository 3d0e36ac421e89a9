/**
 * Cross-reference and consistency checks over the decoded items: duplicate ids, references to teams, people,
 * channels, severities, policies, integrations, endpoints, checks and steps, and rules the schema cannot express
 * (exactly one of two keys, a check kind that needs a schema, a role nobody holds).
 */
import { suggestion, type DiagnosticCode, type DiagnosticList } from './diagnostics.js';
import { positionOf, type DataPath } from './source-file.js';
import { subjectOf } from './shape.js';
import type { LoadedItem, LoadedItems } from './decode.js';
import { DEFAULT_SEVERITIES, type Declaration, type Integration } from './model.js';
import { checkPlaybook } from './playbook-references.js';

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

export class Checker {
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
