/**
 * The engine state's starting point and read-only queries over it, for the shell and the API.
 */
import { own } from './draft.js';
import type { EngineState, Incident } from './types.js';

/** The state of a daemon that has never seen an incident. */
export function emptyState(): EngineState {
  return { version: 1, nextIncidentNumber: 1, incidents: {}, signatures: {}, timers: {} };
}

export function incidentById(state: EngineState, id: string): Incident | undefined {
  return own(state.incidents, id);
}

/** Incidents not yet resolved, oldest first. */
export function openIncidents(state: EngineState): Incident[] {
  return Object.values(state.incidents)
    .filter((incident) => incident.status !== 'resolved')
    .sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
}
