/**
 * The `timer-due` event: the shell says a durable timer is due. Unknown, already fired or cancelled, and not yet
 * due timers are no-ops (`ignored`), so a redelivered or early wake-up changes nothing.
 */
import { applyToIncident, unchanged } from './apply.js';
import type { EngineConfig } from './config.js';
import { getTimer, own } from './draft.js';
import { ignored, ok } from './outcomes.js';
import { onTimer } from './timers.js';
import type { DecisionChanges, EngineState, TimerIndex } from './types.js';

export function onTimerDue(
  config: EngineConfig,
  state: EngineState,
  timerId: string,
  now: number,
  index?: TimerIndex,
): DecisionChanges {
  const timer = own(state.timers, timerId);
  if (!timer) return unchanged(ignored(`no timer ${timerId}`));
  if (timer.status !== 'pending') return unchanged(ignored(`timer ${timerId} is ${timer.status}`));
  if (timer.dueAt > now) return unchanged(ignored(`timer ${timerId} is due at ${timer.dueAt}`));
  return applyToIncident(
    config,
    state,
    timer.incidentId,
    now,
    (draft) => {
      // Catching up may already have handled it (it was overdue); then there is nothing left to do.
      const current = getTimer(draft, timerId);
      if (current?.status === 'pending') onTimer(draft, current);
      return ok();
    },
    index,
  );
}
