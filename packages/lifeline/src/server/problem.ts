/**
 * Problem details (RFC 9457) of the HTTP API: one stable `type` URI per kind of failure, so clients branch on the
 * kind and never on the wording of `detail`. Shared by the server, which answers with them, and the API client,
 * which recognises them. The type URIs are a promise to API users: add kinds, never rename one.
 */
import type { Diagnostic } from '../workspace/diagnostics.js';
import type { Incident } from '../engine/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://lifeline.dev/problems/';

export type ProblemKind =
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'invalid-request'
  | 'payload-too-large'
  | 'workspace-invalid'
  | 'too-many-requests'
  | 'unavailable'
  | 'internal';

/** The usual status and the title of each kind; `invalid-request` also covers 415 and other client errors. */
export const PROBLEM_KINDS: Readonly<Record<ProblemKind, { status: number; title: string }>> = {
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  forbidden: { status: 403, title: 'Forbidden' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  'invalid-request': { status: 400, title: 'Invalid request' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'workspace-invalid': { status: 422, title: 'Workspace invalid' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
};

/** Where a request field lives, named as in OpenAPI's `in` (querystring is fastify's word for `query`). */
export type FieldLocation = 'body' | 'querystring' | 'params' | 'headers';

export interface FieldError {
  /** The offending field, e.g. `actor` or `status`; empty when the whole part is wrong (a body that is not an object). */
  field: string;
  in: FieldLocation;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Validation problems: the first offending field and where it is; `errors` lists all of them. */
  field?: string;
  in?: FieldLocation;
  errors?: FieldError[];
  /** Conflicts on an incident: its current state, so the caller sees why without another request. */
  incident?: Incident;
  /** A refused workspace reload: every problem of the edit, with file:line:col. */
  diagnostics?: Diagnostic[];
}

export type ProblemExtras = Partial<
  Pick<Problem, 'status' | 'field' | 'in' | 'errors' | 'incident' | 'diagnostics'>
>;

/**
 * @example
 * problemOf('conflict', 'incident INC-3 is already resolved', { incident })
 * // { type: 'https://lifeline.dev/problems/conflict', title: 'Conflict', status: 409, detail: '…', incident }
 */
export function problemOf(kind: ProblemKind, detail: string, extras: ProblemExtras = {}): Problem {
  const { status, title } = PROBLEM_KINDS[kind];
  return { type: `${PROBLEM_TYPE_BASE}${kind}`, title, status, detail, ...extras };
}

/** The kind of a problem `type` URI; undefined for a type this version does not know (a newer daemon's). */
export function problemKindOf(type: string): ProblemKind | undefined {
  if (!type.startsWith(PROBLEM_TYPE_BASE)) return undefined;
  const kind = type.slice(PROBLEM_TYPE_BASE.length);
  return Object.hasOwn(PROBLEM_KINDS, kind) ? (kind as ProblemKind) : undefined;
}
