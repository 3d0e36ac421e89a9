/**
 * The engine's entry points: `decide(config, state, event, now) → { state, effects, outcome }` and its core
 * `decideChanges`, which returns what changed instead of the whole next state, so a decision costs O(one incident)
 * rather than O(state) (the shell applies the changes to the state it owns; see
 * docs/decisions/007-engine-decisions-return-changes.md). Both are pure: no clock, no I/O, no input mutated; the
 * same arguments always give the same decision, and effect ids are idempotency keys. This module only dispatches
 * each event to the concern that handles it.
 */
import { applyToIncident, unchanged } from './apply.js';
import { applyChanges } from './changes.js';
import { assertNever } from './assert-never.js';
import { onCompensationResult, onGuardHeld, onRollbackCriteriaHeld } from './compensation.js';
import type { EngineConfig } from './config.js';
import { onDeliveryDeadLettered } from './delivery-failures.js';
import { own } from './draft.js';
import { onHumanAnswer } from './human-steps.js';
import {
  acknowledge,
  addNote,
  assign,
  clearSignal,
  markAttempt,
  mitigate,
  resolveAutomatically,
  resolveByHand,
} from './incident-lifecycle.js';
import { onSignalFired } from './incident-open.js';
import { ignored } from './outcomes.js';
import { latestIncidentFor } from './signature-index.js';
import { onConditionEvaluated, onStepResult } from './steps.js';
import { onTimerDue } from './timer-due.js';
import type { Decision, DecisionChanges, EngineEvent, EngineState, TimerIndex } from './types.js';

/**
 * Decides what an event means at `now` (epoch ms, from the shell's clock).
 * @example
 *   const { state: next, effects, outcome } = decide(config, state, { kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' }, now);
 */
export function decide(config: EngineConfig, state: EngineState, event: EngineEvent, now: number): Decision {
  const { changes, ...decision } = decideChanges(config, state, event, now);
  return { state: changes ? applyChanges(state, changes) : state, ...decision };
}

/**
 * Decides what an event means at `now`, as the changes to `state` (present exactly when the outcome is `ok`). With
 * an `index` of the state's timers by incident it never walks every timer; without one it scans them.
 */
export function decideChanges(
  config: EngineConfig,
  state: EngineState,
  event: EngineEvent,
  now: number,
  index?: TimerIndex,
): DecisionChanges {
  const on = (incidentId: string, handle: Parameters<typeof applyToIncident>[4]) =>
    applyToIncident(config, state, incidentId, now, handle, index);
  switch (event.kind) {
    case 'signal-fired':
      return onSignalFired(config, state, event, now, index);
    case 'signal-cleared': {
      const incident = latestIncidentFor(state, event.signature);
      if (!incident) return unchanged(ignored(`no incident has signature ${event.signature}`));
      return on(incident.id, clearSignal);
    }
    case 'timer-due':
      return onTimerDue(config, state, event.timerId, now, index);
    case 'success-held':
      return on(event.incidentId, resolveAutomatically);
    case 'rollback-criteria-held':
      return on(event.incidentId, onRollbackCriteriaHeld);
    case 'guard-held':
      return on(event.incidentId, (d) => onGuardHeld(d, event.stepId));
    case 'step-result':
      return on(event.incidentId, (d) => onStepResult(d, event));
    case 'condition-evaluated':
      return on(event.incidentId, (d) => onConditionEvaluated(d, event));
    case 'compensation-result':
      return on(event.incidentId, (d) => onCompensationResult(d, event));
    case 'delivery-dead-lettered':
      // A dead letter may outlive its incident in the engine's state (evicted after the reopen window).
      if (!own(state.incidents, event.incidentId))
        return unchanged(ignored(`no incident ${event.incidentId}`));
      return on(event.incidentId, (d) => onDeliveryDeadLettered(d, event));
    case 'acknowledge':
      return on(event.incidentId, (d) => acknowledge(d, event));
    case 'mitigate':
      return on(event.incidentId, (d) => mitigate(d, event));
    case 'resolve':
      return on(event.incidentId, (d) => resolveByHand(d, event));
    case 'note':
      return on(event.incidentId, (d) => addNote(d, event));
    case 'assign':
      return on(event.incidentId, (d) => assign(d, event));
    case 'mark-attempt':
      return on(event.incidentId, (d) => markAttempt(d, event));
    case 'approve':
    case 'decline':
    case 'step-done':
      return on(event.incidentId, (d) => onHumanAnswer(d, event));
    default:
      return assertNever(event, 'event');
  }
}
