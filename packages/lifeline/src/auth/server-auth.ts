/**
 * Access control of the HTTP API (`docs/decisions/008-api-tokens-and-roles.md`). Every route declares a
 * `permission` in its config, and a route without one is refused when it is registered, so no route is ever
 * left open by forgetting. Once at least one live API token exists in the store, a route that needs a token
 * answers 401 without a known bearer token and 403 when the token's role does not allow the route; before
 * that the API stays open, as it was before tokens existed. Failed authentications are logged without the
 * token and limited per client address (429). Every mutating request that needs a token leaves a row in the
 * audit trail, whatever its outcome.
 *
 * The token check runs in `onRequest`, before the body is read: an unauthenticated caller learns nothing about
 * what a valid body would be. With a token, a command's actor is the token's name (`preValidation` puts it in
 * the body, whatever the body said), so a responder token named after a person approves as that person.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/store.js';
import { problemOf } from '../server/problem.js';
import { sendProblem } from '../server/send-problem.js';
import type { ApiToken, ApiTokenRecord, AuditOutcome } from './auth-records.js';
import { FailureLimiter } from './failure-limiter.js';
import { isPermission, needsToken, roleAllows, type Permission } from './permissions.js';
import { bearerOf, matchToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every route (see `permissions.ts`). */
    permission?: Permission;
    /** Command routes: with a token, the body's `actor` is replaced by the token's name. */
    actorFromToken?: boolean;
    /**
     * The token may also come as `?access_token=` (only `GET /api/v1/events`: a browser `EventSource` cannot
     * set headers). Such a route must not log its request lines (`logLevel: 'warn'`), or the token would be.
     */
    tokenInQuery?: boolean;
  }
}

/** What the API needs of the store for access control. */
export type AuthStore = Pick<Store, 'activeApiTokens' | 'touchApiToken' | 'recordAudit' | 'listAudit'>;

export interface ServerAuthOptions {
  store: AuthStore;
  /** Epoch ms for the failure limit and audit rows; default `Date.now`. */
  now?: () => number;
  /** Failed authentications per client address per `failureWindowMs` before 429. Default 10. */
  maxFailures?: number;
  /** Default one minute. */
  failureWindowMs?: number;
}

/** Who is calling: a token's holder, or anyone while no token exists. */
export type Caller = { kind: 'token'; token: ApiToken } | { kind: 'open' };

const STORE_TIMEOUT_MS = 5000;
/**
 * A token's `lastUsedAt` is written at most this often: it tells whether a token is still in use, and a write per
 * request would make every dashboard poll a store transaction.
 */
export const TOKEN_USE_PRECISION_MS = 60_000;
/** How long the live tokens read from the store are trusted: a revoked token keeps working at most this long. */
export const TOKEN_CACHE_MS = 1000;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REALM = 'Bearer realm="lifeline"';

/**
 * Refuses, at registration, any route without a `permission` in its config. Register before any route; applies
 * to routes of child scopes registered afterwards too. `assigned` gives the permission of routes whose module
 * the server's owner does not control, by URL; a permission in the route's own config wins.
 */
export function requireRoutePermissions(
  app: FastifyInstance,
  assigned: Readonly<Record<string, Permission>> = {},
): void {
  app.addHook('onRoute', (route) => {
    const declared = (route.config as { permission?: unknown } | undefined)?.permission;
    const fallback = Object.hasOwn(assigned, route.url) ? assigned[route.url] : undefined;
    if (declared === undefined && fallback !== undefined)
      route.config = { ...route.config, permission: fallback };
    const permission = declared ?? fallback;
    if (!isPermission(permission)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
      throw new Error(
        `route ${methods} ${route.url} declares no permission: add config: { permission: 'public' | 'webhook' | 'read' | 'respond' | 'admin' }`,
      );
    }
  });
}

