/**
 * The daemon's incident list: items are summaries, built from memory or from the stored record alone, so a page
 * of incidents no longer in memory never loads their timelines.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { T0, makeIncident } from '../server/test-support/fake-incident-service.js';
import type { EngineShell } from './engine-shell.js';
import { createIncidentService } from './incident-service-impl.js';
import { summaryOf } from './incident-summary.js';
import { incidentRecord } from './state-records.js';

describe('listIncidents', () => {
  it('answers summaries from memory and from stored records without reading any timeline', async () => {
    const live = makeIncident('INC-2', { status: 'acknowledged', acknowledgedBy: 'alice' });
    const stored = makeIncident('INC-1', { status: 'resolved', resolvedAt: T0 + 60_000 });
    const detailReads: string[] = [];
    const store = {
      listIncidents: async () => ({
        items: [incidentRecord(live, T0), incidentRecord(stored, T0)],
        nextCursor: 'next',
      }),
      getIncident: async (id: string) => {
        detailReads.push(id);
        return undefined;
      },
    } as unknown as Store;
    const shell = { state: { incidents: { [live.id]: live } } } as unknown as EngineShell;
    const service = createIncidentService({
      shell,
      store,
      storePath: ':memory:',
      status: () => ({ workspace: {} as Workspace, loadedAt: T0 }),
      schedulerStats: () => {
        throw new Error('not used');
      },
      signal: new AbortController().signal,
    });
    const page = await service.listIncidents({ limit: 2 });
    expect(page).toEqual({ items: [summaryOf(live), summaryOf(stored)], nextCursor: 'next' });
    expect(page.items[1]).not.toHaveProperty('timeline');
    expect(detailReads).toEqual([]);
  });
});
