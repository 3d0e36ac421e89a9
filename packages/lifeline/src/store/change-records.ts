/**
 * The changes half of the Store port, shared by every adapter: the query and page types, the validation of a
 * change about to be recorded (so adapters accept and reject the same things) and the opaque cursor of
 * `listChanges`, a keyset on (at, id) like the other lists.
 */
import { CHANGE_SOURCES, isChangeKind, type ChangeKind, type ChangeRecord } from '../changes/change.js';
import { StoreError } from './store-error.js';
import { decodeTaggedCursor, encodeTaggedCursor } from './tagged-cursor.js';

/**
 * Filters for `listChanges`. Times are epoch ms on `at`: `since` inclusive, `until` exclusive. Changes come
 * newest first (by `at`, then by id, descending).
 */
export interface ChangeQuery {
  since?: number;
  until?: number;
  integration?: string;
  kind?: ChangeKind;
  /** Page size: default 100, values above 1000 are treated as 1000. */
  limit?: number;
  /** `nextCursor` from the previous page. */
  cursor?: string;
}

export interface ChangePage {
  items: ChangeRecord[];
  nextCursor?: string;
}

/** `created` is false when a change with the same id was already recorded; `change` is the stored one. */
export interface RecordChangeOutcome {
  created: boolean;
  change: ChangeRecord;
}

const OPTIONAL_TEXT = ['integration', 'service', 'team', 'by', 'url', 'summary', 'environment'] as const;

/** Rejects a change the store must not keep with `store-invalid-input`, before anything is written. */
export function validateChange(change: ChangeRecord): void {
  const invalid = (message: string) =>
    new StoreError('store-invalid-input', `change: ${message}`, { cause: { change } });
  if (typeof change !== 'object' || change === null) throw invalid('expected an object');
  if (typeof change.id !== 'string' || change.id === '') throw invalid('id must be a non-empty string');
  if (!isChangeKind(change.kind)) throw invalid(`unknown kind ${JSON.stringify(change.kind)}`);
  if (typeof change.ref !== 'string' || change.ref === '') throw invalid('ref must be a non-empty string');
  if (!Number.isSafeInteger(change.at) || change.at < 0) throw invalid('at must be epoch milliseconds');
  if (!(CHANGE_SOURCES as readonly string[]).includes(change.source)) {
    throw invalid(`unknown source ${JSON.stringify(change.source)}`);
  }
  for (const key of OPTIONAL_TEXT) {
    const value = change[key];
    if (value !== undefined && typeof value !== 'string') throw invalid(`${key} must be a string`);
  }
}

export function validateChangeKindFilter(kind: unknown): ChangeKind | undefined {
  if (kind === undefined) return undefined;
  if (!isChangeKind(kind)) {
    throw new StoreError('store-invalid-input', `unknown change kind ${JSON.stringify(kind)}`, {
      cause: { kind },
    });
  }
  return kind;
}

export interface ChangeCursor {
  at: number;
  id: string;
}

const CHANGE_CURSOR = 'c1';

export function encodeChangeCursor(position: ChangeCursor): string {
  return encodeTaggedCursor(CHANGE_CURSOR, [position.at, position.id]);
}

export function decodeChangeCursor(cursor: string): ChangeCursor {
  const [at, id] = decodeTaggedCursor(
    cursor,
    CHANGE_CURSOR,
    ([at, id, ...rest]) => Number.isSafeInteger(at) && typeof id === 'string' && rest.length === 0,
  );
  return { at: at as number, id: id as string };
}
