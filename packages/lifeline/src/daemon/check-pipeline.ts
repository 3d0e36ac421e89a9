/**
 * Where check results come from and go: the scheduler runs every enabled check on its own phase (through one
 * shared check registry, so tokens and compiled schemas are reused), and each result — scheduled or run by a
 * playbook step — goes to the rolling windows, to the store in batches, and to whoever evaluates signals.
 */
import { withRecordedRotation } from '../changes/key-rotations.js';
import type { CheckResult } from '../checks/check-result.js';
import { createCheckRegistry, runCheck } from '../checks/runner.js';
import { Scheduler, type Clock, type SchedulerStats } from '../checks/scheduler/index.js';
import type { Store } from '../store/index.js';
import { traceCheck } from '../telemetry/spans.js';
import type { Tracing } from '../telemetry/tracing.js';
import { checksOf, type DeclaredCheck, type Workspace } from '../workspace/model.js';
import { scheduleEntries } from './check-schedule.js';
import { errorText, type DaemonLogger } from './logger.js';
import { ResultBatcher } from './result-batcher.js';
import type { ResultWindows } from './result-windows.js';

export interface CheckPipelineOptions {
  store: Store;
  clock: Clock;
  logger: DaemonLogger;
  /** The workspace in use (checks run against the current one). */
  workspace: () => Workspace;
  windows: ResultWindows;
  /** Called after each result was recorded in the windows. */
  onResult: (result: CheckResult) => void;
  env?: Readonly<Record<string, string | undefined>>;
  maxPerHost?: number;
  flushMs?: number;
  /** The latest key rotation recorded as a change, per integration (epoch ms): key age counts from it. */
  lastRotatedAt?: (integrationId: string) => number | undefined;
  /** Each run in a `check <integration>/<check>` span (see `telemetry/spans.ts`). */
  tracing?: Tracing;
}

export class CheckPipeline {
  private readonly registry = createCheckRegistry();
  private readonly batcher: ResultBatcher;
  private readonly scheduler: Scheduler;

  constructor(private readonly options: CheckPipelineOptions) {
    this.batcher = new ResultBatcher(options.store, options.clock, options.logger, options.flushMs);
    this.scheduler = new Scheduler({
      clock: options.clock,
      ...(options.maxPerHost !== undefined ? { maxPerHost: options.maxPerHost } : {}),
      onResult: (result) => this.record(result),
      onError: (error, run) =>
        options.logger.warn('a check run failed', { check: run.checkId, error: errorText(error) }),
    });
  }

  /** Replaces the schedule with the workspace's enabled checks (unchanged checks keep their phase). */
  schedule(workspace: Workspace): void {
    this.scheduler.schedule(
      scheduleEntries(workspace, (declared, signal, at) => this.run(declared, signal, at)),
    );
  }

  start(): void {
    this.scheduler.start();
  }

  stats(): SchedulerStats {
    return this.scheduler.stats();
  }

  /** Runs one check now (a playbook's `run-check` step); undefined if the workspace has no such check. */
  async runNow(checkId: string, signal: AbortSignal): Promise<CheckResult | undefined> {
    const declared = checksOf(this.options.workspace()).find((d) => d.check.id === checkId);
    if (!declared) return undefined;
    const result = await this.run(declared, signal);
    this.record(result);
    return result;
  }

  /** Stops scheduling and waits for runs in flight (their results are dropped). */
  stopScheduling(): Promise<void> {
    return this.scheduler.stop();
  }

  /** Writes the buffered results and closes the runners' connections. */
  async close(): Promise<void> {
    this.batcher.stop();
    await this.batcher.flush();
    await this.registry.dispose().catch(() => undefined);
  }

  private run(declared: DeclaredCheck, signal: AbortSignal, scheduledAt?: number): Promise<CheckResult> {
    const env = this.options.env;
    const rotatedAt = this.options.lastRotatedAt?.(declared.integration.id);
    const integration = withRecordedRotation(declared.integration, rotatedAt);
    const effective = integration === declared.integration ? declared : { ...declared, integration };
    const run = () =>
      runCheck(effective, {
        workspace: this.options.workspace(),
        now: () => this.options.clock.now(),
        registry: this.registry,
        signal,
        ...(scheduledAt !== undefined ? { scheduledAt } : {}),
        ...(env ? { env } : {}),
      });
    const { tracing } = this.options;
    if (!tracing) return run();
    const traced = { integration: integration.id, check: declared.check.id, kind: declared.check.kind };
    return traceCheck(tracing, traced, run);
  }

  private record(result: CheckResult): void {
    this.options.windows.record(result);
    this.batcher.add(result);
    this.options.onResult(result);
  }
}
