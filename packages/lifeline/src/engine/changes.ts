/**
 * A decision's changes applied to a whole state, as a new state (the input is untouched). This is the pure,
 * copying form for `decide`, tests and tools: it costs O(state). The daemon's shell applies the same changes to
 * the state it owns in place instead (see `src/daemon/engine-shell.ts`).
 */
import type { EngineState, StateChanges } from './types.js';

export function applyChanges(state: EngineState, changes: StateChanges): EngineState {
  const timers = { ...state.timers };
  for (const [id, timer] of changes.timers) timers[id] = timer;
  return {
    ...state,
    ...(changes.nextIncidentNumber !== undefined ? { nextIncidentNumber: changes.nextIncidentNumber } : {}),
    ...(changes.signatures ? { signatures: { ...state.signatures, ...changes.signatures } } : {}),
    incidents: { ...state.incidents, [changes.incident.id]: changes.incident },
    timers,
  };
}
