/**
 * Applying an event to one incident: copy it into a draft, catch up its overdue timers, run the handler, and hand
 * back the changes only when the handler says `ok`. Any other outcome changes nothing and has no effects, so a
 * refused command or a stale event can never half-apply.
 */
import type { EngineConfig } from './config.js';
import { changesOf, draftOf, own, type Draft } from './draft.js';
import { notFound } from './outcomes.js';
import { catchUp } from './timers.js';
import type { DecisionChanges, EngineState, Outcome, TimerIndex } from './types.js';

export function unchanged(outcome: Outcome, incidentId?: string): DecisionChanges {
  return { effects: [], outcome, ...(incidentId !== undefined ? { incidentId } : {}) };
}

export function applyToIncident(
  config: EngineConfig,
  state: EngineState,
  incidentId: string,
  now: number,
  handle: (draft: Draft) => Outcome,
  index?: TimerIndex,
): DecisionChanges {
  const incident = own(state.incidents, incidentId);
  if (!incident) return unchanged(notFound(`no incident ${incidentId}`));
  const draft = draftOf(config, state, incident, now, index);
  catchUp(draft);
  const outcome = handle(draft);
  if (outcome.kind !== 'ok') return unchanged(outcome, incidentId);
  return { changes: changesOf(draft), effects: draft.effects, outcome, incidentId };
}
