/**
 * Conformance cases for the API's reads of the engine's tables: `listIncidents` (filters, newest first, keyset
 * pages that stay stable while incidents are added), `getIncident` (everything attached, outbox rows without
 * payloads) and `listOutbox` (receipts and dead letters).
 */
import { describe, expect, it } from 'vitest';
import type { IncidentQuery, IncidentRecord, OutboxQuery } from '../engine-records.js';
import { makeEffect, makeEntry, makeIncident, makeTimer, seedIncidents } from './engine-fixtures.js';
import { HOUR, MINUTE, T0, expectStoreError, type StoreHarness } from './fixtures.js';

/** Eight incidents over four hours, two per hour (same openedAt, so ties are ordered by id). */
function history(): IncidentRecord[] {
  return Array.from({ length: 8 }, (_, i) =>
    makeIncident(`INC-${i + 1}`, {
      openedAt: T0 + Math.floor(i / 2) * HOUR,
      severity: i % 3 === 0 ? 'sev1' : 'sev2',
      integration: i % 2 === 0 ? 'stripe' : 'twilio',
      status: i < 4 ? 'resolved' : i === 7 ? 'acknowledged' : 'triggered',
      ...(i < 4 ? { resolvedAt: T0 + 5 * HOUR } : {}),
    }),
  );
}

