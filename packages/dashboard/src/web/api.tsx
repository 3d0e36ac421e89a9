/**
 * The dashboard's only way to the daemon: same-origin requests to `/api/v1/…` with the signed-in token, and
 * problem+json answers turned into an `ApiError` whose `kind` the views branch on (401 sends the user back to
 * sign-in). The token lives in sessionStorage: it is gone when the tab closes and never leaves this origin.
 */
import type { Me } from './types';

const TOKEN_KEY = 'lifeline.token';
const ACTOR_KEY = 'lifeline.actor';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    /** The problem's kind (`not-found`, `unauthorized`, …), from its stable `type`. */
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  token(): string | undefined {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  },
  /** Without tokens the API takes the body's `actor` (a person id of the workspace); the user says who they are. */
  actor(): string | undefined {
    return sessionStorage.getItem(ACTOR_KEY) ?? undefined;
  },
  signIn(token: string | undefined, actor: string | undefined): void {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    if (actor) sessionStorage.setItem(ACTOR_KEY, actor);
    else sessionStorage.removeItem(ACTOR_KEY);
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ACTOR_KEY);
  },
};

export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function errorOf(response: Response): Promise<ApiError> {
  let kind = `http-${response.status}`;
  let detail = response.statusText || `HTTP ${response.status}`;
  try {
    const problem = (await response.json()) as { type?: string; detail?: string };
    if (typeof problem.type === 'string') kind = problem.type.split('/').pop() ?? kind;
    if (typeof problem.detail === 'string') detail = problem.detail;
  } catch {
    // Not a problem document: keep the status line.
  }
  return new ApiError(response.status, kind, detail);
}

type Query = Record<string, string | number | undefined>;

/** GET a JSON document; `query` values that are undefined are left out. */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const url = urlOf(path, query);
  const early = prefetched.get(url);
  if (early) {
    prefetched.delete(url);
    if (early.token === session.token() && performance.now() - early.at < PREFETCH_KEPT_MS) {
      return early.answer as Promise<T>;
    }
  }
  return fetchJson<T>(url, signal);
}

/**
 * Asks for a document before the view that needs it is rendered (at start-up, while the bundle still renders the
 * shell and asks who is signed in); the view's first `getJson` of the same URL then takes this answer. Taken
 * once, only with the same token, and only for a few seconds.
 */
export function prefetchJson(path: string, query: Query = {}): void {
  const url = urlOf(path, query);
  const answer = fetchJson(url);
  answer.catch(() => undefined); // whoever takes it sees the failure; nobody may, and that is no error
  prefetched.set(url, { token: session.token(), at: performance.now(), answer });
}

const PREFETCH_KEPT_MS = 10_000;
const prefetched = new Map<string, { token: string | undefined; at: number; answer: Promise<unknown> }>();

function urlOf(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return `/api/v1${path}${params.size > 0 ? `?${params.toString()}` : ''}`;
}

async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...authHeaders() }, signal });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** POST a command; the body's `actor` is the signed-in person (the daemon replaces it by the token's name). */
export async function postCommand<T>(path: string, body: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders() },
    body: JSON.stringify({ actor: session.actor() ?? 'dashboard', ...body }),
  });
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as T;
}

/** Who is signed in; without `/api/v1/me` (an older daemon) a working token is taken to be a viewer's. */
export async function whoAmI(signal?: AbortSignal): Promise<Me> {
  try {
    return await getJson<Me>('/me', {}, signal);
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'not-found') {
      await getJson('/incidents', { limit: 1 }, signal);
      return session.token() ? { auth: 'token', role: 'viewer' } : { auth: 'open', role: 'admin' };
    }
    throw error;
  }
}