/** Adds the token check, the actor of commands and the audit trail to `app` (before its routes). */
export function registerServerAuth(app: FastifyInstance, options: ServerAuthOptions): void {
  const now = options.now ?? Date.now;
  const limiter = new FailureLimiter({
    now,
    ...(options.maxFailures !== undefined ? { maxFailures: options.maxFailures } : {}),
    ...(options.failureWindowMs !== undefined ? { windowMs: options.failureWindowMs } : {}),
  });
  const callers = new WeakMap<FastifyRequest, Caller>();
  /** When each token's use was last written (epoch ms). */
  const noted = new Map<string, number>();
  const liveTokens = new LiveTokens(options.store, now);

  const refuse = (request: FastifyRequest, reply: FastifyReply, reason: string, detail: string) => {
    limiter.fail(request.ip);
    // The token itself is never logged: a wrong one may be a right one with a typo.
    request.log.warn(
      { client: request.ip, method: request.method, route: request.routeOptions.url, reason },
      'API authentication failed',
    );
    reply.header('www-authenticate', REALM);
    return sendProblem(reply, problemOf('unauthorized', detail));
  };

  const unavailable = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    request.log.error({ err: error }, 'could not read API tokens');
    return sendProblem(reply, problemOf('unavailable', 'cannot check API tokens right now; retry later'));
  };

  app.addHook('onRequest', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    // Unknown routes (404) have no permission; public and webhook routes do their own checking.
    if (permission === undefined || !needsToken(permission)) return;
    let tokens;
    let kept;
    try {
      ({ tokens, kept } = await liveTokens.read());
    } catch (error) {
      return unavailable(request, reply, error);
    }
    if (tokens.length === 0) {
      callers.set(request, { kind: 'open' });
      return;
    }
    const waitMs = limiter.retryAfterMs(request.ip);
    if (waitMs > 0) {
      request.log.warn({ client: request.ip, method: request.method }, 'API authentication rate-limited');
      reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      return sendProblem(
        reply,
        problemOf('too-many-requests', 'too many failed authentications from this address; retry later'),
      );
    }
    const presented =
      bearerOf(request.headers.authorization) ??
      (request.routeOptions.config.tokenInQuery ? queryTokenOf(request.query) : undefined);
    if (presented === undefined) {
      // A challenge, not a failed authentication: nothing was guessed, so it neither counts towards the limit
      // nor warns (a dashboard opened before sign-in asks once per load; a team behind one address must not be
      // locked out by that).
      request.log.info({ client: request.ip, method: request.method }, 'API request without a token');
      reply.header('www-authenticate', REALM);
      return sendProblem(
        reply,
        problemOf(
          'unauthorized',
          'this API needs a token: send Authorization: Bearer <token> (CLI: --token or LIFELINE_TOKEN)',
        ),
      );
    }
    let match = matchToken(presented, tokens);
    if (!match && kept) {
      // A token created since the list was read works at once; only revocations wait for the list to expire.
      try {
        match = matchToken(presented, (await liveTokens.read({ fresh: true })).tokens);
      } catch (error) {
        return unavailable(request, reply, error);
      }
    }
    if (!match) {
      return refuse(
        request,
        reply,
        'unknown or revoked token',
        'the API token is not valid (unknown or revoked)',
      );
    }
    const { hash: _hash, ...token } = match;
    callers.set(request, { kind: 'token', token });
    if (!roleAllows(token.role, permission)) {
      return sendProblem(
        reply,
        problemOf('forbidden', `the token's role ${token.role} may not ${describe(permission)}`),
      );
    }
    const at = now();
    if (at - (noted.get(token.id) ?? -Infinity) < TOKEN_USE_PRECISION_MS) return;
    noted.set(token.id, at);
    await options.store
      .touchApiToken(token.id, at, { signal: AbortSignal.timeout(STORE_TIMEOUT_MS) })
      .catch((error: unknown) => {
        noted.delete(token.id);
        request.log.warn({ err: error }, 'could not note the API token as used');
      });
  });

  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.config.actorFromToken) return;
    const caller = callers.get(request);
    const body = request.body;
    if (caller?.kind === 'token' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      (body as Record<string, unknown>).actor = caller.token.name;
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || !needsToken(permission) || READ_METHODS.has(request.method)) return;
    const caller = callers.get(request);
    const params = (request.params ?? {}) as Record<string, unknown>;
    const target = [params.id, params.step].filter((p) => typeof p === 'string').join('/');
    try {
      await options.store.recordAudit(
        {
          at: now(),
          actor: actorOf(caller, request.body),
          ...(caller?.kind === 'token' ? { tokenId: caller.token.id } : {}),
          action: `${request.method} ${request.routeOptions.url ?? request.url}`,
          ...(target ? { target } : {}),
          outcome: outcomeOf(reply.statusCode),
          status: reply.statusCode,
        },
        { signal: AbortSignal.timeout(STORE_TIMEOUT_MS) },
      );
    } catch (error) {
      request.log.error({ err: error }, 'could not write the audit trail');
    }
  });
}

/**
 * The live tokens as last read from the store, trusted for `TOKEN_CACHE_MS`: reading them on every request cost
 * as much as answering a cached list. An empty list (the open API) is never kept, so the first token created
 * closes the API at once.
 */
class LiveTokens {
  #kept: { at: number; tokens: ApiTokenRecord[] } | undefined;

  constructor(
    private readonly store: AuthStore,
    private readonly now: () => number,
  ) {}

  /** The live tokens, and whether they are the kept list (which may miss a token created since). */
  async read(options: { fresh?: boolean } = {}): Promise<{ tokens: ApiTokenRecord[]; kept: boolean }> {
    const at = this.now();
    const kept = this.#kept;
    if (!options.fresh && kept && at - kept.at >= 0 && at - kept.at < TOKEN_CACHE_MS) {
      return { tokens: kept.tokens, kept: true };
    }
    const tokens = await this.store.activeApiTokens({ signal: AbortSignal.timeout(STORE_TIMEOUT_MS) });
    this.#kept = tokens.length > 0 ? { at, tokens } : undefined;
    return { tokens, kept: false };
  }
}

/** The `access_token` query parameter of a route that takes one (see `tokenInQuery`). */
function queryTokenOf(query: unknown): string | undefined {
  const token = (query as { access_token?: unknown } | null | undefined)?.access_token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

function actorOf(caller: Caller | undefined, body: unknown): string {
  if (caller?.kind === 'token') return caller.token.name;
  const actor = (body as { actor?: unknown } | null | undefined)?.actor;
  return typeof actor === 'string' && actor !== '' ? actor.slice(0, 200) : 'anonymous';
}

function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'ok';
  if (status === 401 || status === 403 || status === 429) return 'denied';
  return status < 500 ? 'refused' : 'failed';
}

function describe(permission: Permission): string {
  switch (permission) {
    case 'read':
      return 'read';
    case 'respond':
      return 'act on incidents (needs responder or admin)';
    default:
      return `use ${permission} routes (needs admin)`;
  }
}
