/**
 * The Store conformance suite: one vitest `describe` that every adapter (SQLite, PostgreSQL) runs unchanged,
 * so both behave identically through the port. It uses only the `Store` interface and adapter defaults
 * (`rawResultsPerCheck` 1000, `rollupRetentionDays` 400); adapter specifics belong in the adapter's own tests.
 * Imports vitest, so it is not exported from the package entry point: import it from test files only.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { describeCheckResultCases } from './conformance/check-results.cases.js';
import type { StoreHarness } from './conformance/fixtures.js';
import { describeMetaAndLifecycleCases } from './conformance/meta-lifecycle.cases.js';
import { describeRollupCases } from './conformance/rollups.cases.js';
import type { Store } from './store.js';

/** Opens an empty store with default options; `cleanup` closes it (if still open) and removes its data. */
export type OpenStoreForTest = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/**
 * Registers the conformance suite. Each test gets a fresh, empty store from `open`.
 *
 * @example
 * describeStoreConformance('sqlite :memory:', async () => {
 *   const store = await openSqliteStore({ path: ':memory:' });
 *   return { store, cleanup: () => store.close() };
 * });
 */
export function describeStoreConformance(name: string, open: OpenStoreForTest): void {
  describe(`Store conformance: ${name}`, () => {
    let current: { store: Store; cleanup: () => Promise<void> } | undefined;

    beforeEach(async () => {
      current = await open();
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
    };

    describeCheckResultCases(harness);
    describeRollupCases(harness);
    describeMetaAndLifecycleCases(harness);
  });
}
