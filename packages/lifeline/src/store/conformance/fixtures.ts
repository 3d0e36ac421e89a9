/**
 * Test data and helpers for the Store conformance suite: check results built from a few overrides, fixed
 * epoch timestamps (never the real clock), and assertions on StoreError rejections.
 */
import { expect } from 'vitest';
import type { CheckResult } from '../../checks/check-result.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../rollups.js';
import type { Store, StoredCheckResult } from '../store.js';

/** 2025-01-01T00:00:00Z: a UTC day boundary, so minute, hour and day arithmetic in tests is easy to read. */
export const T0 = Date.UTC(2025, 0, 1);
export const SECOND = 1000;
// The store's own constants, whose literal types are the rollup resolutions a query accepts.
export const MINUTE = MINUTE_MS;
export const HOUR = HOUR_MS;
export const DAY = DAY_MS;

/** Gives the suite access to the store opened for the current test and to the clock injected into it. */
export interface StoreHarness {
  readonly store: Store;
  /** Sets what the store's injected `now` returns from here on (it is `T0` when each test starts). */
  setNow(epochMs: number): void;
  /**
   * Another connection to the same data (closed after the test), or `undefined` when the adapter under test
   * cannot open one: a case that needs it then skips itself.
   */
  openAnother(): Promise<Store | undefined>;
}

/** A passing `http` result for `stripe/charges` at T0, with the given fields replaced. */
export function makeResult(overrides: Partial<CheckResult> = {}): CheckResult {
  const ok = overrides.ok ?? (overrides.class === undefined || overrides.class === 'ok');
  return {
    integration: 'stripe',
    check: 'charges',
    kind: 'http',
    ok,
    class: ok ? 'ok' : 'server-error',
    latencyMs: 120,
    signature: ok ? 'stripe:charges:ok' : 'stripe:charges:server-error',
    message: ok ? 'HTTP 200 in 120 ms' : 'HTTP 503',
    startedAt: T0,
    attempts: 1,
    ...overrides,
  };
}

/** Drops the store-assigned id so a stored result can be compared with what was recorded. */
export function withoutId(result: StoredCheckResult): CheckResult {
  const { id: _id, ...rest } = result;
  return rest;
}

/** Reads every page of a query, asserting each page respects the limit. */
export async function readAllPages(
  store: Store,
  query: Parameters<Store['listCheckResults']>[0],
  limit: number,
): Promise<{ items: StoredCheckResult[]; pages: number }> {
  const items: StoredCheckResult[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listCheckResults({ ...query, limit, ...(cursor ? { cursor } : {}) });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items.length).toBe(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
    if (pages > 10_000) throw new Error('pagination does not terminate');
  } while (cursor);
  return { items, pages };
}

/** Asserts a promise rejects with a StoreError of the given code, recognisable by name and with a cause. */
export async function expectStoreError(promise: Promise<unknown>, code: string): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `expected a rejection with ${code}`).toBeInstanceOf(Error);
  expect(error).toMatchObject({ name: 'StoreError', code });
  expect((error as Error).cause).not.toBeUndefined();
  return error as Error;
}

/** Newest first by `startedAt` (ties are checked separately, by known insertion order). */
export function expectNewestFirst(items: readonly StoredCheckResult[]): void {
  for (let i = 1; i < items.length; i++) {
    const before = items[i - 1] as StoredCheckResult;
    const after = items[i] as StoredCheckResult;
    expect(after.startedAt, `item ${i} is newer than the one before it`).toBeLessThanOrEqual(
      before.startedAt,
    );
  }
}
