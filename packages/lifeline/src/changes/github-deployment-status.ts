/**
 * GitHub deployments as changes: a `deployment_status` webhook (`X-GitHub-Event: deployment_status`, signed
 * with `X-Hub-Signature-256`) whose state is `success` becomes a `deploy` change — ref the deployed sha (else
 * the ref), by the deployment's creator, at the status's `created_at`, in the deployment's environment, for the
 * repository's name as the service unless the webhook URL names one (`?service=`, `?integration=`, `?team=`).
 * Every other state (`pending`, `in_progress`, `failure`, …) and every other event (`ping` when the hook is
 * created) is acknowledged and ignored: GitHub shows a failed delivery for anything but a 2xx.
 *
 * The id is `github:<owner/repo>:<deployment status id>`, so a redelivery records nothing new.
 */
import type { ChangeRecord } from './change.js';
import type { InputProblem } from './change-input.js';

export const GITHUB_EVENT = 'deployment_status';

/** Where a GitHub change goes, from the webhook URL's query string. */
export interface GithubTarget {
  integration?: string;
  service?: string;
  team?: string;
}

export type GithubMapping =
  | { kind: 'change'; change: ChangeRecord }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; problem: InputProblem };

/**
 * @example
 *   mapDeploymentStatus('deployment_status', JSON.parse(body), { integration: 'payments' })
 *   // → { kind: 'change', change: { kind: 'deploy', ref: 'f95f852b…', by: 'Codertocat', source: 'github', … } }
 */
export function mapDeploymentStatus(
  event: string | undefined,
  payload: unknown,
  target: GithubTarget = {},
): GithubMapping {
  if (event !== GITHUB_EVENT) {
    return { kind: 'ignored', reason: `event ${event ?? '(none)'} is not ${GITHUB_EVENT}` };
  }
  const body = objectAt(payload, '');
  if (!body.ok) return { kind: 'invalid', problem: body.problem };
  const status = objectAt(body.value.deployment_status, 'deployment_status');
  if (!status.ok) return { kind: 'invalid', problem: status.problem };
  const state = stringAt(status.value.state, 'deployment_status.state');
  if (!state.ok) return { kind: 'invalid', problem: state.problem };
  if (state.value !== 'success') {
    return { kind: 'ignored', reason: `deployment status ${state.value} is not success` };
  }
  const deployment = objectAt(body.value.deployment, 'deployment');
  if (!deployment.ok) return { kind: 'invalid', problem: deployment.problem };
  const repository = objectAt(body.value.repository, 'repository');
  if (!repository.ok) return { kind: 'invalid', problem: repository.problem };

  const statusId = status.value.id;
  if (typeof statusId !== 'number' && typeof statusId !== 'string') {
    return invalid('deployment_status.id', 'is required');
  }
  const fullName = stringAt(repository.value.full_name, 'repository.full_name');
  if (!fullName.ok) return { kind: 'invalid', problem: fullName.problem };
  const createdAt = stringAt(status.value.created_at, 'deployment_status.created_at');
  if (!createdAt.ok) return { kind: 'invalid', problem: createdAt.problem };
  const at = Date.parse(createdAt.value);
  if (Number.isNaN(at)) return invalid('deployment_status.created_at', 'is not a valid time');
  const ref = optionalString(deployment.value.sha) ?? optionalString(deployment.value.ref);
  if (ref === undefined) return invalid('deployment.sha', 'is required');

  const environment =
    optionalString(deployment.value.environment) ?? optionalString(status.value.environment);
  const by = loginOf(deployment.value.creator) ?? loginOf(status.value.creator);
  const url =
    optionalString(status.value.environment_url) ??
    optionalString(status.value.log_url) ??
    optionalString(status.value.target_url) ??
    commitUrl(optionalString(repository.value.html_url), optionalString(deployment.value.sha));
  const refName = optionalString(deployment.value.ref);
  const change: ChangeRecord = {
    id: `github:${fullName.value}:${String(statusId)}`,
    kind: 'deploy',
    ref,
    at,
    source: 'github',
    service: target.service ?? optionalString(repository.value.name) ?? fullName.value,
    summary: `${fullName.value}${refName ? ` ${refName}` : ''} deployed${environment ? ` to ${environment}` : ''}`,
    ...(target.integration !== undefined ? { integration: target.integration } : {}),
    ...(target.team !== undefined ? { team: target.team } : {}),
    ...(by !== undefined ? { by } : {}),
    ...(url !== undefined && /^https?:\/\//.test(url) ? { url } : {}),
    ...(environment !== undefined ? { environment } : {}),
  };
  return { kind: 'change', change };
}

type Field<T> = { ok: true; value: T } | { ok: false; problem: InputProblem };

function objectAt(value: unknown, field: string): Field<Record<string, unknown>> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return { ok: true, value: value as Record<string, unknown> };
  }
  return {
    ok: false,
    problem: { field, message: field ? 'must be an object' : 'the body must be a JSON object' },
  };
}

function stringAt(value: unknown, field: string): Field<string> {
  if (typeof value === 'string' && value !== '') return { ok: true, value };
  return { ok: false, problem: { field, message: 'is required' } };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function loginOf(user: unknown): string | undefined {
  return typeof user === 'object' && user !== null
    ? optionalString((user as { login?: unknown }).login)
    : undefined;
}

function commitUrl(repositoryUrl: string | undefined, sha: string | undefined): string | undefined {
  return repositoryUrl && sha ? `${repositoryUrl}/commit/${sha}` : undefined;
}

function invalid(field: string, message: string): GithubMapping {
  return { kind: 'invalid', problem: { field, message } };
}
