/**
 * `ReadService.integrationsRevision`: the API sends a list page again from its bytes while the revision stays, so
 * it must change with everything the page shows (a result of one of its integrations, their SLOs, open incidents,
 * the minute, the workspace) and only then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../checks/check-result.js';
import { emptyState, groupOpenIncidents, type Incident } from '../engine/index.js';
import { makeIncident } from '../server/test-support/fake-incident-service.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../workspace/model.js';
import { HealthBoard } from './health-board.js';
import type { IncidentService } from './incident-service.js';
import { createReadService } from './read-service-impl.js';
import type { IntegrationsAnswer } from './read-service.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1, 12, 0, 30);

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function workspaceOf(...ids: string[]): Workspace {
  return {
    integrations: ids.map((id) => ({
      id,
      name: id,
      owner: 'team',
      checks: [{ id: 'charges' }],
      slo: { availability: 0.99 },
    })),
    playbooks: [],
  } as unknown as Workspace;
}

function result(integration: string, startedAt: number): CheckResult {
  return {
    integration,
    check: 'charges',
    kind: 'http',
    startedAt,
    latencyMs: 120,
    ok: true,
    class: 'ok',
    message: 'ok',
  } as CheckResult;
}

async function fixture() {
  store = await openSqliteStore({ path: ':memory:' });
  const clock = { at: START, now: () => clock.at };
  let workspace = workspaceOf('stripe', 'twilio');
  const board = new HealthBoard(clock);
  await board.warm(store, workspace, new AbortController().signal);
  let incidents: Incident[] = [];
  let revision = 0;
  const read = createReadService({
    store,
    clock,
    workspace: () => workspace,
    incidents: { revision: () => String(revision) } as IncidentService,
    board,
    openByIntegration: () =>
      groupOpenIncidents({ ...emptyState(), incidents: Object.fromEntries(incidents.map((i) => [i.id, i])) })
        .byIntegration,
  });
  return {
    read,
    board,
    clock,
    setWorkspace: (next: Workspace) => (workspace = next),
    setIncidents: (next: Incident[]) => {
      incidents = next;
      revision++;
    },
  };
}

function openCounts(answer: IntegrationsAnswer): Record<string, number> {
  if (answer.kind !== 'page') throw new Error(answer.message);
  return Object.fromEntries(answer.page.items.map((item) => [item.id, item.openIncidents]));
}

describe('integrationsRevision', () => {
  it('stays while nothing the page shows changes, and moves with a result of one of its integrations', async () => {
    const { read, board } = await fixture();
    const signal = new AbortController().signal;
    // The first list waits for the SLO pass, which moves the revision once.
    await read.integrations({}, signal);
    const first = read.integrationsRevision({});
    expect(read.integrationsRevision({})).toBe(first);
    await read.integrations({}, signal);
    expect(read.integrationsRevision({})).toBe(first);

    // The first page holds stripe only: twilio's result moves the full list, not that page.
    const stripePage = read.integrationsRevision({ limit: 1 });
    board.record(result('twilio', START - 1000));
    expect(read.integrationsRevision({})).not.toBe(first);
    expect(read.integrationsRevision({ limit: 1 })).toBe(stripePage);
    board.record(result('stripe', START - 500));
    expect(read.integrationsRevision({ limit: 1 })).not.toBe(stripePage);
  });

  it('moves when an incident changes, and the open counts follow', async () => {
    const { read, setIncidents } = await fixture();
    const signal = new AbortController().signal;
    expect(openCounts(await read.integrations({}, signal))).toEqual({ stripe: 0, twilio: 0 });
    const before = read.integrationsRevision({});
    setIncidents([makeIncident('INC-1', { integration: 'twilio' })]);
    expect(read.integrationsRevision({})).not.toBe(before);
    expect(openCounts(await read.integrations({}, signal))).toEqual({ stripe: 0, twilio: 1 });
    setIncidents([makeIncident('INC-1', { integration: 'twilio', status: 'resolved' })]);
    expect(openCounts(await read.integrations({}, signal))).toEqual({ stripe: 0, twilio: 0 });
  });

  it('moves at each minute (the windows do) and with a new workspace', async () => {
    const { read, clock, setWorkspace } = await fixture();
    await read.integrations({}, new AbortController().signal);
    const before = read.integrationsRevision({});
    clock.at += 20_000;
    expect(read.integrationsRevision({})).toBe(before);
    clock.at += MINUTE;
    const nextMinute = read.integrationsRevision({});
    expect(nextMinute).not.toBe(before);
    setWorkspace(workspaceOf('stripe', 'twilio'));
    expect(read.integrationsRevision({})).not.toBe(nextMinute);
  });

  it('moves when the SLOs on the page are computed again', async () => {
    const { read, clock } = await fixture();
    const signal = new AbortController().signal;
    await read.integrations({}, signal);
    const before = read.integrationsRevision({ limit: 1 });
    // Past the SLOs' age limit, a list starts their refresh in the background.
    clock.at += 6 * MINUTE;
    const minuteLater = read.integrationsRevision({ limit: 1 });
    await read.integrations({ limit: 1 }, signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(read.integrationsRevision({ limit: 1 })).not.toBe(minuteLater);
    expect(minuteLater).not.toBe(before);
  });

  it('gives a cursor that names no integration one revision until the workspace changes', async () => {
    const { read, setWorkspace } = await fixture();
    const cursor = Buffer.from('gone', 'utf8').toString('base64url');
    const invalid = read.integrationsRevision({ cursor });
    expect(read.integrationsRevision({ cursor })).toBe(invalid);
    setWorkspace(workspaceOf('gone'));
    expect(read.integrationsRevision({ cursor })).not.toBe(invalid);
  });
});
