/**
 * The scheduler's view of a workspace: one entry per enabled check, keyed by the `host:port` it calls (so the
 * per-host limit protects each vendor), with an overall timeout covering every attempt the check may make.
 */
import type { CheckResult } from '../checks/check-result.js';
import { DEFAULT_BACKOFF_MS } from '../checks/retry-policy.js';
import type { ScheduleEntry } from '../checks/scheduler/index.js';
import { checksOf, type DeclaredCheck, type Workspace } from '../workspace/model.js';

/** Slack on top of the attempts' own timeouts, so the runner's timeout answers before the scheduler's abort. */
const SCHEDULE_SLACK_MS = 1000;

/** `host:port` of a URL, with the scheme's default port. */
export function hostKey(url: string): string {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
    return `${parsed.hostname}:${port}`;
  } catch {
    return url;
  }
}

function hostOf({ integration, check }: DeclaredCheck): string {
  if (check.kind === 'tls' && (check.host !== undefined || check.port !== undefined)) {
    const base = new URL(integration.baseUrl);
    return `${check.host ?? base.hostname}:${check.port ?? 443}`;
  }
  if (
    check.kind === 'credential' &&
    check.endpoint === undefined &&
    integration.auth.type === 'oauth2-client-credentials'
  ) {
    return hostKey(integration.auth.tokenUrl);
  }
  return hostKey(integration.baseUrl);
}

/** Every attempt's timeout plus the waits between them (each doubling), plus slack. */
function overallTimeout(workspace: Workspace, { check }: DeclaredCheck): number {
  const perAttempt = check.timeout ?? workspace.defaults.checkTimeoutMs;
  const retries = check.retries?.attempts ?? 0;
  const backoff = check.retries?.backoff ?? DEFAULT_BACKOFF_MS;
  let waits = 0;
  for (let i = 0; i < retries; i++) waits += backoff * 2 ** i;
  return perAttempt * (retries + 1) + waits + SCHEDULE_SLACK_MS;
}

export function scheduleEntries(
  workspace: Workspace,
  run: (declared: DeclaredCheck, signal: AbortSignal, scheduledAt: number) => Promise<CheckResult>,
): ScheduleEntry[] {
  return checksOf(workspace)
    .filter(({ check }) => check.enabled !== false)
    .map((declared) => ({
      id: declared.check.id,
      host: hostOf(declared),
      intervalMs: Math.max(1, Math.round(declared.check.every ?? workspace.defaults.checkIntervalMs)),
      timeoutMs: overallTimeout(workspace, declared),
      run: (signal, scheduledAt) => run(declared, signal, scheduledAt),
    }));
}
