/**
 * When criteria are evaluated: after every result of an integration (its playbooks' criteria), and on a sweep
 * every few seconds (all of them), so a `for` completes even when the checks behind it run rarely. The sweep also
 * persists changed criteria states and drops incidents that can no longer reopen from memory. Events go through
 * the shell inside one exclusive turn, so evaluation always sees the state the previous decision left.
 */
import type { AlertBook } from '../alerts/alert-book.js';
import { withAlerts } from '../alerts/alert-measurements.js';
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import type { CriteriaWatch, WatchContext } from './criteria-watch.js';
import type { EngineShell } from './engine-shell.js';
import { errorText, type DaemonLogger } from './logger.js';
import type { ResultWindows } from './result-windows.js';

export interface SignalLoopOptions {
  shell: EngineShell;
  criteria: CriteriaWatch;
  windows: ResultWindows;
  clock: Clock;
  logger: DaemonLogger;
  sweepEveryMs: number;
  /** The inbound alerts firing, for `alert` signals; without it those read as unknown. */
  alerts?: () => AlertBook;
}

export class SignalLoop {
  private sweep: TimerHandle | undefined;
  private running = false;

  constructor(private readonly options: SignalLoopOptions) {}

  /** What the criteria see now. */
  context(): WatchContext {
    const { windows, clock, alerts, shell } = this.options;
    return {
      measurements: alerts ? withAlerts(windows.measurements, alerts) : windows.measurements,
      failingSignature: (check: string) => windows.failingSignature(check),
      now: clock.now(),
      openByPlaybook: shell.openIncidents().byPlaybook,
    };
  }

  /** Evaluates the criteria measuring `integration` (all when undefined) and applies the events they give. */
  evaluate(integration?: string): Promise<void> {
    const { shell, criteria, logger } = this.options;
    return shell.exclusive(async () => {
      for (const { event, applied } of criteria.evaluate(shell.state, this.context(), integration)) {
        try {
          const decision = await shell.applyNow(event);
          applied?.();
          if (decision.outcome.kind === 'ok' && event.kind === 'signal-fired') {
            logger.info('signal fired', { playbook: event.playbookId, incident: decision.incidentId });
          }
        } catch (error) {
          // Not marked applied: the next evaluation sends it again.
          logger.error('a signal event could not be committed', {
            event: event.kind,
            error: errorText(error),
          });
        }
      }
    });
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.sweep !== undefined) this.options.clock.clearTimeout(this.sweep);
    this.sweep = undefined;
  }

  private arm(): void {
    if (!this.running) return;
    this.sweep = this.options.clock.setTimeout(() => {
      this.sweep = undefined;
      void this.sweepOnce().finally(() => this.arm());
    }, this.options.sweepEveryMs);
  }

  private async sweepOnce(): Promise<void> {
    const { shell, criteria, windows, clock, logger } = this.options;
    const now = clock.now();
    try {
      windows.prune(now);
      await this.evaluate();
      await shell.exclusive(async () => {
        for (const id of shell.prune(now, shell.engineConfig.reopenWindowMs)) criteria.forgetIncident(id);
      });
      await shell.flushCriteria();
    } catch (error) {
      logger.error('periodic evaluation failed', { error: errorText(error) });
    }
  }
}
