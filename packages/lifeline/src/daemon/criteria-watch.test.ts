/**
 * From measurements to events on the acme playbooks, with fake measurements and explicit times: a trigger fires
 * once after its `for`, as the failing checks' signature when there is one, survives a restart without firing
 * again, and clears with the signature it fired as; success criteria resolve the open incident.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { loadAcme } from '../engine/acme-fixture.js';
import { emptyState, type EngineState, type Incident, type SystemEvent } from '../engine/index.js';
import { fakeMeasurements } from '../engine/signals/index.js';
import { T0 } from '../engine/test-support.js';
import type { StoredEngineStateEntry } from '../store/engine-records.js';
import type { Workspace } from '../workspace/model.js';
import { CriteriaWatch, type WatchContext, type WatchEvent } from './criteria-watch.js';

const SECOND = 1000;
let workspace: Workspace;
let p95: number | undefined;
let failing: string | undefined;

const context = (now: number): WatchContext => ({
  measurements: fakeMeasurements({ latencyPercentile: () => p95 }),
  failingSignature: () => failing,
  now,
});

/** Evaluates the payments criteria and marks every event applied, as the daemon does after committing it. */
function run(watch: CriteriaWatch, now: number, state: EngineState = emptyState()): SystemEvent[] {
  const events: WatchEvent[] = watch.evaluate(state, context(now), 'payments');
  for (const e of events) e.applied?.();
  return events
    .map((e) => e.event)
    .filter((e) => ('playbookId' in e ? e.playbookId === 'payments-latency' : true));
}

beforeEach(async () => {
  workspace = await loadAcme();
  p95 = undefined;
  failing = undefined;
});

describe('CriteriaWatch', () => {
  it('fires a trigger once after its `for`, as the playbook and integration when no check failed', () => {
    const watch = new CriteriaWatch(workspace);
    p95 = 1200;
    expect(run(watch, T0)).toEqual([]);
    const fired = run(watch, T0 + 60 * SECOND);
    expect(fired).toEqual([
      expect.objectContaining({
        kind: 'signal-fired',
        playbookId: 'payments-latency',
        signature: 'playbook:payments-latency:payments',
        checks: ['payments-charges-up'],
        values: { value: '1.2s', threshold: '800ms' },
      }),
    ]);
    expect(run(watch, T0 + 70 * SECOND)).toEqual([]);
  });

  it('uses the failing checks’ signature, keeps “fired” across a restart and clears as what it fired', () => {
    const watch = new CriteriaWatch(workspace);
    p95 = 1500;
    failing = 'sig-slow';
    run(watch, T0);
    expect(run(watch, T0 + 60 * SECOND)).toEqual([expect.objectContaining({ signature: 'sig-slow' })]);

    const persisted: StoredEngineStateEntry[] = watch.takeDirty().map((e) => ({ ...e, updatedAt: T0 }));
    const restarted = new CriteriaWatch(
      workspace,
      JSON.parse(JSON.stringify(persisted)) as StoredEngineStateEntry[],
    );
    expect(run(restarted, T0 + 61 * SECOND)).toEqual([]);

    p95 = 300;
    failing = undefined;
    expect(run(restarted, T0 + 62 * SECOND)).toEqual([]);
    expect(run(restarted, T0 + 62 * SECOND + 3 * 60 * SECOND)).toEqual([
      { kind: 'signal-cleared', signature: 'sig-slow' },
    ]);
  });

  it('says success held for an open incident once its success criteria held for their `for`', () => {
    const watch = new CriteriaWatch(workspace);
    const incident = {
      id: 'INC-7',
      playbookId: 'payments-latency',
      status: 'acknowledged',
      run: { status: 'running' },
    };
    const state: EngineState = { ...emptyState(), incidents: { 'INC-7': incident as unknown as Incident } };
    p95 = 200;
    expect(run(watch, T0, state).filter((e) => e.kind === 'success-held')).toEqual([]);
    expect(run(watch, T0 + 5 * 60 * SECOND, state)).toContainEqual({
      kind: 'success-held',
      incidentId: 'INC-7',
    });
    const resolved = {
      ...state,
      incidents: { 'INC-7': { ...incident, status: 'resolved' } as unknown as Incident },
    };
    expect(run(watch, T0 + 6 * 60 * SECOND, resolved).filter((e) => e.kind === 'success-held')).toEqual([]);
  });
});
