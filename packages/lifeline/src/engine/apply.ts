/**
 * Applying an event to one incident: copy it into a draft, catch up its overdue timers, run the handler, and commit
 * only when the handler says `ok`. Any other outcome leaves the state exactly as it was, with no effects, so a
 * refused command or a stale event can never half-apply.
 */
import type { EngineConfig } from './config.js';
import { commitDraft, draftOf, own, type Draft } from './draft.js';
import { notFound } from './outcomes.js';
import { catchUp } from './timers.js';
import type { Decision, EngineState, Outcome } from './types.js';

export function unchanged(state: EngineState, outcome: Outcome, incidentId?: string): Decision {
  return { state, effects: [], outcome, ...(incidentId !== undefined ? { incidentId } : {}) };
}

export function applyToIncident(
  config: EngineConfig,
  state: EngineState,
  incidentId: string,
  now: number,
  handle: (draft: Draft) => Outcome,
): Decision {
  const incident = own(state.incidents, incidentId);
  if (!incident) return unchanged(state, notFound(`no incident ${incidentId}`));
  const draft = draftOf(config, state, incident, now);
  catchUp(draft);
  const outcome = handle(draft);
  if (outcome.kind !== 'ok') return unchanged(state, outcome, incidentId);
  return { state: commitDraft(state, draft), effects: draft.effects, outcome, incidentId };
}
