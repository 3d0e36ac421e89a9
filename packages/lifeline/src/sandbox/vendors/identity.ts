/**
 * The identity vendor under `/identity`, an OAuth 2.0 provider with a user directory: client credentials
 * tokens from `/identity/oauth/token`, Bearer-protected `/identity/v1/userinfo` and `/identity/v1/users/:id`
 * (RFC 6750 challenges on failure), optional `api-version` query parameter.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { applySchemaVariant } from '../schema-variants.js';
import {
  type VendorContext,
  type VendorDefinition,
  type VendorErrorCode,
  type VendorReply,
  activeSchemaVariant,
  headerValue,
  sendVendorReply,
} from '../vendor.js';
import { TokenStore, handleTokenRequest, oauthError, parseForm } from './oauth-token-endpoint.js';

const API_VERSION = SANDBOX_CREDENTIALS.identity.apiVersion;
const TOKEN_ROUTE = '/identity/oauth/token';

export type UserRole = 'admin' | 'member' | 'viewer' | 'billing';

/** Stable shape: response schemas in the example workspace are written against it. */
export interface User {
  id: string;
  email: string;
  name: string;
  email_verified: boolean;
  /** ISO 8601. */
  created_at: string;
  roles: UserRole[];
}

/** The account behind the sandbox client: what `userinfo` returns for a client credentials token. */
export const SERVICE_ACCOUNT: User = {
  id: 'usr_svc_lifeline_sandbox',
  email: 'lifeline-sandbox@identity.sandbox.lifeline.dev',
  name: 'Lifeline Sandbox (service account)',
  email_verified: true,
  created_at: '2024-11-02T09:30:00.000Z',
  roles: ['viewer'],
};

export const SEED_USERS: readonly User[] = [
  SERVICE_ACCOUNT,
  {
    id: 'usr_2b7KqXcAdaL0velace',
    email: 'ada@acme.example',
    name: 'Ada Lovelace',
    email_verified: true,
    created_at: '2024-03-14T08:00:00.000Z',
    roles: ['admin', 'member'],
  },
  {
    id: 'usr_2b7KqXdGraceH0pper',
    email: 'grace@acme.example',
    name: 'Grace Hopper',
    email_verified: true,
    created_at: '2024-05-21T16:45:00.000Z',
    roles: ['member'],
  },
  {
    id: 'usr_2b7KqXeAlanTur1ng0',
    email: 'alan@acme.example',
    name: 'Alan Turing',
    email_verified: false,
    created_at: '2025-01-07T11:20:00.000Z',
    roles: ['billing', 'viewer'],
  },
];

export const identityVendor: VendorDefinition = {
  name: 'identity',
  prefix: '/identity',
  error: identityError,
  routes: registerIdentityRoutes,
};

function identityError(
  code: VendorErrorCode,
  status: number,
  message: string,
  request: FastifyRequest,
): VendorReply {
  switch (code) {
    case 'invalid_credentials':
      return request.routeOptions.url === TOKEN_ROUTE
        ? oauthError(401, 'invalid_client', 'Client authentication failed: the client has been disabled.')
        : bearerChallenge(401, 'invalid_token', 'The access token has been revoked.');
    case 'rate_limited':
      return { status, body: { error: 'rate_limited', error_description: message } };
    case 'server_error':
      return {
        status,
        body: {
          error: status === 503 ? 'temporarily_unavailable' : 'server_error',
          error_description: message,
        },
      };
    case 'not_found':
      return { status, body: { error: 'not_found', error_description: message } };
    case 'bad_request':
      // OAuth reports every malformed request as 400 invalid_request, whatever fastify's own status was.
      return oauthError(400, 'invalid_request', message);
  }
}

/** RFC 6750 §3: the challenge a protected resource sends with 401/403. */
function bearerChallenge(status: number, error: string, description: string, scope?: string): VendorReply {
  const scopePart = scope === undefined ? '' : `, scope="${scope}"`;
  return {
    status,
    headers: {
      'www-authenticate': `Bearer error="${error}", error_description="${description}"${scopePart}`,
    },
    body: { error, error_description: description },
  };
}

function registerIdentityRoutes(scope: FastifyInstance, context: VendorContext): void {
  const tokens = new TokenStore(context.now);
  const users = new Map(SEED_USERS.map((user) => [user.id, user]));

  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, parseForm(String(body)));
    },
  );
  scope.addHook('onRequest', async (request, reply) => {
    const version = (request.query as Record<string, unknown>)['api-version'];
    if (version !== undefined && version !== API_VERSION) {
      const message = `Unsupported api-version ${JSON.stringify(version)}; supported: ${API_VERSION}.`;
      return sendVendorReply(reply, oauthError(400, 'invalid_request', message));
    }
  });

  scope.post('/oauth/token', async (request, reply) =>
    sendVendorReply(reply, handleTokenRequest(request, tokens)),
  );

  /** Returns the refusal to send, or undefined when the token is valid and carries `requiredScope`. */
  const authorize = (request: FastifyRequest, requiredScope: string): VendorReply | undefined => {
    const match = /^Bearer\s+(\S+)$/i.exec(headerValue(request, 'authorization') ?? '');
    if (match?.[1] === undefined)
      return bearerChallenge(401, 'invalid_token', 'A Bearer access token is required.');
    const grant = tokens.verify(match[1]);
    if (grant === 'expired') return bearerChallenge(401, 'invalid_token', 'The access token expired.');
    if (grant === 'unknown') return bearerChallenge(401, 'invalid_token', 'The access token is not valid.');
    if (!grant.scopes.includes(requiredScope)) {
      return bearerChallenge(
        403,
        'insufficient_scope',
        `The token lacks the ${requiredScope} scope.`,
        requiredScope,
      );
    }
    return undefined;
  };

  scope.get('/v1/userinfo', async (request, reply) => {
    const refusal = authorize(request, 'profile');
    if (refusal !== undefined) return sendVendorReply(reply, refusal);
    return applySchemaVariant('identity', activeSchemaVariant(context, 'identity'), SERVICE_ACCOUNT);
  });

  scope.get('/v1/users/:id', async (request, reply) => {
    const refusal = authorize(request, 'users.read');
    if (refusal !== undefined) return sendVendorReply(reply, refusal);
    const { id } = request.params as { id: string };
    const user = users.get(id);
    if (user === undefined) {
      return sendVendorReply(reply, {
        status: 404,
        body: { error: 'not_found', error_description: `No user with id '${id}'.` },
      });
    }
    return applySchemaVariant('identity', activeSchemaVariant(context, 'identity'), user);
  });
}
