/**
 * The Store conformance suite: one vitest `describe` that every adapter (SQLite, PostgreSQL) runs unchanged,
 * so both behave identically through the port. It uses only the `Store` interface, adapter defaults (raw ring
 * of 200, minute rows 48 h, hour rows 35 d, day rows 400 d) and a fake clock injected as `StoreOptions.now`;
 * adapter specifics belong in the adapter's own tests.
 * Imports vitest, so it is not exported from the package entry point: import it from test files only.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { describeCheckResultCases } from './conformance/check-results.cases.js';
import { T0, type StoreHarness } from './conformance/fixtures.js';
import { describeMetaAndLifecycleCases } from './conformance/meta-lifecycle.cases.js';
import { describeRollupTierCases } from './conformance/rollup-tiers.cases.js';
import { describeRollupCases } from './conformance/rollups.cases.js';
import type { Store } from './store.js';

/**
 * Opens an empty store with default options plus the given clock; `cleanup` closes it (if still open) and
 * removes its data.
 */
export type OpenStoreForTest = (options: { now: () => number }) => Promise<{
  store: Store;
  cleanup: () => Promise<void>;
}>;

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
    let current: { store: Store; cleanup: () => Promise<void> } | undefined;
    let clock = T0;

    beforeEach(async () => {
      clock = T0;
      current = await open({ now: () => clock });
    });

    afterEach(async () => {
      const opened = current;
      current = undefined;
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
    };

    describeCheckResultCases(harness);
    describeRollupCases(harness);
    describeRollupTierCases(harness);
    describeMetaAndLifecycleCases(harness);
  });
}
