/**
 * How better-sqlite3 failures become StoreErrors. SQLITE_BUSY/LOCKED get their own code because they mean
 * "another process held the database longer than the busy timeout": retrying later may work.
 */
import { StoreError, isStoreError } from '../store-error.js';

export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** Wraps a driver error (StoreErrors pass through) as `store-busy` or `store-failed`. */
export function toStoreError(error: unknown, operation: string): StoreError {
  if (isStoreError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreError(
    isSqliteBusy(error) ? 'store-busy' : 'store-failed',
    `${operation} failed: ${detail}`,
    {
      cause: error,
    },
  );
}
