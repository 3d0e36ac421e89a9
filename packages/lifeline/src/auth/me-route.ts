/**
 * `GET /api/v1/me` (`read`): who the caller is — the token's name and role, or `{ auth: 'open', role: 'admin' }`
 * while no token exists and the API is open to all. The dashboard asks it after sign-in to decide which action
 * buttons to show (a viewer sees none); the daemon still checks every command itself.
 */
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../server/command-actions.js';
import type { Role } from './auth-records.js';
import type { AuthStore } from './server-auth.js';
import { bearerOf, matchToken } from './tokens.js';

export type Me = { auth: 'token'; name: string; role: Role } | { auth: 'open'; role: 'admin' };

const STORE_TIMEOUT_MS = 5000;

/** `store` is the server's auth store; without one the API is open and everyone is `open`. */
export function registerMeRoute(
  app: FastifyInstance,
  store: Pick<AuthStore, 'activeApiTokens'> | undefined,
): void {
  app.get(`${API_PREFIX}/me`, { config: { permission: 'read' } }, async (request): Promise<Me> => {
    const tokens = store
      ? await store.activeApiTokens({ signal: AbortSignal.timeout(STORE_TIMEOUT_MS) })
      : [];
    if (tokens.length === 0) return { auth: 'open', role: 'admin' };
    // The token check in `onRequest` already refused a missing or unknown token.
    const match = matchToken(bearerOf(request.headers.authorization), tokens);
    if (!match) throw new Error('GET /me reached without a valid token');
    return { auth: 'token', name: match.name, role: match.role };
  });
}
