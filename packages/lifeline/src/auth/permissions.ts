/**
 * What each role may do, by the permission every API route declares in its config
 * (`{ config: { permission: 'read' } }`). `public` routes (`/healthz`) and `webhook` routes (changes and
 * alerts webhooks, which authenticate their senders by HMAC signature or their own bearer token) are outside
 * the roles: the token check skips them.
 *
 * | permission | routes                                                          | roles                    |
 * |------------|-----------------------------------------------------------------|--------------------------|
 * | public     | GET /healthz                                                    | anyone                   |
 * | webhook    | POST /api/v1/changes/webhook, /changes/github, /alerts…         | their own signature      |
 * | read       | GET /api/v1/incidents…, GET /api/v1/changes, GET /metrics        | viewer, responder, admin |
 * | respond    | POST /api/v1/incidents/:id/<command>, POST /api/v1/changes      | responder, admin         |
 * | admin      | GET /api/v1/audit (and token management, reload when on the API) | admin                    |
 */
import { assertNever } from '../engine/assert-never.js';
import type { Role } from './auth-records.js';

export const PERMISSIONS = ['public', 'webhook', 'read', 'respond', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}

/** Whether a route with this permission needs an API token (once tokens exist). */
export function needsToken(permission: Permission): boolean {
  return permission === 'read' || permission === 'respond' || permission === 'admin';
}

/** Whether a token of `role` may use a route that needs `permission`. */
export function roleAllows(role: Role, permission: Permission): boolean {
  switch (permission) {
    case 'public':
    case 'webhook':
    case 'read':
      return true;
    case 'respond':
      return role === 'responder' || role === 'admin';
    case 'admin':
      return role === 'admin';
    default:
      return assertNever(permission, 'permission');
  }
}
