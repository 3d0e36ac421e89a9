/**
 * What the read routes (integrations, results, playbooks, deliveries) share: the shapes of ids, times, page
 * sizes and cursors in a query string, query times as epoch ms, and how long one read may take.
 */
import { Type } from '@sinclair/typebox';
import { ISO_TIME_PATTERN } from '../changes/change-input.js';
import { problemOf, type Problem } from './problem.js';
import { MAX_PAGE_SIZE } from './schemas.js';

/** How long one read may take before it gives up; the store call is aborted with it. */
export const READ_TIMEOUT_MS = 10_000;

export const ID_SCHEMA = Type.String({ minLength: 1, maxLength: 200 });
/** Epoch ms or ISO 8601, as `GET /api/v1/changes` takes them. */
export const TIME_SCHEMA = Type.String({
  pattern: `^[0-9]{1,15}$|${ISO_TIME_PATTERN}`,
  description: 'Epoch milliseconds or ISO 8601.',
});
export const LIMIT_SCHEMA = Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, description: 'Page size.' });
export const CURSOR_SCHEMA = Type.String({
  minLength: 1,
  maxLength: 1000,
  description: '`nextCursor` of the previous page.',
});

export function readSignal(): AbortSignal {
  return AbortSignal.timeout(READ_TIMEOUT_MS);
}

/**
 * The query's `since`/`until` as epoch ms, or the problem naming the one that is not a time. The schema already
 * checked the shape; this catches what a pattern cannot, such as month 13.
 */
export function queryTimes(query: {
  since?: string;
  until?: string;
}): { since?: number; until?: number } | Problem {
  const times: { since?: number; until?: number } = {};
  for (const field of ['since', 'until'] as const) {
    const text = query[field];
    if (text === undefined) continue;
    const ms = /^[0-9]+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isSafeInteger(ms)) return invalidQuery(field, 'is not a valid time');
    times[field] = ms;
  }
  return times;
}

/** A 400 problem naming the query parameter at fault. */
export function invalidQuery(field: string, message: string): Problem {
  return problemOf('invalid-request', `query parameter \`${field}\` ${message}`, {
    field,
    in: 'querystring',
  });
}

export function isProblem(value: object): value is Problem {
  return 'type' in value && 'status' in value;
}
