/**
 * Similar past incidents: when a failure comes back, the responder's first question is "what fixed it last
 * time?". An incident's record lists resolved incidents of the same integration that failed the same way, most
 * alike first — the same failure signature, then the same playbook, then overlapping checks — each with how it
 * was resolved (who, automatically or by hand, the note) and the playbook steps that succeeded in its last run.
 * Computed when the incident is read, from the store, so it needs no state of its own and sees every incident
 * ever resolved (the engine keeps only recent ones in memory).
 */
import type { Incident, Resolution } from '../engine/index.js';
import type { Store } from '../store/index.js';
import { incidentFromRecord } from './state-records.js';

/** How a past incident resembles the one being read, strongest first. */
export type SimilarityMatch = 'same-signature' | 'same-playbook' | 'same-checks';

export interface SimilarIncident {
  id: string;
  playbookId: string;
  severity: string;
  problem: string;
  openedAt: number;
  resolvedAt?: number;
  /** From opening to resolution, in ms. */
  durationMs?: number;
  match: SimilarityMatch;
  resolution?: Resolution;
  /** Ids of the steps that succeeded in its last playbook run, in order: what was done. */
  stepsSucceeded: string[];
}

export const DEFAULT_SIMILAR_LIMIT = 5;
/** Resolved incidents of the integration looked at per read: the newest ones are the relevant ones. */
const CANDIDATES = 200;

const RANK: Record<SimilarityMatch, number> = { 'same-signature': 0, 'same-playbook': 1, 'same-checks': 2 };

function matchOf(incident: Incident, other: Incident): SimilarityMatch | undefined {
  if (other.integration !== incident.integration) return undefined;
  if (other.signature === incident.signature) return 'same-signature';
  if (other.playbookId === incident.playbookId) return 'same-playbook';
  return other.checks.some((check) => incident.checks.includes(check)) ? 'same-checks' : undefined;
}

/**
 * The resolved incidents among `candidates` that resemble `incident`, most alike first and, within the same
 * likeness, the most recent first; never the incident itself.
 *
 * @example rankSimilar(current, pastIncidents)[0]?.resolution?.note // "rotated the key in the vault"
 */
export function rankSimilar(
  incident: Incident,
  candidates: readonly Incident[],
  limit = DEFAULT_SIMILAR_LIMIT,
): SimilarIncident[] {
  const found: SimilarIncident[] = [];
  for (const other of candidates) {
    if (other.id === incident.id || other.status !== 'resolved') continue;
    const match = matchOf(incident, other);
    if (match === undefined) continue;
    found.push({
      id: other.id,
      playbookId: other.playbookId,
      severity: other.severity,
      problem: other.problem,
      openedAt: other.openedAt,
      ...(other.resolvedAt !== undefined
        ? { resolvedAt: other.resolvedAt, durationMs: other.resolvedAt - other.openedAt }
        : {}),
      match,
      ...(other.resolution ? { resolution: other.resolution } : {}),
      stepsSucceeded: other.run.steps.filter((s) => s.status === 'succeeded').map((s) => s.stepId),
    });
  }
  return found
    .sort((a, b) => RANK[a.match] - RANK[b.match] || b.openedAt - a.openedAt || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

export interface SimilarLinkerDeps {
  store: Store;
  signal: AbortSignal;
  limit?: number;
}

/** Reads the integration's resolved incidents from the store and ranks them against the incident. */
export function createSimilarLinker(
  deps: SimilarLinkerDeps,
): (incident: Incident) => Promise<SimilarIncident[]> {
  return async (incident) => {
    const page = await deps.store.listIncidents(
      { integration: incident.integration, status: 'resolved', limit: CANDIDATES },
      { signal: deps.signal },
    );
    const candidates = page.items.map((record) => incidentFromRecord(record, []));
    return rankSimilar(incident, candidates, deps.limit ?? DEFAULT_SIMILAR_LIMIT);
  };
}
