/**
 * The service map of a workspace: for each integration its owner, auth, version, endpoints, SLO, checks, the
 * playbooks that answer its failures, and the failure classes no playbook answers. Pure; secrets are described
 * by reference only.
 */
import type { FailureClass } from '../checks/check-result.js';
import type { Check, Integration, Workspace } from '../workspace/model.js';
import { describeSecret, formatDuration, type SecretReference } from '../workspace/values.js';

export interface ServiceMap {
  workspace: string;
  integrations: IntegrationEntry[];
}

export interface IntegrationEntry {
  id: string;
  name: string;
  vendor?: string;
  baseUrl: string;
  owner: { id: string; name?: string };
  auth: { type: string; secrets: string[]; rotateEvery?: string; lastRotated?: string };
  apiVersion?: { value: string; in: string; name?: string };
  formats: string[];
  dependents: string[];
  endpoints: { id: string; method: string; path: string; schema?: string }[];
  slo?: {
    window: string;
    latency: { percentile: string; below: string }[];
    errorRateBelow?: string;
    availability?: string;
  };
  checks: { id: string; kind: string; every: string; enabled: boolean }[];
  playbooks: { id: string; name: string; severity: string; covers: string[] }[];
  coverage: { exposed: FailureClass[]; covered: FailureClass[]; gaps: FailureClass[] };
}

/** The failure classes a check kind can report; what an integration is exposed to, given its checks. */
export const CLASSES_BY_CHECK_KIND: Record<Check['kind'], readonly FailureClass[]> = {
  http: ['unreachable', 'timeout', 'server-error', 'client-error', 'rate-limited', 'slow', 'assertion'],
  tls: ['tls'],
  credential: ['credential'],
  schema: ['schema-drift'],
};

const CLASS_ORDER = Object.values(CLASSES_BY_CHECK_KIND).flat();

export function buildServiceMap(workspace: Workspace): ServiceMap {
  const teams = new Map(workspace.teams.map((t) => [t.id, t]));
  return {
    workspace: workspace.name,
    integrations: workspace.integrations.map((integration) => {
      const playbooks = workspace.playbooks.filter((p) => p.integration === integration.id);
      const checks = integration.checks ?? [];
      const exposed = unique(checks.flatMap((c) => CLASSES_BY_CHECK_KIND[c.kind]));
      const covered = unique(
        playbooks.flatMap((p) => (p.covers ?? []).filter((c): c is FailureClass => c !== 'ok')),
      );
      const team = teams.get(integration.owner);
      return {
        id: integration.id,
        name: integration.name,
        ...(integration.vendor ? { vendor: integration.vendor } : {}),
        baseUrl: integration.baseUrl,
        owner: { id: integration.owner, ...(team ? { name: team.name } : {}) },
        auth: describeAuth(integration),
        ...(integration.apiVersion ? { apiVersion: { ...integration.apiVersion } } : {}),
        formats: [...(integration.formats ?? [])],
        dependents: [...(integration.dependents ?? [])],
        endpoints: integration.endpoints.map((e) => ({
          id: e.id,
          method: e.method,
          path: e.path,
          ...schemaSource(e),
        })),
        ...(integration.slo ? { slo: describeSlo(integration.slo) } : {}),
        checks: checks.map((c) => ({
          id: c.id,
          kind: c.kind,
          every: formatDuration(c.every ?? workspace.defaults.checkIntervalMs),
          enabled: c.enabled !== false,
        })),
        playbooks: playbooks.map((p) => ({
          id: p.id,
          name: p.name,
          severity: p.severity,
          covers: [...(p.covers ?? [])],
        })),
        coverage: {
          exposed,
          covered,
          gaps: exposed.filter((c) => !covered.includes(c)),
        },
      };
    }),
  };
}

function unique(classes: FailureClass[]): FailureClass[] {
  return CLASS_ORDER.filter((c) => classes.includes(c));
}

function schemaSource(endpoint: Integration['endpoints'][number]): { schema?: string } {
  if (endpoint.openapi)
    return { schema: `openapi ${endpoint.openapi.document}#${endpoint.openapi.operationId}` };
  const statuses = Object.keys(endpoint.responses ?? {});
  return statuses.length ? { schema: `json-schema ${statuses.join(', ')}` } : {};
}

function describeAuth(integration: Integration): IntegrationEntry['auth'] {
  const auth = integration.auth;
  const secrets: SecretReference[] = [];
  switch (auth.type) {
    case 'api-key':
      secrets.push(auth.key);
      break;
    case 'bearer':
      secrets.push(auth.token);
      break;
    case 'basic':
      secrets.push(auth.password);
      break;
    case 'oauth2-client-credentials':
      secrets.push(auth.clientSecret);
      break;
    case 'mtls':
      secrets.push(auth.certificate, auth.key);
      break;
    case 'none':
      break;
  }
  return {
    type: auth.type,
    secrets: secrets.map(describeSecret),
    ...(auth.rotation ? { rotateEvery: formatDuration(auth.rotation.every) } : {}),
    ...(auth.rotation?.lastRotated ? { lastRotated: auth.rotation.lastRotated } : {}),
  };
}

function describeSlo(slo: NonNullable<Integration['slo']>): NonNullable<IntegrationEntry['slo']> {
  return {
    window: formatDuration(slo.window ?? 30 * 86_400_000),
    latency: (slo.latency ?? []).map((l) => ({ percentile: l.percentile, below: formatDuration(l.below) })),
    ...(slo.errorRate ? { errorRateBelow: formatPercent(slo.errorRate.below) } : {}),
    ...(slo.availability !== undefined ? { availability: formatPercent(slo.availability) } : {}),
  };
}

export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
