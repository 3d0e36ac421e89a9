/**
 * The client side of the daemon's HTTP API, for the CLI (and later chat integrations): typed calls over undici
 * that turn every failure into one of two errors a caller can branch on by `name` — `ApiProblemError` when the
 * daemon answered with a problem (its kind and detail), `ApiClientError` when there was no usable answer
 * (daemon unreachable, too slow, or something else listening on the port).
 *
 * @example
 * const client = createApiClient({ baseUrl: 'http://127.0.0.1:4400' });
 * try { await client.command('ack', 'INC-3', { actor: 'alice' }); } finally { await client.close(); }
 */
import { Agent, request } from 'undici';
import type { ChangeRecord } from '../changes/change.js';
import type { ChangeInput } from '../changes/change-input.js';
import type { IncidentWithChanges } from '../changes/rank-changes.js';
import type { IncidentPage, IncidentQuery } from '../daemon/incident-service.js';
import type { ChangePage } from '../store/change-records.js';
import {
  API_PREFIX,
  commandPath,
  incidentPath,
  type CommandAction,
  type CommandBody,
  type CommandResponse,
} from './command-actions.js';
import { PROBLEM_CONTENT_TYPE, problemKindOf, type Problem, type ProblemKind } from './problem.js';

export const DEFAULT_API_TIMEOUT_MS = 10_000;

export interface ApiClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** An API token (`lifeline token create`), sent as `Authorization: Bearer`; never logged or shown. */
  token?: string;
}

export interface ApiClient {
  listIncidents(query?: IncidentQuery): Promise<IncidentPage>;
  /** The incident with the changes linked to it (`changes`, absent from a daemon without change records). */
  getIncident(id: string): Promise<IncidentWithChanges>;
  recordChange(input: ChangeInput): Promise<ChangeRecord>;
  /** `since`/`until`: ISO 8601 or epoch ms. */
  listChanges(query?: ChangeListParams): Promise<ChangePage>;
  /** `step` is the step of `step-done` (the other actions take theirs in the body). */
  command(
    action: CommandAction,
    incidentId: string,
    body: CommandBody,
    step?: string,
  ): Promise<CommandResponse>;
  /** Closes the connections; a CLI process would otherwise wait for keep-alive sockets to time out. */
  close(): Promise<void>;
}

/** Query of `GET /api/v1/changes`. */
export interface ChangeListParams {
  integration?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

/** The daemon answered with a problem (RFC 9457). `kind` is undefined for a type this version does not know. */
export class ApiProblemError extends Error {
  override readonly name = 'ApiProblemError';
  readonly kind: ProblemKind | undefined;
  constructor(readonly problem: Problem) {
    super(problem.detail, { cause: problem });
    this.kind = problemKindOf(problem.type);
  }
}

export type ApiClientErrorCode = 'unreachable' | 'timeout' | 'unexpected-response';

/** No usable answer from the daemon; `reason` is the network error code or what was wrong with the answer. */
export class ApiClientError extends Error {
  override readonly name = 'ApiClientError';
  constructor(
    readonly code: ApiClientErrorCode,
    readonly baseUrl: string,
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(`${code}: ${reason}`, options);
  }
}

export function isApiProblemError(error: unknown): error is ApiProblemError {
  return error instanceof Error && error.name === 'ApiProblemError';
}

export function isApiClientError(error: unknown): error is ApiClientError {
  return error instanceof Error && error.name === 'ApiClientError';
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS;
  const dispatcher = new Agent({ connections: 1 });

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const signal = AbortSignal.timeout(timeoutMs);
    let status: number;
    let contentType: string;
    let text: string;
    try {
      const response = await request(`${baseUrl}${path}`, {
        method,
        dispatcher,
        signal,
        headers: {
          accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      status = response.statusCode;
      contentType = String(response.headers['content-type'] ?? '');
      text = await response.body.text();
    } catch (error) {
      if (signal.aborted)
        throw new ApiClientError('timeout', baseUrl, `no answer within ${timeoutMs} ms`, { cause: error });
      throw new ApiClientError('unreachable', baseUrl, networkReason(error), { cause: error });
    }
    return parseAnswer<T>(baseUrl, status, contentType, text);
  }

  return {
    listIncidents: (query = {}) => call<IncidentPage>('GET', `${API_PREFIX}/incidents${queryString(query)}`),
    getIncident: (id) => call<IncidentWithChanges>('GET', incidentPath(id)),
    recordChange: (input) => call<ChangeRecord>('POST', `${API_PREFIX}/changes`, input),
    listChanges: (query = {}) => call<ChangePage>('GET', `${API_PREFIX}/changes${queryString(query)}`),
    command: (action, incidentId, body, step) =>
      call<CommandResponse>('POST', commandPath(action, incidentId, step), body),
    close: () => dispatcher.close(),
  };
}

function parseAnswer<T>(baseUrl: string, status: number, contentType: string, text: string): T {
  const unexpected = (what: string, cause: unknown = { status, contentType }) =>
    new ApiClientError('unexpected-response', baseUrl, what, { cause });
  if (!/json/i.test(contentType)) {
    throw unexpected(`HTTP ${status} with ${contentType || 'no content type'}, not the Lifeline API`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw unexpected(`HTTP ${status} with a body that is not valid JSON`, error);
  }
  if (contentType.startsWith(PROBLEM_CONTENT_TYPE) && isProblem(parsed)) throw new ApiProblemError(parsed);
  if (status < 200 || status >= 300) throw unexpected(`HTTP ${status} without a problem description`);
  return parsed as T;
}

function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.type === 'string' && typeof p.status === 'number' && typeof p.detail === 'string';
}

/** `ECONNREFUSED`, `ENOTFOUND`, …: the code says more than undici's message ("fetch failed", or nothing). */
function networkReason(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  if (typeof code === 'string') return code;
  return typeof e?.message === 'string' && e.message ? e.message : String(error);
}

function queryString(query: IncidentQuery | ChangeListParams): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
