/**
 * Runs one declared check and returns its `CheckResult`; never throws. Around the kind's single attempt it owns
 * what every kind shares: the runner from the registry, the per-attempt timeout (an AbortSignal, raced so a
 * kind that ignores it cannot hang the scheduler), latency, class-aware retries with abortable injectable
 * sleeps (`retry-policy.ts`), secrets resolved at the moment of use and scrubbed from every message, the
 * failure signature, and the scheduled/started times.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Check, DeclaredCheck, Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import { formatDuration, type SecretReference } from '../workspace/values.js';
import type { CheckOutcome, CheckRunContext } from './check-kind.js';
import type { CheckResult } from './check-result.js';
import { redactSecrets } from './redact.js';
import { createCheckRegistry, type CheckRegistry, type KindRunner } from './registry.js';
import { DEFAULT_BACKOFF_MS, retryDelay, type RetrySettings } from './retry-policy.js';
import { failureSignature } from './signature.js';
import { abortableSleep, type Sleep } from './sleep.js';

export { createCheckRegistry, type AnyCheckKindRunner, type CheckRegistry } from './registry.js';
export { runChecks, type RunChecksOptions } from './run-checks.js';

export interface RunCheckDeps {
  workspace: Workspace;
  /** Wall clock in epoch ms: start times, token expiry, rotation age, Retry-After dates. */
  now: () => number;
  /** Environment for `${env:…}` secrets (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Aborts the run (shutdown): the attempt in flight and any retry wait stop at once. */
  signal?: AbortSignal;
  /** Runners and shared state; a private one is made (and disposed) per call when absent. */
  registry?: CheckRegistry;
  /** The wait between retries; injectable so tests need not wait. */
  sleep?: Sleep;
  /** When the scheduler meant this run to start (epoch ms); defaults to the actual start. */
  scheduledAt?: number;
}

interface AttemptResult {
  outcome: CheckOutcome;
  latencyMs: number;
}

interface RunSummary extends AttemptResult {
  attempts: number;
}

/**
 * @example
 *   const registry = createCheckRegistry();
 *   const result = await runCheck({ integration, check }, { workspace, now: Date.now, registry });
 *   // → { class: 'credential', ok: false, status: 401, attempts: 1, signature: '3f2a…', … }
 */
export async function runCheck(declared: DeclaredCheck, deps: RunCheckDeps): Promise<CheckResult> {
  const secrets = new Set<string>();
  let startedAt = Date.now();
  let summary: RunSummary;
  const registry = deps.registry ?? createCheckRegistry();
  try {
    startedAt = deps.now();
    summary = await runAttempts(declared, deps, registry, secrets);
  } catch (error) {
    summary = { outcome: internalError(error), latencyMs: 0, attempts: 1 };
  } finally {
    if (registry !== deps.registry) await registry.dispose().catch(() => undefined);
  }
  return toResult(declared, summary, { startedAt, scheduledAt: deps.scheduledAt ?? startedAt, secrets });
}

async function runAttempts(
  declared: DeclaredCheck,
  deps: RunCheckDeps,
  registry: CheckRegistry,
  secrets: Set<string>,
): Promise<RunSummary> {
  const { check } = declared;
  const runner = await registry.runnerFor(check.kind);
  if (runner === undefined) {
    const message = `no runner is registered for check kind \`${check.kind}\``;
    return {
      outcome: { class: 'assertion', errorCode: 'kind-unavailable', message },
      latencyMs: 0,
      attempts: 1,
    };
  }
  const defaults = deps.workspace.defaults;
  const timeoutMs = check.timeout ?? defaults.checkTimeoutMs;
  const settings: RetrySettings = {
    attempts: check.retries?.attempts ?? 0,
    backoffMs: check.retries?.backoff ?? DEFAULT_BACKOFF_MS,
    maxWaitMs: check.every ?? defaults.checkIntervalMs,
  };
  const context = runContext(declared, deps, timeoutMs, secrets);
  const sleep = deps.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(runner, check, context, deps.signal);
    const wait = retryDelay(result.outcome, attempt, settings);
    if (wait === undefined || aborted(deps.signal)) return { ...result, attempts: attempt };
    await sleep(wait, deps.signal);
    if (aborted(deps.signal)) return { ...result, attempts: attempt };
  }
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The context every attempt shares; only the signal is per attempt. */
function runContext(
  declared: DeclaredCheck,
  deps: RunCheckDeps,
  timeoutMs: number,
  secrets: Set<string>,
): Omit<CheckRunContext, 'signal'> {
  const declaration = deps.workspace.declarations.get(`integration:${declared.integration.id}`);
  const baseDir = declaration === undefined ? deps.workspace.dir : dirname(declaration.absoluteFile);
  return {
    workspace: deps.workspace,
    integration: declared.integration,
    timeoutMs,
    now: deps.now,
    resolveSecret: async (ref: SecretReference) => {
      const value = await resolveSecret(ref, {
        baseDir,
        ...(deps.env === undefined ? {} : { env: deps.env }),
      });
      // Remembered only to scrub messages of this run; dropped with the run.
      secrets.add(value);
      return value;
    },
    resolvePath: (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path)),
  };
}

