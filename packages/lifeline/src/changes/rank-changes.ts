/**
 * Which changes an incident shows, and in what order: the ones most likely to have caused it first. A change
 * of the incident's own integration or of one of its affected components comes first, then one of the owner
 * team, then a global one (no integration, service or team); changes of unrelated integrations and teams are
 * left out. Within a relevance, the change nearest before the trigger comes first. A change made after the
 * trigger (before the incident resolved) is kept too — a deploy can make an incident worse — after those
 * before it, and marked `afterTrigger`. Pure: the caller reads the changes and says when the window ends.
 */
import type { SimilarIncident } from '../daemon/similar-incidents.js';
import { assertNever } from '../engine/assert-never.js';
import type { Incident } from '../engine/types.js';
import type { ChangeRecord } from './change.js';

/** Why a change is linked: its integration is the incident's, its service is an affected component, … */
export type ChangeRelevance = 'integration' | 'component' | 'team' | 'global';

/** A change as an incident shows it. */
export interface LinkedChange extends ChangeRecord {
  relevance: ChangeRelevance;
  /** The change was made after the incident triggered (it may have made things worse). */
  afterTrigger: boolean;
}

/**
 * An incident as the API shows one: with the changes linked to it, most relevant first, and the similar past
 * incidents with what resolved them.
 */
export type IncidentWithChanges = Incident & { changes?: LinkedChange[]; similar?: SimilarIncident[] };

/** What of an incident decides which changes are relevant. */
export interface IncidentScope {
  integration: string;
  /** Affected components: the internal services depending on the integration, and its endpoints. */
  components: readonly string[];
  ownerTeam?: string;
  /** Start of the current episode, epoch ms. */
  triggeredAt: number;
}

export interface ChangeWindow {
  /** How far before the trigger changes count, ms. */
  lookBackMs: number;
  /** End of the window (inclusive), epoch ms: when the incident resolved, or now. */
  until: number;
}

/**
 * @example
 *   rankChanges({ integration: 'payments', components: ['checkout'], ownerTeam: 'payments-team', triggeredAt },
 *     changes, { lookBackMs: 24 * HOUR, until: now })
 *   // → [{ id: 'deploy-42', integration: 'payments', relevance: 'integration', afterTrigger: false, … }, …]
 */
export function rankChanges(
  scope: IncidentScope,
  changes: readonly ChangeRecord[],
  window: ChangeWindow,
): LinkedChange[] {
  const since = scope.triggeredAt - window.lookBackMs;
  const linked: LinkedChange[] = [];
  for (const change of changes) {
    if (change.at < since || change.at > window.until) continue;
    const relevance = relevanceOf(scope, change);
    if (relevance === undefined) continue;
    linked.push({ ...change, relevance, afterTrigger: change.at > scope.triggeredAt });
  }
  return linked.sort((a, b) => compare(a, b));
}

/** The relevance of a change to an incident; undefined when it is about something else. */
export function relevanceOf(scope: IncidentScope, change: ChangeRecord): ChangeRelevance | undefined {
  if (change.integration !== undefined && change.integration === scope.integration) return 'integration';
  if (change.service !== undefined && scope.components.includes(change.service)) return 'component';
  if (change.team !== undefined && change.team === scope.ownerTeam) return 'team';
  const global =
    change.integration === undefined && change.service === undefined && change.team === undefined;
  return global ? 'global' : undefined;
}

function rankOf(relevance: ChangeRelevance): number {
  switch (relevance) {
    case 'integration':
    case 'component':
      return 0;
    case 'team':
      return 1;
    case 'global':
      return 2;
    default:
      return assertNever(relevance, 'relevance');
  }
}

function compare(a: LinkedChange, b: LinkedChange): number {
  const byRank = rankOf(a.relevance) - rankOf(b.relevance);
  if (byRank !== 0) return byRank;
  if (a.afterTrigger !== b.afterTrigger) return a.afterTrigger ? 1 : -1;
  // Before the trigger: the newest (nearest) first; after it: the earliest (nearest) first.
  const byTime = a.afterTrigger ? a.at - b.at : b.at - a.at;
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
