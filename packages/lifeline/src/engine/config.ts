/**
 * The engine's view of the workspace: precomputed once per workspace load (playbooks with their owner team and
 * escalation policy, severities with default response targets, people with their team memberships and roles), so
 * `decide` only looks things up. Maps rather than records: ids such as `constructor` must not hit prototypes.
 */
import {
  DEFAULT_SEVERITIES,
  type Check,
  type EscalationPolicy,
  type Integration,
  type Playbook,
  type Workspace,
} from '../workspace/model.js';
import type { TargetKind } from './types.js';

export interface IntegrationView {
  id: string;
  name: string;
  owner: string;
  dependents: readonly string[];
}

export interface PlaybookView {
  playbook: Playbook;
  integration: IntegrationView;
  /** `playbook.owner ?? integration.owner`. */
  ownerTeam: string;
  /** `playbook.escalation ?? ownerTeam.escalation`; none means nobody is paged (targets still apply). */
  policyId?: string;
}

export interface CheckView {
  id: string;
  integration: string;
  /** `METHOD /path/template` of the endpoint the check calls, when it calls one. */
  endpoint?: string;
}

export interface SeverityView {
  id: string;
  name: string;
  escalateTo?: string;
  /** Response targets in ms, with the built-in defaults of SEV1–SEV3 filled in where the workspace is silent. */
  respond: Partial<Record<TargetKind, number>>;
}

export interface TeamView {
  id: string;
  /** Person ids, in declaration order. */
  members: readonly string[];
  /** Roles of each member within this team. */
  roles: ReadonlyMap<string, readonly string[]>;
  channels: readonly string[];
  escalation?: string;
}

export interface EngineOptions {
  /** A recurrence this soon after resolution reopens the incident (default 30 min). */
  reopenWindowMs?: number;
  /** Fraction of a response target after which it is "at risk" (default 0.8). */
  atRiskFraction?: number;
}

export interface EngineConfig {
  playbooks: ReadonlyMap<string, PlaybookView>;
  policies: ReadonlyMap<string, EscalationPolicy>;
  severities: ReadonlyMap<string, SeverityView>;
  teams: ReadonlyMap<string, TeamView>;
  /** Person id → ids of the teams they belong to. */
  people: ReadonlyMap<string, readonly string[]>;
  checks: ReadonlyMap<string, CheckView>;
  reopenWindowMs: number;
  atRiskFraction: number;
}

export const DEFAULT_REOPEN_WINDOW_MS = 30 * 60_000;
export const DEFAULT_AT_RISK_FRACTION = 0.8;

export type EngineWorkspace = Pick<
  Workspace,
  'integrations' | 'teams' | 'severities' | 'escalationPolicies' | 'playbooks'
>;

/**
 * Compiles the engine's view of a loaded (hence valid) workspace. Dangling references cannot occur after
 * validation; should one occur anyway, the thing is left out rather than throwing.
 * @example const config = compileEngineConfig(workspace, { reopenWindowMs: 10 * 60_000 });
 */
export function compileEngineConfig(workspace: EngineWorkspace, options: EngineOptions = {}): EngineConfig {
  const teams = new Map(workspace.teams.map((team) => [team.id, teamView(team)] as const));
  const people = new Map<string, string[]>();
  for (const team of teams.values()) {
    for (const person of team.members) people.set(person, [...(people.get(person) ?? []), team.id]);
  }
  const integrations = new Map(workspace.integrations.map((i) => [i.id, integrationView(i)] as const));
  const playbooks = new Map<string, PlaybookView>();
  for (const playbook of workspace.playbooks) {
    const integration = integrations.get(playbook.integration);
    if (!integration) continue;
    const ownerTeam = playbook.owner ?? integration.owner;
    const policyId = playbook.escalation ?? teams.get(ownerTeam)?.escalation;
    playbooks.set(playbook.id, { playbook, integration, ownerTeam, ...(policyId ? { policyId } : {}) });
  }
  return {
    playbooks,
    policies: new Map(workspace.escalationPolicies.map((p) => [p.id, p] as const)),
    severities: new Map(workspace.severities.map((s) => [s.id, severityView(s)] as const)),
    teams,
    people,
    checks: new Map(workspace.integrations.flatMap((i) => (i.checks ?? []).map((c) => checkView(i, c)))),
    reopenWindowMs: options.reopenWindowMs ?? DEFAULT_REOPEN_WINDOW_MS,
    atRiskFraction: options.atRiskFraction ?? DEFAULT_AT_RISK_FRACTION,
  };
}

function teamView(team: Workspace['teams'][number]): TeamView {
  return {
    id: team.id,
    members: team.members.map((m) => m.id),
    roles: new Map(team.members.map((m) => [m.id, m.roles ?? []] as const)),
    channels: team.channels ?? [],
    ...(team.escalation ? { escalation: team.escalation } : {}),
  };
}

function integrationView(integration: Integration): IntegrationView {
  return {
    id: integration.id,
    name: integration.name,
    owner: integration.owner,
    dependents: integration.dependents ?? [],
  };
}

function checkView(integration: Integration, check: Check): [string, CheckView] {
  const endpointId = 'endpoint' in check ? check.endpoint : undefined;
  const endpoint = integration.endpoints.find((e) => e.id === endpointId);
  const view: CheckView = { id: check.id, integration: integration.id };
  if (endpoint) view.endpoint = `${endpoint.method} ${endpoint.path}`;
  return [check.id, view];
}

function severityView(severity: Workspace['severities'][number]): SeverityView {
  const fallback = DEFAULT_SEVERITIES.find((d) => d.id === severity.id)?.respond ?? {};
  const respond: Partial<Record<TargetKind, number>> = {};
  for (const kind of ['acknowledge', 'firstAction', 'resolve'] as const) {
    const ms = severity.respond?.[kind] ?? fallback[kind];
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) respond[kind] = ms;
  }
  return {
    id: severity.id,
    name: severity.name,
    respond,
    ...(severity.escalateTo ? { escalateTo: severity.escalateTo } : {}),
  };
}

/** Person ids of a team's members, only those with `role` when given. */
export function membersOf(config: EngineConfig, team: string, role?: string): string[] {
  const view = config.teams.get(team);
  if (!view) return [];
  return view.members.filter((person) => role === undefined || (view.roles.get(person) ?? []).includes(role));
}

/** Whether a person may act for `{ team, role }`: a member of the team, with the role when one is required. */
export function mayAct(config: EngineConfig, person: string, who: { team: string; role?: string }): boolean {
  return membersOf(config, who.team, who.role).includes(person);
}
