/**
 * Runs one declared check and returns its `CheckResult`; never throws. Around the kind's single attempt it owns
 * what every kind shares: the runner from the registry, the per-attempt timeout (an abort, raced so a kind
 * that ignores it cannot hang the scheduler; see `attempt-abort.ts`), latency, class-aware retries with
 * abortable injectable sleeps (`retry-policy.ts`), secrets resolved at the moment of use and scrubbed from
 * every message, the failure signature, and the scheduled/started times. What is the same on every run of a
 * check is worked out once (`check-plan.ts`).
 */
import { performance } from 'node:perf_hooks';
import type { Check, DeclaredCheck, Integration, Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import { formatDuration, type SecretReference } from '../workspace/values.js';
import { AttemptAbort, AttemptContext } from './attempt-abort.js';
import type { CheckOutcome, CheckRunContext } from './check-kind.js';
import { planCheck, signatureTarget, type CheckPlan } from './check-plan.js';
import type { CheckResult } from './check-result.js';
import { redactSecrets } from './redact.js';
import { createCheckRegistry, type CheckRegistry, type KindRunner } from './registry.js';
import { retryDelay } from './retry-policy.js';
import { failureSignature, type SignatureInput } from './signature.js';
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
  let plan: CheckPlan | undefined;
  const registry = deps.registry ?? createCheckRegistry();
  try {
    startedAt = deps.now();
    plan = planCheck(declared, deps.workspace);
    const runner = await registry.runnerFor(declared.check.kind);
    summary =
      runner === undefined
        ? kindUnavailable(declared.check.kind)
        : await runAttempts(runner, declared, plan, deps, secrets);
  } catch (error) {
    summary = { outcome: internalError(error), latencyMs: 0, attempts: 1 };
  } finally {
    if (registry !== deps.registry) await registry.dispose().catch(() => undefined);
  }
  const signature = signatureOf(declared, plan, summary.outcome);
  return toResult(declared, signature, summary, {
    startedAt,
    scheduledAt: deps.scheduledAt ?? startedAt,
    secrets,
  });
}

function kindUnavailable(kind: string): RunSummary {
  const message = `no runner is registered for check kind \`${kind}\``;
  return {
    outcome: { class: 'assertion', errorCode: 'kind-unavailable', message },
    latencyMs: 0,
    attempts: 1,
  };
}

/** The failure signature; a check that keeps answering the same way reuses the last one (`SignatureSlot`). */
function signatureOf(declared: DeclaredCheck, plan: CheckPlan | undefined, outcome: CheckOutcome): string {
  const input: SignatureInput = {
    integration: declared.integration.id,
    endpoint: plan?.signatureTarget ?? signatureTarget(declared),
    class: outcome.class,
    status: outcome.status,
    errorCode: outcome.errorCode,
  };
  if (outcome.drift !== undefined) return failureSignature({ ...input, drift: outcome.drift });
  if (plan === undefined) return failureSignature(input);
  const slot = plan.signatures;
  if (
    slot.signature !== undefined &&
    slot.class === outcome.class &&
    slot.status === outcome.status &&
    slot.errorCode === outcome.errorCode
  ) {
    return slot.signature;
  }
  const signature = failureSignature(input);
  slot.class = outcome.class;
  slot.status = outcome.status;
  slot.errorCode = outcome.errorCode;
  slot.signature = signature;
  return signature;
}

/** The attempts of one run: the first, then retries while the policy asks for them and nothing aborted. */
async function runAttempts(
  runner: KindRunner,
  { integration, check }: DeclaredCheck,
  plan: CheckPlan,
  deps: RunCheckDeps,
  secrets: Set<string>,
): Promise<RunSummary> {
  const context = runContext(integration, plan, deps, secrets);
  let result = await attemptOnce(runner, check, context, deps.signal);
  const sleep = deps.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    const wait = retryDelay(result.outcome, attempt, plan.retry);
    if (wait === undefined || aborted(deps.signal)) return summaryOf(result, attempt);
    await sleep(wait, deps.signal);
    if (aborted(deps.signal)) return summaryOf(result, attempt);
    result = await attemptOnce(runner, check, context, deps.signal);
  }
}

function summaryOf(result: AttemptResult, attempts: number): RunSummary {
  return { outcome: result.outcome, latencyMs: result.latencyMs, attempts };
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** The context every attempt shares; only the signal is per attempt. */
function runContext(
  integration: Integration,
  plan: CheckPlan,
  deps: RunCheckDeps,
  secrets: Set<string>,
): Omit<CheckRunContext, 'signal'> {
  const secretContext = { baseDir: plan.baseDir, ...(deps.env === undefined ? {} : { env: deps.env }) };
  return {
    workspace: deps.workspace,
    integration,
    timeoutMs: plan.timeoutMs,
    now: deps.now,
    resolveSecret: async (ref: SecretReference) => {
      const value = await resolveSecret(ref, secretContext);
      // Remembered only to scrub messages of this run; dropped with the run.
      secrets.add(value);
      return value;
    },
    resolvePath: plan.resolvePath,
  };
}

/**
 * One attempt under its own timeout; an exception from the kind becomes an `internal error` outcome. The
 * attempt ends at whichever comes first: the kind's outcome, the timeout, or the run's signal — a kind that
 * ignores its signal cannot hang the caller.
 */
function attemptOnce(
  runner: KindRunner,
  check: Check,
  base: Omit<CheckRunContext, 'signal'>,
  outer: AbortSignal | undefined,
): Promise<AttemptResult> {
  const abort = new AttemptAbort();
  const timeoutMs = base.timeoutMs;
  const started = performance.now();
  return new Promise<AttemptResult>((resolveAttempt) => {
    let done = false;
    // The first to come decides; the loser may still settle later and is ignored.
    const finish = (outcome: CheckOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
      resolveAttempt({ outcome, latencyMs: outcome.latencyMs ?? performance.now() - started });
    };
    // Stopped: the outcome says so first, then the kind's request is cut (undici listens to `abort`).
    const stop = (reason: unknown): void => {
      finish(abortedOutcome(reason, timeoutMs));
      abort.abort(reason);
    };
    const forward = (): void => stop(outer?.reason);
    const timer = setTimeout(() => stop(new TimeoutReason(timeoutMs)), timeoutMs);
    if (outer?.aborted === true) forward();
    else outer?.addEventListener('abort', forward, { once: true });
    try {
      runner.run(check, new AttemptContext(base, abort)).then(finish, (error: unknown) => {
        finish(internalError(error));
      });
    } catch (error) {
      finish(internalError(error));
    }
  });
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
  signature: string,
  summary: RunSummary,
  run: { startedAt: number; scheduledAt: number; secrets: ReadonlySet<string> },
): CheckResult {
  const { integration, check } = declared;
  const { outcome, attempts } = summary;
  const message = attempts > 1 ? `${outcome.message} (after ${attempts} attempts)` : outcome.message;
  return {
    integration: integration.id,
    check: check.id,
    kind: check.kind,
    ok: outcome.class === 'ok',
    class: outcome.class,
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    latencyMs: Math.round(summary.latencyMs),
    signature,
    message: run.secrets.size === 0 ? message : redactSecrets(message, run.secrets),
    startedAt: run.startedAt,
    scheduledAt: run.scheduledAt,
    ...(outcome.errorCode === undefined ? {} : { errorCode: outcome.errorCode }),
    ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
    attempts,
    ...(outcome.tls === undefined ? {} : { tls: outcome.tls }),
    ...(outcome.drift === undefined ? {} : { drift: outcome.drift }),
  };
}
