/**
 * Conformance cases for meta key/values and for behaviour every method shares: `close()`, use after close and
 * cancellation through an already-aborted `AbortSignal`.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { makeIncident } from './engine-fixtures.js';
import { T0, expectStoreError, makeResult, type StoreHarness } from './fixtures.js';

/** One call of every port method except `close`, so shared behaviour is checked on all of them. */
function everyMethod(store: Store, signal?: AbortSignal): [string, () => Promise<unknown>][] {
  const options = signal ? { signal } : undefined;
  return [
    ['getMeta', () => store.getMeta('k', options)],
    ['setMeta', () => store.setMeta('k', 'v', options)],
    ['recordCheckResults', () => store.recordCheckResults([makeResult()], options)],
    ['listCheckResults', () => store.listCheckResults({}, options)],
    ['latestCheckResults', () => store.latestCheckResults(options)],
    ['checkRollups', () => store.checkRollups({ integration: 'stripe' }, options)],
    ['compactRollups', () => store.compactRollups(T0, options)],
    ['applyDecision', () => store.applyDecision({ incidents: [makeIncident('INC-1')] }, options)],
    ['loadEngineSnapshot', () => store.loadEngineSnapshot({ now: T0, reopenWindowMs: 0 }, options)],
    ['dueTimers', () => store.dueTimers(T0, 10, options)],
    ['claimOutbox', () => store.claimOutbox(T0, { limit: 1, leaseMs: 1000, ...options })],
    ['completeOutbox', () => store.completeOutbox('o', {}, options)],
    ['failOutbox', () => store.failOutbox('o', { error: 'x', dead: true }, options)],
    ['outboxStats', () => store.outboxStats(options)],
    ['listIncidents', () => store.listIncidents({}, options)],
    ['getIncident', () => store.getIncident('INC-1', options)],
    ['listOutbox', () => store.listOutbox({}, options)],
    [
      'recordChange',
      () => store.recordChange({ id: 'c', kind: 'deploy', ref: 'r', at: T0, source: 'api' }, options),
    ],
    ['listChanges', () => store.listChanges({}, options)],
  ];
}

export function describeMetaAndLifecycleCases(harness: StoreHarness): void {
  describe('meta', () => {
    it('returns undefined for a key never set', async () => {
      expect(await harness.store.getMeta('workspace-id')).toBeUndefined();
    });

    it('stores, overwrites and keeps keys apart', async () => {
      await harness.store.setMeta('workspace-id', 'ws-1');
      await harness.store.setMeta('last-seen', '');
      await harness.store.setMeta('note', 'ünïcødé ✓ "quoted" \n newline');
      await harness.store.setMeta('workspace-id', 'ws-2');
      expect(await harness.store.getMeta('workspace-id')).toBe('ws-2');
      expect(await harness.store.getMeta('last-seen')).toBe('');
      expect(await harness.store.getMeta('note')).toBe('ünïcødé ✓ "quoted" \n newline');
      expect(await harness.store.getMeta('Workspace-Id')).toBeUndefined();
    });

    it('rejects a value that is not a string', async () => {
      await expectStoreError(harness.store.setMeta('k', 42 as unknown as string), 'store-invalid-input');
      expect(await harness.store.getMeta('k')).toBeUndefined();
    });
  });

  describe('cancellation', () => {
    it('rejects every method with store-aborted when the signal already fired, writing nothing', async () => {
      const controller = new AbortController();
      const reason = new Error('shutting down');
      controller.abort(reason);
      for (const [name, call] of everyMethod(harness.store, controller.signal)) {
        const error = await expectStoreError(call(), 'store-aborted');
        expect(error.cause, name).toBe(reason);
      }
      expect(await harness.store.getMeta('k')).toBeUndefined();
      expect((await harness.store.listCheckResults()).items).toEqual([]);
      expect((await harness.store.listIncidents()).items).toEqual([]);
    });

    it('runs normally with a signal that has not fired', async () => {
      const { signal } = new AbortController();
      await harness.store.setMeta('k', 'v', { signal });
      expect(await harness.store.getMeta('k', { signal })).toBe('v');
    });
  });

  describe('close', () => {
    it('is idempotent, and every method afterwards rejects with store-closed', async () => {
      await harness.store.close();
      await harness.store.close();
      for (const [name, call] of everyMethod(harness.store)) {
        const error = await expectStoreError(call(), 'store-closed');
        expect(error.message, name).toContain(name);
      }
    });
  });
}
