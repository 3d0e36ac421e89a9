/**
 * Conformance cases for the engine's durable half: `applyDecision` (one transaction, all or nothing; idempotent
 * outbox; timers never resurrected; replay is a no-op), `loadEngineSnapshot` (also across a reopen) and
 * `dueTimers`. What the daemon relies on to survive `kill -9` without losing or duplicating anything.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionChange } from '../engine-records.js';
import { makeEffect, makeEntry, makeIncident, makeTimer, seedIncidents } from './engine-fixtures.js';
import { DAY, HOUR, MINUTE, SECOND, T0, expectStoreError, type StoreHarness } from './fixtures.js';

/** A decision that opens INC-1 with everything attached to it. */
function openingDecision(): DecisionChange {
  return {
    incidents: [makeIncident('INC-1')],
    timeline: [makeEntry('INC-1', 0), makeEntry('INC-1', 1)],
    timers: [makeTimer('INC-1:esc:1', 'INC-1'), makeTimer('INC-1:ack', 'INC-1', { dueAt: T0 + 5 * MINUTE })],
    outbox: [makeEffect('INC-1:notify:1', 'INC-1'), makeEffect('INC-1:ticket', 'INC-1', { channel: 'jira' })],
    engineState: [{ key: 'counters', document: { nextIncidentNumber: 2 } }],
  };
}

