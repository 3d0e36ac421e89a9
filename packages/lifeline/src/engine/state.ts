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

/** Unresolved incidents counted and grouped by playbook and by integration, in one pass. */
export interface OpenIncidentGroups {
  count: number;
  byPlaybook: ReadonlyMap<string, readonly Incident[]>;
  /** Open incidents per integration; an integration without any is absent. */
  byIntegration: ReadonlyMap<string, number>;
}

export function groupOpenIncidents(state: EngineState): OpenIncidentGroups {
  const byPlaybook = new Map<string, Incident[]>();
  const byIntegration = new Map<string, number>();
  let count = 0;
  for (const incident of Object.values(state.incidents)) {
    if (incident.status === 'resolved') continue;
    count++;
    const list = byPlaybook.get(incident.playbookId);
    if (list) list.push(incident);
    else byPlaybook.set(incident.playbookId, [incident]);
    byIntegration.set(incident.integration, (byIntegration.get(incident.integration) ?? 0) + 1);
  }
  return { count, byPlaybook, byIntegration };
}
