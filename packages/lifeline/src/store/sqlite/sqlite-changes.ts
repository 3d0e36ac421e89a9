/**
 * Change records on SQLite (table `changes`, migration 4): insert-if-new by id, so the same change recorded
 * twice is one row, and newest-first pages over (at, id). Synchronous like the rest of the SQLite adapter;
 * `SqliteStoreImpl` wraps each method with the checks every port method shares.
 */
import type Database from 'better-sqlite3';
import type { ChangeRecord } from '../../changes/change.js';
import {
  decodeChangeCursor,
  encodeChangeCursor,
  validateChange,
  validateChangeKindFilter,
  type ChangePage,
  type ChangeQuery,
  type RecordChangeOutcome,
} from '../change-records.js';
import { pageLimit, timeBound } from '../store-input.js';
import { cachedStatement, type Statement } from './sqlite-queries.js';

interface ChangeRow {
  id: string;
  at: number;
  document: string;
}

interface ListShape {
  since: boolean;
  until: boolean;
  integration: boolean;
  kind: boolean;
  cursor: boolean;
}

export class SqliteChangeTables {
  private readonly insert: Statement<Record<string, unknown>>;
  private readonly byId: Statement<[string], ChangeRow>;
  private readonly lists = new Map<string, Statement<Record<string, unknown>, ChangeRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {
    this.insert = db.prepare(
      `INSERT INTO changes (id, at, kind, integration, recorded_at, document)
       VALUES (@id, @at, @kind, @integration, @recordedAt, @document)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.byId = db.prepare<[string], ChangeRow>('SELECT id, at, document FROM changes WHERE id = ?');
  }

  recordChange(change: ChangeRecord): RecordChangeOutcome {
    validateChange(change);
    const { changes } = this.insert.run({
      id: change.id,
      at: change.at,
      kind: change.kind,
      integration: change.integration ?? null,
      recordedAt: this.clock(),
      document: JSON.stringify(change),
    });
    if (changes === 1) return { created: true, change: { ...change } };
    const existing = this.byId.get(change.id);
    if (!existing) throw new Error(`change ${change.id} neither inserted nor found`);
    return { created: false, change: rowToChange(existing) };
  }

  listChanges(query: ChangeQuery = {}): ChangePage {
    const limit = pageLimit(query.limit);
    const since = timeBound('since', query.since);
    const until = timeBound('until', query.until);
    const kind = validateChangeKindFilter(query.kind);
    const cursor = query.cursor === undefined ? undefined : decodeChangeCursor(query.cursor);
    const shape: ListShape = {
      since: since !== undefined,
      until: until !== undefined,
      integration: query.integration !== undefined,
      kind: kind !== undefined,
      cursor: cursor !== undefined,
    };
    const params: Record<string, unknown> = { limit: limit + 1 };
    if (shape.since) params.since = since;
    if (shape.until) params.until = until;
    if (shape.integration) params.integration = query.integration;
    if (shape.kind) params.kind = kind;
    if (cursor) Object.assign(params, { cursorAt: cursor.at, cursorId: cursor.id });
    const key = Object.values(shape)
      .map((on) => (on ? '1' : '0'))
      .join('');
    const rows = cachedStatement(this.db, this.lists, key, () => listSql(shape)).all(params);
    const onPage = rows.slice(0, limit);
    const items = onPage.map(rowToChange);
    const last = onPage[onPage.length - 1];
    if (rows.length <= limit || !last) return { items };
    return { items, nextCursor: encodeChangeCursor({ at: last.at, id: last.id }) };
  }
}

function listSql(shape: ListShape): string {
  const where: string[] = [];
  if (shape.since) where.push('at >= @since');
  if (shape.until) where.push('at < @until');
  if (shape.integration) where.push('integration = @integration');
  if (shape.kind) where.push('kind = @kind');
  if (shape.cursor) where.push('(at < @cursorAt OR (at = @cursorAt AND id < @cursorId))');
  return `SELECT id, at, document FROM changes
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY at DESC, id DESC
    LIMIT @limit`;
}

function rowToChange(row: ChangeRow): ChangeRecord {
  return JSON.parse(row.document) as ChangeRecord;
}
