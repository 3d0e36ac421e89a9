/**
 * What an action executor is given and what it answers: the daemon's ports (clock, workspace, check runner,
 * client-mode store, step signals) and one outcome per attempt, with a detail a responder can act on. Executors
 * never throw for a failed action (that is an outcome); they throw only when the daemon is stopping.
 */
import type { Dispatcher } from 'undici';
import type { CheckResult } from '../../checks/check-result.js';
import type { Clock } from '../../checks/scheduler/index.js';
import type { StepResultOutcome } from '../../engine/index.js';
import type { Playbook, Signal, Workspace } from '../../workspace/model.js';
import type { SecretReference } from '../../workspace/values.js';

export interface ActionOutcome {
  outcome: StepResultOutcome;
  detail?: string;
}

/** The client mode a playbook set for an integration, as stored in engine_state `client-mode:<integration>`. */
export interface ClientModeDocument {
  integration: string;
  mode: 'normal' | 'throttled' | 'degraded' | 'cached';
  rate?: string;
  setAt: number;
  /** Epoch ms after which clients go back to `normal` by themselves. */
  until?: number;
  incidentId: string;
  stepId: string;
}

export interface ActionContext {
  workspace: Workspace;
  playbook: Playbook;
  incidentId: string;
  stepId: string;
  clock: Clock;
  /** Aborts when the daemon stops. */
  signal: AbortSignal;
  /** Absolute deadline of the attempt (epoch ms), when the step has a timeout. */
  deadline?: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Resolves a secret of the playbook, at the moment of use. */
  resolveSecret: (ref: SecretReference) => Promise<string>;
  /** Runs a check now; its result also feeds the windows and the store like a scheduled one. */
  runCheck: (checkId: string, signal: AbortSignal) => Promise<CheckResult | undefined>;
  /** Stores the mode in engine_state (`client-mode:<integration>`), where clients and the API read it. */
  setClientMode: (document: ClientModeDocument, signal: AbortSignal) => Promise<void>;
  /** Whether a step's signal holds now (its hysteresis kept across calls). */
  signalHolds: (signal: Signal) => boolean;
  /** How often `wait` re-evaluates its signal. */
  pollMs: number;
  /** Connection pool for `http` actions; undici's global one when absent. */
  http?: Dispatcher;
}

/** The time left before the deadline, or `fallbackMs` without one; never negative. */
export function timeLeft(context: Pick<ActionContext, 'deadline' | 'clock'>, fallbackMs: number): number {
  return context.deadline === undefined ? fallbackMs : Math.max(0, context.deadline - context.clock.now());
}

/** Rejects with the abort reason when the daemon is stopping, so the dispatcher hands the row back. */
export function throwIfStopping(signal: AbortSignal): void {
  if (signal.aborted)
    throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}