/** One attempt under its own timeout; an exception from the kind becomes an `internal error` outcome. */
async function attemptOnce(
  runner: KindRunner,
  check: Check,
  context: Omit<CheckRunContext, 'signal'>,
  outer: AbortSignal | undefined,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(outer?.reason);
  if (outer?.aborted === true) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(() => controller.abort(new TimeoutReason(context.timeoutMs)), context.timeoutMs);
  const started = performance.now();
  try {
    const stopped = new Promise<CheckOutcome>((resolveStopped) => {
      const onAbort = (): void => resolveStopped(abortedOutcome(controller.signal.reason, context.timeoutMs));
      if (controller.signal.aborted) onAbort();
      else controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    const running = runner.run(check, { ...context, signal: controller.signal });
    // The loser of the race may still settle later; it must not become an unhandled rejection.
    running.catch(() => undefined);
    const outcome = await Promise.race([running, stopped]);
    return { outcome, latencyMs: outcome.latencyMs ?? performance.now() - started };
  } catch (error) {
    return { outcome: internalError(error), latencyMs: performance.now() - started };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  }
}

/** The abort reason the per-attempt timer uses, so a timeout is told apart from a shutdown. */
class TimeoutReason extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no response within ${formatDuration(timeoutMs)}`);
  }
}

function abortedOutcome(reason: unknown, timeoutMs: number): CheckOutcome {
  if (reason instanceof TimeoutReason) return { class: 'timeout', message: reason.message };
  return {
    class: 'timeout',
    errorCode: 'aborted',
    message: `the check was aborted before an answer (timeout ${formatDuration(timeoutMs)})`,
  };
}

function internalError(error: unknown): CheckOutcome {
  const reason = error instanceof Error ? error.message : String(error);
  return { class: 'assertion', errorCode: 'internal', message: `internal error: ${reason}` };
}

function toResult(
  declared: DeclaredCheck,
  summary: RunSummary,
  run: { startedAt: number; scheduledAt: number; secrets: ReadonlySet<string> },
): CheckResult {
  const { integration, check } = declared;
  const { outcome, attempts } = summary;
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return {
    integration: integration.id,
    check: check.id,
    kind: check.kind,
    ok: outcome.class === 'ok',
    class: outcome.class,
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    latencyMs: Math.round(summary.latencyMs),
    signature: failureSignature({
      integration: integration.id,
      endpoint: signatureTarget(declared),
      class: outcome.class,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
      ...(outcome.drift === undefined ? {} : { drift: outcome.drift }),
    }),
    message: redactSecrets(`${outcome.message}${tries}`, run.secrets),
    startedAt: run.startedAt,
    scheduledAt: run.scheduledAt,
    ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
    ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
    attempts,
    ...(outcome.tls === undefined ? {} : { tls: outcome.tls }),
    ...(outcome.drift === undefined ? {} : { drift: outcome.drift }),
  };
}

/** What the signature names as the failing target: the endpoint's path template, or the TLS/token target. */
function signatureTarget({ integration, check }: DeclaredCheck): string {
  const template = (id: string): string =>
    integration.endpoints.find((e) => e.id === id)?.path ?? `endpoint:${id}`;
  switch (check.kind) {
    case 'http':
    case 'schema':
      return template(check.endpoint);
    case 'credential':
      if (check.endpoint !== undefined) return template(check.endpoint);
      return integration.auth.type === 'oauth2-client-credentials'
        ? `token:${integration.auth.tokenUrl}`
        : 'credential';
    case 'tls':
      return `tls:${check.host ?? ''}:${check.port ?? ''}`;
  }
}
