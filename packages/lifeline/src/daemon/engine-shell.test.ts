/**
 * The shell around `decide` on the acme workspace, a fake clock and a real (in-memory) SQLite store: every
 * decision is committed before memory changes, the committed rows rebuild exactly the state in memory, durable
 * timers fire in due order, and a restarted shell fires the overdue ones at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../checks/scheduler/index.js';
import { loadAcme } from '../engine/acme-fixture.js';
import {
  compileEngineConfig,
  decide,
  emptyState,
  type EngineEvent,
  type EngineState,
  type Timer,
} from '../engine/index.js';
import { T0 } from '../engine/test-support.js';
import { openSqliteStore, type Store } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';
import { CriteriaWatch } from './criteria-watch.js';
import { EngineShell } from './engine-shell.js';
import { silentLogger } from './logger.js';
import { incidentFromRecord, stateFromSnapshot } from './state-records.js';

const FIRED: EngineEvent = { kind: 'signal-fired', playbookId: 'payments-latency', signature: 'sig-latency' };
const MINUTE = 60_000;

let store: Store;
let workspace: Workspace;

function shellOn(clock: FakeClock, state: EngineState = emptyState(), target: Store = store): EngineShell {
  return new EngineShell({
    store: target,
    clock,
    config: compileEngineConfig(workspace),
    state,
    criteria: new CriteriaWatch(workspace),
    logger: silentLogger,
    signal: new AbortController().signal,
    onCommitted: () => undefined,
  });
}

async function reloaded(clock: FakeClock): Promise<EngineState> {
  return stateFromSnapshot(await store.loadEngineSnapshot({ now: clock.now(), reopenWindowMs: 30 * MINUTE }));
}

beforeEach(async () => {
  workspace = await loadAcme();
  store = await openSqliteStore({ path: ':memory:' });
});

afterEach(async () => {
  await store.close();
});

describe('EngineShell', () => {
  it('commits the incident, its timeline, timers and outbox rows, which rebuild the state in memory', async () => {
    const clock = new FakeClock(T0);
    const shell = shellOn(clock);
    const decision = await shell.applyEvent(FIRED);
    expect(decision.outcome).toEqual({ kind: 'ok' });

    const detail = await store.getIncident('INC-1');
    expect(detail?.timeline.map((row) => row.kind)).toEqual(
      shell.state.incidents['INC-1']?.timeline.map((e) => e.kind),
    );
    // Level 1 notifies #slack-payments and the on-call people, whose team's channel is the same: one row.
    expect(detail?.outbox.map((row) => [row.id, row.channel])).toEqual([
      ['INC-1:notify:1:0:0@slack-payments', 'slack-payments'],
      ['INC-1:step:1:confirm:1', 'step:confirm'],
    ]);
    const rebuilt = await reloaded(clock);
    expect(rebuilt.incidents).toEqual(shell.state.incidents);
    expect(rebuilt.nextIncidentNumber).toBe(2);
    const pending = Object.values(shell.state.timers).filter((t) => t.status === 'pending');
    expect(Object.values(rebuilt.timers)).toEqual(expect.arrayContaining(pending));
    expect(Object.keys(rebuilt.timers)).toHaveLength(pending.length);
  });

  it('leaves memory as it was when the store refuses the write', async () => {
    const clock = new FakeClock(T0);
    const failing: Store = Object.create(store, {
      applyDecision: { value: () => Promise.reject(new Error('disk full')) },
    }) as Store;
    const shell = shellOn(clock, emptyState(), failing);
    await expect(shell.applyEvent(FIRED)).rejects.toThrow('disk full');
    expect(shell.state).toEqual(emptyState());
    expect(await store.getIncident('INC-1')).toBeUndefined();
  });

  it('applies a decision in memory only after its commit, and a failed write applies nothing', async () => {
    const clock = new FakeClock(T0);
    let failing = false;
    const flaky: Store = Object.create(store, {
      applyDecision: {
        value: (...args: Parameters<Store['applyDecision']>) =>
          failing ? Promise.reject(new Error('disk full')) : store.applyDecision(...args),
      },
    }) as Store;
    const shell = shellOn(clock, emptyState(), flaky);
    await shell.applyEvent(FIRED);
    const before = structuredClone(shell.state);
    const incident = shell.state.incidents['INC-1'];
    failing = true;
    clock.jump(5 * MINUTE);
    await expect(
      shell.applyEvent({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' }),
    ).rejects.toThrow('disk full');
    await expect(shell.applyEvent({ ...FIRED, signature: 'sig-other' })).rejects.toThrow('disk full');
    expect(shell.state).toEqual(before);
    failing = false;
    const decision = await shell.applyEvent({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' });
    expect(decision.outcome).toEqual({ kind: 'ok' });
    // Records change in place; the incident objects in them are replaced, so one read earlier stays as it was.
    expect(shell.state.incidents['INC-1']?.status).toBe('acknowledged');
    expect(incident?.status).toBe('triggered');
    expect((await reloaded(clock)).incidents).toEqual(shell.state.incidents);
  });

  it('decides as the whole-state decide does, and keeps its timer index through prune and adopt', async () => {
    const clock = new FakeClock(T0);
    const shell = shellOn(clock);
    const config = compileEngineConfig(workspace);
    let pure = emptyState();
    const both = async (event: EngineEvent) => {
      const expected = decide(config, pure, event, clock.now());
      const decision = await shell.applyEvent(event);
      expect(decision.outcome).toEqual(expected.outcome);
      pure = expected.state;
      expect(shell.state).toEqual(pure);
    };
    await both(FIRED);
    await both({ ...FIRED, signature: 'sig-b' });
    clock.jump(20 * MINUTE);
    await both({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' });
    await both({ kind: 'resolve', incidentId: 'INC-1', actor: 'alice', text: 'done' });
    const settled = Object.values(shell.state.timers).filter((t) => t.incidentId === 'INC-1');
    expect(settled.length).toBeGreaterThan(0);

    // Past the reopen window INC-1 leaves memory with its timers and signature entry; INC-2 stays whole.
    clock.jump(2 * 60 * MINUTE);
    const kept = Object.values(shell.state.timers).filter((t) => t.incidentId === 'INC-2');
    expect(await shell.exclusive(async () => shell.prune(clock.now(), 30 * MINUTE))).toEqual(['INC-1']);
    expect(Object.keys(shell.state.incidents)).toEqual(['INC-2']);
    expect(Object.values(shell.state.timers)).toEqual(kept);
    expect(shell.state.signatures).toEqual({ 'sig-b': 'INC-2' });

    // Read back from the store, it decides again as before; its timers are found through the index.
    const detail = await store.getIncident('INC-1');
    const timers = (detail?.timers ?? []).map((row) => row.payload as Timer);
    await shell.exclusive(async () => {
      shell.adopt(incidentFromRecord(detail!.incident, detail!.timeline), timers);
    });
    pure = structuredClone(shell.state);
    await both({ kind: 'note', incidentId: 'INC-1', actor: 'alice', text: 'post-mortem booked' });
    clock.jump(60 * MINUTE);
    await both({ kind: 'note', incidentId: 'INC-2', actor: 'alice', text: 'still on it' });
  });

  it('fires due timers on the clock in order, and a restarted shell fires the overdue ones at once', async () => {
    const clock = new FakeClock(T0);
    const shell = shellOn(clock);
    await shell.start();
    await shell.applyEvent(FIRED);
    await clock.advance(15 * MINUTE);
    await shell.idle();
    const escalated = () =>
      shell.state.incidents['INC-1']?.timeline.filter((e) => e.kind === 'escalated').length;
    expect(escalated()).toBe(2);
    await shell.stop();

    // Down for an hour: the repeat cycles (every 30 min) fell due meanwhile.
    clock.jump(60 * MINUTE);
    const restarted = shellOn(clock, await reloaded(clock));
    await restarted.start();
    await restarted.idle();
    const timeline = restarted.state.incidents['INC-1']?.timeline ?? [];
    expect(timeline.filter((e) => e.kind === 'escalated').length).toBeGreaterThan(2);
    expect(
      Object.values(restarted.state.timers).filter((t) => t.status === 'pending' && t.dueAt <= clock.now()),
    ).toEqual([]);
    const outbox = (await store.getIncident('INC-1'))?.outbox.map((row) => row.id) ?? [];
    expect(outbox).toContain('INC-1:notify:1:1:0@slack-payments');
    expect(new Set(outbox).size).toBe(outbox.length);
    await restarted.stop();
  });

  it('leaves the due timers a stopped wake-up did not reach to the next start', async () => {
    const clock = new FakeClock(T0);
    let stopAfterCommit = false;
    const shell: EngineShell = new EngineShell({
      store,
      clock,
      config: compileEngineConfig(workspace),
      state: emptyState(),
      criteria: new CriteriaWatch(workspace),
      logger: silentLogger,
      signal: new AbortController().signal,
      onCommitted: () => {
        if (stopAfterCommit) void shell.stop();
      },
    });
    for (const signature of ['sig-a', 'sig-b', 'sig-c']) await shell.applyEvent({ ...FIRED, signature });
    const pending = () => Object.values(shell.state.timers).filter((t) => t.status === 'pending');
    const dueNow = () => pending().filter((t) => t.dueAt <= clock.now());
    // Exactly the earliest timers are due: one per incident, so no incident's later timer catches the others up.
    clock.jump(Math.min(...pending().map((t) => t.dueAt)) - clock.now());
    const due = dueNow().length;
    expect(due).toBeGreaterThanOrEqual(3);

    stopAfterCommit = true;
    await shell.start();
    await shell.idle();
    expect(dueNow().length).toBe(due - 1);

    stopAfterCommit = false;
    await shell.start();
    await shell.idle();
    expect(dueNow()).toEqual([]);
    await shell.stop();
  });
});
