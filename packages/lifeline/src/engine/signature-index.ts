/**
 * One incident per failure signature. A firing whose signature has an open incident is an occurrence of it; one
 * that comes back within the reopen window after resolution reopens it; anything else opens a new incident.
 */
import { own } from './draft.js';
import type { EngineState, Incident } from './types.js';

export type SignatureMatch =
  { kind: 'new' } | { kind: 'occurrence'; incident: Incident } | { kind: 'reopen'; incident: Incident };

/** Decides what a firing of `signature` at `now` means for the incidents in `state`. */
export function matchSignature(
  state: EngineState,
  signature: string,
  now: number,
  reopenWindowMs: number,
): SignatureMatch {
  const incident = latestIncidentFor(state, signature);
  if (!incident) return { kind: 'new' };
  if (incident.status !== 'resolved') return { kind: 'occurrence', incident };
  // A firing stamped before the resolution (a late event) is a recurrence too: the window is measured from the
  // resolution forward only.
  const since = now - (incident.resolvedAt ?? Number.NEGATIVE_INFINITY);
  return since <= reopenWindowMs ? { kind: 'reopen', incident } : { kind: 'new' };
}

/** The latest incident with this signature, open or resolved. */
export function latestIncidentFor(state: EngineState, signature: string): Incident | undefined {
  const id = own(state.signatures, signature);
  return id === undefined ? undefined : own(state.incidents, id);
}

/** The open incident with this signature, if any. */
export function openIncidentFor(state: EngineState, signature: string): Incident | undefined {
  const incident = latestIncidentFor(state, signature);
  return incident && incident.status !== 'resolved' ? incident : undefined;
}
