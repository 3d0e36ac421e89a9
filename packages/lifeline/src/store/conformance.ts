/**
 * The Store conformance suite: one vitest `describe` that every adapter (SQLite, PostgreSQL) runs unchanged,
 * so both behave identically through the port. It uses only the `Store` interface, adapter defaults (raw ring
 * of 200, minute rows 48 h, hour rows 35 d, day rows 400 d) and a fake clock injected as `StoreOptions.now`;
 * adapter specifics belong in the adapter's own tests. Cases about restarts and several daemons also need a
 * second connection to the same data (`StoreUnderTest.openAnother`); adapters that have none skip them.
 * Imports vitest, so it is not exported from the package entry point: import it from test files only.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { describeAuthCases } from './conformance/auth.cases.js';
import { describeChangeCases } from './conformance/changes.cases.js';
import { describeCheckResultCases } from './conformance/check-results.cases.js';
import { describeEnginePersistenceCases } from './conformance/engine-persistence.cases.js';
import { describeEngineReadCases } from './conformance/engine-reads.cases.js';
import { T0, type StoreHarness } from './conformance/fixtures.js';
import { describeMetaAndLifecycleCases } from './conformance/meta-lifecycle.cases.js';
import { describeOutboxDispatchCases } from './conformance/outbox-dispatch.cases.js';
import { describeRollupTierCases } from './conformance/rollup-tiers.cases.js';
import { describeRollupCases } from './conformance/rollups.cases.js';
import type { Store } from './store.js';

/** A store opened for one test. */
export interface StoreUnderTest {
  store: Store;
  /** Closes the store (if still open) and removes its data. */
  cleanup: () => Promise<void>;
  /**
   * Opens another connection to the same data with the same clock, the way a restarted daemon or a second
   * daemon would. Absent for stores that cannot (`:memory:`): cases that need it are skipped.
   */
  openAnother?: () => Promise<Store>;
}

/** Opens an empty store with default options plus the given clock. */
export type OpenStoreForTest = (options: { now: () => number }) => Promise<StoreUnderTest>;

/**
 * Registers the conformance suite. Each test gets a fresh, empty store from `open`, whose clock starts at `T0`.
 *
 * @example
 * describeStoreConformance('sqlite :memory:', async ({ now }) => {
 *   const store = await openSqliteStore({ path: ':memory:', now });
 *   return { store, cleanup: () => store.close() };
 * });
 */
export function describeStoreConformance(name: string, open: OpenStoreForTest): void {
  describe(`Store conformance: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    let others: Store[] = [];
    let clock = T0;

    beforeEach(async () => {
      clock = T0;
      current = await open({ now: () => clock });
    });

    afterEach(async () => {
      const opened = current;
      current = undefined;
      await Promise.all(others.splice(0).map((store) => store.close()));
      others = [];
      await opened?.cleanup();
    });

    const harness: StoreHarness = {
      get store(): Store {
        if (!current) throw new Error('the conformance store is only available inside a test');
        return current.store;
      },
      setNow(epochMs: number): void {
        clock = epochMs;
      },
      async openAnother(): Promise<Store | undefined> {
        if (!current?.openAnother) return undefined;
        const store = await current.openAnother();
        others.push(store);
        return store;
      },
    };

    describeCheckResultCases(harness);
    describeRollupCases(harness);
    describeRollupTierCases(harness);
    describeEnginePersistenceCases(harness);
    describeOutboxDispatchCases(harness);
    describeEngineReadCases(harness);
    describeMetaAndLifecycleCases(harness);
    describeChangeCases(harness);
    describeAuthCases(harness);
  });
}