export function describeEngineReadCases(harness: StoreHarness): void {
  async function allIncidentIds(query: IncidentQuery, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await harness.store.listIncidents({ ...query, limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('pagination does not terminate');
  }

  async function allOutboxIds(query: OutboxQuery, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await harness.store.listOutbox({ ...query, limit, ...(cursor ? { cursor } : {}) });
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('pagination does not terminate');
  }

  describe('listIncidents', () => {
    it('lists newest first, ties by id, across pages of any size', async () => {
      await harness.store.applyDecision({ incidents: history() });
      const newestFirst = ['INC-8', 'INC-7', 'INC-6', 'INC-5', 'INC-4', 'INC-3', 'INC-2', 'INC-1'];
      for (const limit of [1, 3, 8, 100]) expect(await allIncidentIds({}, limit)).toEqual(newestFirst);
      const single = await harness.store.listIncidents({ limit: 8 });
      expect(single.nextCursor).toBeUndefined();
      expect(single.items[0]).toEqual(history()[7]);
    });

    it('filters by status (one or several), severity, integration and an openedAt range', async () => {
      await harness.store.applyDecision({ incidents: history() });
      const ids = (query: IncidentQuery) => allIncidentIds(query, 2);
      expect(await ids({ status: 'resolved' })).toEqual(['INC-4', 'INC-3', 'INC-2', 'INC-1']);
      expect(await ids({ status: ['triggered', 'acknowledged'] })).toEqual([
        'INC-8',
        'INC-7',
        'INC-6',
        'INC-5',
      ]);
      expect(await ids({ status: [] })).toEqual([]);
      expect(await ids({ severity: 'sev1' })).toEqual(['INC-7', 'INC-4', 'INC-1']);
      expect(await ids({ integration: 'twilio', status: 'triggered' })).toEqual(['INC-6']);
      expect(await ids({ since: T0 + HOUR, until: T0 + 3 * HOUR })).toEqual([
        'INC-6',
        'INC-5',
        'INC-4',
        'INC-3',
      ]);
    });

    it('keeps later pages stable while newer incidents arrive', async () => {
      await harness.store.applyDecision({ incidents: history() });
      const first = await harness.store.listIncidents({ limit: 3 });
      await harness.store.applyDecision({ incidents: [makeIncident('INC-9', { openedAt: T0 + 9 * HOUR })] });
      const second = await harness.store.listIncidents({ limit: 3, cursor: first.nextCursor });
      expect(second.items.map((item) => item.id)).toEqual(['INC-5', 'INC-4', 'INC-3']);
    });

    it('rejects unknown statuses, bad ranges and cursors it did not issue (outbox cursors included)', async () => {
      await seedIncidents(harness.store, 'INC-1');
      await harness.store.applyDecision({
        outbox: [makeEffect('a', 'INC-1'), makeEffect('b', 'INC-1'), makeEffect('c', 'INC-1')],
      });
      const outboxCursor = (await harness.store.listOutbox({ limit: 1 })).nextCursor;
      expect(outboxCursor).toBeDefined();
      const list = (query: IncidentQuery) => harness.store.listIncidents(query);
      await expectStoreError(list({ status: 'open' as 'triggered' }), 'store-invalid-input');
      await expectStoreError(list({ since: Number.NaN }), 'store-invalid-input');
      await expectStoreError(list({ limit: 0 }), 'store-invalid-input');
      await expectStoreError(list({ cursor: 'garbage' }), 'store-invalid-cursor');
      await expectStoreError(list({ cursor: outboxCursor }), 'store-invalid-cursor');
    });
  });

  describe('getIncident', () => {
    it('returns the incident with its ordered timeline, every timer and its outbox rows without payloads', async () => {
      await harness.store.applyDecision({
        incidents: [makeIncident('INC-1'), makeIncident('INC-2')],
        timeline: [
          makeEntry('INC-1', 2),
          makeEntry('INC-1', 0),
          makeEntry('INC-1', 1),
          makeEntry('INC-2', 0),
        ],
        timers: [
          makeTimer('t-late', 'INC-1', { dueAt: T0 + HOUR, status: 'cancelled' }),
          makeTimer('t-early', 'INC-1', { dueAt: T0 + MINUTE }),
          makeTimer('t-other', 'INC-2'),
        ],
        outbox: [
          makeEffect('o-2', 'INC-1', { payload: { secretish: 'never in summaries' } }),
          makeEffect('o-other', 'INC-2'),
          makeEffect('o-1', 'INC-1', { channel: undefined, kind: 'run-action' }),
        ],
      });
      const detail = await harness.store.getIncident('INC-1');
      expect(detail?.timeline.map((entry) => entry.seq)).toEqual([0, 1, 2]);
      expect(detail?.timers.map((timer) => timer.id)).toEqual(['t-early', 't-late']);
      expect(detail?.outbox).toEqual([
        {
          id: 'o-2',
          incidentId: 'INC-1',
          kind: 'notify',
          channel: 'slack-ops',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: T0,
          createdAt: T0,
        },
        {
          id: 'o-1',
          incidentId: 'INC-1',
          kind: 'run-action',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: T0,
          createdAt: T0,
        },
      ]);
      expect(JSON.stringify(detail)).not.toContain('secretish');
      expect(await harness.store.getIncident('INC-404')).toBeUndefined();
    });
  });

  describe('listOutbox', () => {
    it('lists rows newest first by status and incident, a page at a time', async () => {
      await seedIncidents(harness.store, 'INC-1', 'INC-2');
      await harness.store.applyDecision({
        outbox: ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
          makeEffect(id, i % 2 === 0 ? 'INC-1' : 'INC-2', { channel: `lane-${id}` }),
        ),
      });
      await harness.store.claimOutbox(T0, { limit: 2, leaseMs: MINUTE });
      await harness.store.failOutbox('a', { error: 'HTTP 410', dead: true });
      for (const limit of [1, 2, 10])
        expect(await allOutboxIds({}, limit)).toEqual(['e', 'd', 'c', 'b', 'a']);
      expect(await allOutboxIds({ incident: 'INC-1' }, 1)).toEqual(['e', 'c', 'a']);
      expect(await allOutboxIds({ status: ['pending', 'dead'] }, 2)).toEqual(['e', 'd', 'c', 'a']);
      expect(await allOutboxIds({ status: 'delivering', incident: 'INC-2' }, 2)).toEqual(['b']);
      const [row] = (await harness.store.listOutbox({ status: 'dead' })).items;
      expect(row).not.toHaveProperty('payload');
      await expectStoreError(harness.store.listOutbox({ status: 'lost' as 'dead' }), 'store-invalid-input');
      await expectStoreError(harness.store.listOutbox({ cursor: 'x' }), 'store-invalid-cursor');
    });
  });
}
