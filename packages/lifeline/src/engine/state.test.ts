/** The read-only queries over the engine state: open incidents listed, and counted and grouped in one pass. */
import { describe, expect, it } from 'vitest';
import { makeIncident } from '../server/test-support/fake-incident-service.js';
import { emptyState, groupOpenIncidents, openIncidents } from './state.js';
import type { EngineState, Incident } from './types.js';

function stateOf(...incidents: Incident[]): EngineState {
  return { ...emptyState(), incidents: Object.fromEntries(incidents.map((i) => [i.id, i])) };
}

describe('open incidents', () => {
  const state = stateOf(
    makeIncident('INC-2', { openedAt: 2, playbookId: 'slow', integration: 'payments' }),
    makeIncident('INC-1', {
      openedAt: 1,
      playbookId: 'slow',
      integration: 'payments',
      status: 'acknowledged',
    }),
    makeIncident('INC-3', { openedAt: 3, playbookId: 'down', integration: 'shipping', status: 'mitigated' }),
    makeIncident('INC-4', { openedAt: 4, playbookId: 'down', integration: 'shipping', status: 'resolved' }),
  );

  it('lists the unresolved ones, oldest first', () => {
    expect(openIncidents(state).map((i) => i.id)).toEqual(['INC-1', 'INC-2', 'INC-3']);
  });

  it('counts and groups the same ones by playbook and by integration', () => {
    const groups = groupOpenIncidents(state);
    expect(groups.count).toBe(openIncidents(state).length);
    expect(
      Object.fromEntries([...groups.byPlaybook].map(([id, list]) => [id, list.map((i) => i.id).sort()])),
    ).toEqual({ slow: ['INC-1', 'INC-2'], down: ['INC-3'] });
    expect(Object.fromEntries(groups.byIntegration)).toEqual({ payments: 2, shipping: 1 });
    expect(groupOpenIncidents(emptyState())).toEqual({
      count: 0,
      byPlaybook: new Map(),
      byIntegration: new Map(),
    });
  });
});
