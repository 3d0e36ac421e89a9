/**
 * The one error type every Store adapter throws, recognised by `name` and `code` (not only `instanceof`, which
 * breaks across duplicated module copies), plus the small helpers adapters share to produce it.
 */

/**
 * What went wrong, precisely enough for the caller to decide what to do:
 * - `store-open-failed`: the database could not be opened (bad path, not a database, permissions).
 * - `store-too-new`: the database was written by a newer Lifeline; upgrade instead of touching it.
 * - `store-migration-failed`: a migration failed and was rolled back; the store did not open.
 * - `store-closed`: the store was used after `close()`.
 * - `store-aborted`: the caller's `AbortSignal` fired before (or while) the operation ran.
 * - `store-invalid-input`: an argument was rejected before anything was written.
 * - `store-invalid-cursor`: a pagination cursor was not one this store issued.
 * - `store-busy`: another process held the database for longer than the busy timeout; retrying may work.
 * - `store-failed`: any other failure of the underlying database.
 */
export type StoreErrorCode =
  | 'store-open-failed'
  | 'store-too-new'
  | 'store-migration-failed'
  | 'store-closed'
  | 'store-aborted'
  | 'store-invalid-input'
  | 'store-invalid-cursor'
  | 'store-busy'
  | 'store-failed';

/**
 * @example
 * throw new StoreError('store-closed', 'the store is closed', { cause: { operation: 'getMeta' } });
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  /** `cause` is required: the underlying error, or the facts that led here when there is no error. */
  constructor(code: StoreErrorCode, message: string, options: { cause: unknown }) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}

/** True for a `StoreError` (optionally with the given code), even one from another copy of this module. */
export function isStoreError(value: unknown, code?: StoreErrorCode): value is StoreError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'StoreError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/** Throws `store-aborted` if the signal has fired; the signal's reason becomes the cause. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) {
    throw new StoreError('store-aborted', `${operation} was aborted`, { cause: signal.reason });
  }
}