export function describeEnginePersistenceCases(harness: StoreHarness): void {
  describe('applyDecision', () => {
    it('writes incidents, timeline, timers, outbox and engine state, and reads them back unchanged', async () => {
      const change = openingDecision();
      expect(await harness.store.applyDecision(change)).toEqual({
        incidents: 1,
        timelineInserted: 2,
        timelineIgnored: 0,
        timersWritten: 2,
        timersIgnored: 0,
        outboxInserted: 2,
        outboxIgnored: 0,
        engineState: 1,
      });
      const detail = await harness.store.getIncident('INC-1');
      expect(detail?.incident).toEqual(change.incidents?.[0]);
      expect(detail?.timeline).toEqual(change.timeline);
      expect(detail?.timers).toEqual(change.timers);
      expect(detail?.outbox.map((row) => [row.id, row.status, row.channel, row.attempts])).toEqual([
        ['INC-1:notify:1', 'pending', 'slack-ops', 0],
        ['INC-1:ticket', 'pending', 'jira', 0],
      ]);
      const claimed = await harness.store.claimOutbox(T0, { limit: 10, leaseMs: MINUTE });
      expect(claimed.map((row) => row.payload)).toEqual(change.outbox?.map((row) => row.payload));
    });

    it('upserts incidents by id, the newest write replacing columns and document', async () => {
      await harness.store.applyDecision({ incidents: [makeIncident('INC-1')] });
      const resolved = makeIncident('INC-1', {
        status: 'resolved',
        severity: 'sev1',
        updatedAt: T0 + HOUR,
        resolvedAt: T0 + HOUR,
        document: { resolution: { by: 'ana', automatic: false } },
      });
      await harness.store.applyDecision({ incidents: [resolved] });
      const reopened = makeIncident('INC-1', { status: 'triggered', updatedAt: T0 + 2 * HOUR });
      await harness.store.applyDecision({ incidents: [resolved, reopened] });
      expect((await harness.store.getIncident('INC-1'))?.incident).toEqual(reopened);
    });

    it('inserts timeline entries once: an existing (incident, seq) keeps its first content', async () => {
      await harness.store.applyDecision({
        incidents: [makeIncident('INC-1')],
        timeline: [makeEntry('INC-1', 0)],
      });
      const outcome = await harness.store.applyDecision({
        timeline: [
          makeEntry('INC-1', 0, { actor: 'impostor' }),
          makeEntry('INC-1', 1),
          makeEntry('INC-1', 1),
        ],
      });
      expect(outcome).toMatchObject({ timelineInserted: 1, timelineIgnored: 2 });
      const timeline = (await harness.store.getIncident('INC-1'))?.timeline;
      expect(timeline).toEqual([makeEntry('INC-1', 0), makeEntry('INC-1', 1)]);
    });

    it('inserts an outbox id once: the idempotency key keeps the first row, whatever later writes say', async () => {
      await seedIncidents(harness.store, 'INC-1');
      const first = makeEffect('INC-1:notify:1', 'INC-1', { payload: { text: 'first' } });
      await harness.store.applyDecision({ outbox: [first] });
      const outcome = await harness.store.applyDecision({
        outbox: [
          makeEffect('INC-1:notify:1', 'INC-1', { payload: { text: 'second' }, channel: 'email' }),
          makeEffect('INC-1:notify:2', 'INC-1', { channel: 'email' }),
          makeEffect('INC-1:notify:2', 'INC-1', { payload: { text: 'duplicate in one change' } }),
        ],
      });
      expect(outcome).toMatchObject({ outboxInserted: 1, outboxIgnored: 2 });
      const claimed = await harness.store.claimOutbox(T0, { limit: 10, leaseMs: MINUTE });
      expect(claimed.map((row) => [row.id, row.channel, row.payload])).toEqual([
        ['INC-1:notify:1', 'slack-ops', { text: 'first' }],
        ['INC-1:notify:2', 'email', { reason: 'escalation', text: 'effect INC-1:notify:2' }],
      ]);
      // Delivered rows are not reset by a replayed decision either.
      await harness.store.completeOutbox('INC-1:notify:1', { ok: true });
      await harness.store.applyDecision({ outbox: [first] });
      expect((await harness.store.listOutbox({ incident: 'INC-1' })).items.map((row) => row.status)).toEqual([
        'delivering',
        'delivered',
      ]);
    });

    it('never brings a fired or cancelled timer back to pending, while pending timers can move', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({
        timers: [makeTimer('a', 'INC-1'), makeTimer('b', 'INC-1'), makeTimer('c', 'INC-1')],
      });
      await harness.store.applyDecision({
        timers: [
          makeTimer('a', 'INC-1', { status: 'fired' }),
          makeTimer('b', 'INC-1', { status: 'cancelled' }),
          makeTimer('c', 'INC-1', { dueAt: T0 + HOUR, payload: { moved: true } }),
        ],
      });
      const outcome = await harness.store.applyDecision({
        timers: [
          makeTimer('a', 'INC-1', { dueAt: T0 + DAY }),
          makeTimer('b', 'INC-1'),
          makeTimer('a', 'INC-1', { status: 'cancelled' }),
          makeTimer('b', 'INC-1', { status: 'fired' }),
        ],
      });
      expect(outcome).toMatchObject({ timersWritten: 0, timersIgnored: 4 });
      const timers = (await harness.store.getIncident('INC-1'))?.timers;
      expect(timers).toEqual([
        makeTimer('a', 'INC-1', { status: 'fired' }),
        makeTimer('b', 'INC-1', { status: 'cancelled' }),
        makeTimer('c', 'INC-1', { dueAt: T0 + HOUR, payload: { moved: true } }),
      ]);
    });

    it('writes nothing at all when one row refers to an incident that does not exist', async () => {
      const change = openingDecision();
      const error = await expectStoreError(
        harness.store.applyDecision({
          ...change,
          timeline: [...(change.timeline ?? []), makeEntry('INC-9', 0)],
        }),
        'store-invalid-input',
      );
      expect(error.message).toContain('INC-9');
      expect(await harness.store.getIncident('INC-1')).toBeUndefined();
      expect((await harness.store.listOutbox()).items).toEqual([]);
      expect(await harness.store.dueTimers(T0 + DAY, 10)).toEqual([]);
      expect((await harness.store.loadEngineSnapshot({ now: T0, reopenWindowMs: DAY })).engineState).toEqual(
        [],
      );
      // The same decision without the bad row goes through.
      await harness.store.applyDecision(change);
      expect((await harness.store.getIncident('INC-1'))?.timeline).toHaveLength(2);
    });

    it('rejects a change with invalid rows before writing, naming every problem by id', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const error = await expectStoreError(
        harness.store.applyDecision({
          incidents: [makeIncident('INC-1', { status: 'resolved' }), makeIncident('INC-2')],
          timers: [makeTimer('t-1', 'INC-2', { status: 'snoozed' as 'pending' })],
          outbox: [makeEffect('o-1', 'INC-2', { payload: cyclic })],
          engineState: [{ key: 'k', document: undefined }],
        }),
        'store-invalid-input',
      );
      expect(error.message).toContain('nothing was written');
      const problems = (error.cause as { problems: string[] }).problems.join('\n');
      expect(problems).toContain('incident "INC-1" is resolved without resolvedAt');
      expect(problems).toContain('timer "t-1" has unknown status "snoozed"');
      expect(problems).toContain('outbox row "o-1"');
      expect(problems).toContain('engineState "k"');
      expect(await harness.store.getIncident('INC-2')).toBeUndefined();
    });

    it('changes nothing when the same decision is applied again (a replay after a crash)', async () => {
      await harness.store.applyDecision(openingDecision());
      const before = await harness.store.getIncident('INC-1');
      const outcome = await harness.store.applyDecision(openingDecision());
      expect(outcome).toMatchObject({ timelineIgnored: 2, outboxIgnored: 2, outboxInserted: 0 });
      expect(await harness.store.getIncident('INC-1')).toEqual(before);
    });

    it('upserts engine state by key, stamped with the store clock', async () => {
      await harness.store.applyDecision({ engineState: [{ key: 'signals', document: { a: 'holding' } }] });
      harness.setNow(T0 + MINUTE);
      await harness.store.applyDecision({
        engineState: [
          { key: 'signals', document: { a: 'cleared' } },
          { key: 'counters', document: [1, 'two', null] },
        ],
      });
      const { engineState } = await harness.store.loadEngineSnapshot({ now: T0, reopenWindowMs: 0 });
      expect(engineState).toEqual([
        { key: 'counters', document: [1, 'two', null], updatedAt: T0 + MINUTE },
        { key: 'signals', document: { a: 'cleared' }, updatedAt: T0 + MINUTE },
      ]);
    });
  });

  describe('loadEngineSnapshot', () => {
    /** INC-1 open, INC-2 resolved an hour ago, INC-3 resolved two days ago, INC-4 acknowledged. */
    async function seedHistory(): Promise<void> {
      const resolvedAt = (at: number) => ({ status: 'resolved' as const, resolvedAt: at });
      await harness.store.applyDecision({
        incidents: [
          makeIncident('INC-1', { openedAt: T0 + 2 * DAY }),
          makeIncident('INC-2', { openedAt: T0 + DAY, ...resolvedAt(T0 + 3 * DAY - HOUR) }),
          makeIncident('INC-3', { openedAt: T0, ...resolvedAt(T0 + DAY) }),
          makeIncident('INC-4', { openedAt: T0 + 2 * DAY, status: 'acknowledged' }),
        ],
        timeline: [
          makeEntry('INC-1', 1),
          makeEntry('INC-1', 0),
          makeEntry('INC-2', 0),
          makeEntry('INC-3', 0),
        ],
        timers: [
          makeTimer('INC-1:later', 'INC-1', { dueAt: T0 + 4 * DAY }),
          makeTimer('INC-1:sooner', 'INC-1', { dueAt: T0 + 3 * DAY }),
          makeTimer('INC-1:done', 'INC-1', { status: 'fired' }),
          makeTimer('INC-2:gone', 'INC-2', { status: 'cancelled' }),
        ],
        engineState: [{ key: 'counters', document: { nextIncidentNumber: 5 } }],
      });
    }

    it('loads unresolved incidents and those resolved within the window, with timeline and pending timers', async () => {
      await seedHistory();
      const now = T0 + 3 * DAY;
      const snapshot = await harness.store.loadEngineSnapshot({ now, reopenWindowMs: HOUR });
      expect(snapshot.incidents.map((entry) => entry.incident.id)).toEqual(['INC-2', 'INC-1', 'INC-4']);
      const inc1 = snapshot.incidents[1];
      expect(inc1?.timeline.map((entry) => entry.seq)).toEqual([0, 1]);
      expect(inc1?.timers.map((timer) => timer.id)).toEqual(['INC-1:sooner', 'INC-1:later']);
      expect(snapshot.incidents[0]?.timers).toEqual([]);
      expect(snapshot.engineState.map((entry) => entry.document)).toEqual([{ nextIncidentNumber: 5 }]);

      const narrower = await harness.store.loadEngineSnapshot({ now, reopenWindowMs: HOUR - 1 });
      expect(narrower.incidents.map((entry) => entry.incident.id)).toEqual(['INC-1', 'INC-4']);
    });

    it('has everything after the store is closed and opened again', async (ctx) => {
      await seedHistory();
      await harness.store.applyDecision({ outbox: [makeEffect('INC-1:notify:1', 'INC-1')] });
      const query = { now: T0 + 3 * DAY, reopenWindowMs: 3 * DAY };
      const before = await harness.store.loadEngineSnapshot(query);
      await harness.store.close();
      const reopened = await harness.openAnother();
      if (!reopened) return ctx.skip('this store cannot be opened again');
      expect(await reopened.loadEngineSnapshot(query)).toEqual(before);
      expect(before.incidents).toHaveLength(4);
      expect((await reopened.listOutbox()).items.map((row) => row.id)).toEqual(['INC-1:notify:1']);
      expect((await reopened.dueTimers(T0 + 5 * DAY, 10)).map((timer) => timer.id)).toEqual([
        'INC-1:sooner',
        'INC-1:later',
      ]);
    });

    it('rejects a query without now or with a negative window', async () => {
      await expectStoreError(
        harness.store.loadEngineSnapshot({ now: Number.NaN, reopenWindowMs: 0 }),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.loadEngineSnapshot({ now: T0, reopenWindowMs: -1 }),
        'store-invalid-input',
      );
    });
  });

  describe('dueTimers', () => {
    it('returns pending timers due by now, oldest first (ties by id), at most limit', async () => {
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        timers: [
          makeTimer('b', 'INC-2', { dueAt: T0 + 2 * SECOND }),
          makeTimer('a', 'INC-1', { dueAt: T0 + 2 * SECOND }),
          makeTimer('overdue', 'INC-1', { dueAt: T0 - DAY }),
          makeTimer('future', 'INC-1', { dueAt: T0 + 3 * SECOND }),
          makeTimer('fired', 'INC-1', { dueAt: T0, status: 'fired' }),
          makeTimer('cancelled', 'INC-2', { dueAt: T0, status: 'cancelled' }),
        ],
      });
      const ids = async (now: number, limit: number) =>
        (await harness.store.dueTimers(now, limit)).map((timer) => timer.id);
      expect(await ids(T0 + 2 * SECOND, 10)).toEqual(['overdue', 'a', 'b']);
      expect(await ids(T0 + 2 * SECOND, 2)).toEqual(['overdue', 'a']);
      expect(await ids(T0 - DAY - 1, 10)).toEqual([]);
      await harness.store.applyDecision({ timers: [makeTimer('overdue', 'INC-1', { status: 'fired' })] });
      expect(await ids(T0 + DAY, 10)).toEqual(['a', 'b', 'future']);
      await expectStoreError(harness.store.dueTimers(T0, 0), 'store-invalid-input');
    });
  });
}
