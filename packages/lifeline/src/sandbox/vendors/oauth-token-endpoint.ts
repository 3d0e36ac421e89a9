/**
 * The identity vendor's OAuth 2.0 token endpoint for the client credentials grant (RFC 6749 §4.4): form
 * body parsing, client authentication by HTTP Basic or body parameters (§2.3.1), the §5.2 error answers,
 * and the store of issued tokens with their expiry.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { SANDBOX_CREDENTIALS } from '../credentials.js';
import { type VendorReply, headerValue } from '../vendor.js';

export const TOKEN_LIFETIME_SECONDS = 3600;
/** Granted when the client asks for no scope. */
export const SUPPORTED_SCOPES: readonly string[] = ['profile', 'users.read'];

export interface AccessToken {
  clientId: string;
  scopes: readonly string[];
  expiresAt: number;
}

/** Issued tokens, remembered until they expire; opaque random strings like most providers hand out. */
export class TokenStore {
  readonly #tokens = new Map<string, AccessToken>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  issue(clientId: string, scopes: readonly string[]): string {
    this.#purgeExpired();
    const token = `idt_${randomBytes(32).toString('base64url')}`;
    this.#tokens.set(token, { clientId, scopes, expiresAt: this.#now() + TOKEN_LIFETIME_SECONDS * 1000 });
    return token;
  }

  /** The token's grant, or why it is not usable. */
  verify(token: string): AccessToken | 'unknown' | 'expired' {
    const grant = this.#tokens.get(token);
    if (grant === undefined) return 'unknown';
    if (grant.expiresAt <= this.#now()) {
      this.#tokens.delete(token);
      return 'expired';
    }
    return grant;
  }

  #purgeExpired(): void {
    const now = this.#now();
    for (const [token, grant] of this.#tokens) if (grant.expiresAt <= now) this.#tokens.delete(token);
  }
}

/** Form parameters; a parameter sent twice is kept twice so the endpoint can refuse it (§3.2). */
export type FormParameters = Record<string, string[]>;

export function parseForm(body: string): FormParameters {
  const parameters: FormParameters = {};
  for (const [name, value] of new URLSearchParams(body)) (parameters[name] ??= []).push(value);
  return parameters;
}

/** RFC 6749 §5.2 error answer; a failed client authentication also names the accepted scheme. */
export function oauthError(status: number, error: string, description: string): VendorReply {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (error === 'invalid_client')
    headers['www-authenticate'] = 'Basic realm="lifeline-sandbox", charset="UTF-8"';
  return { status, body: { error, error_description: description }, headers };
}

/** Answers one token request with a token or the matching §5.2 error. */
export function handleTokenRequest(request: FastifyRequest, tokens: TokenStore): VendorReply {
  const contentType = headerValue(request, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded.');
  }
  const form = (request.body ?? {}) as FormParameters;
  const repeated = Object.keys(form).find((name) => (form[name]?.length ?? 0) > 1);
  if (repeated !== undefined) {
    return oauthError(400, 'invalid_request', `The parameter '${repeated}' was sent more than once.`);
  }
  const param = (name: string): string | undefined => form[name]?.[0];
  const grantType = param('grant_type');
  if (grantType === undefined)
    return oauthError(400, 'invalid_request', 'The grant_type parameter is missing.');

  const client = readClientCredentials(request, param('client_id'), param('client_secret'));
  if ('error' in client) return client.error;
  if (!isValidClient(client.id, client.secret)) {
    return oauthError(401, 'invalid_client', 'Client authentication failed: unknown client or wrong secret.');
  }
  if (grantType !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      `The grant type '${grantType}' is not supported; use client_credentials.`,
    );
  }
  const requested =
    param('scope')
      ?.split(' ')
      .filter((scope) => scope.length > 0) ?? [];
  const unknownScope = requested.find((scope) => !SUPPORTED_SCOPES.includes(scope));
  if (unknownScope !== undefined) {
    return oauthError(
      400,
      'invalid_scope',
      `The scope '${unknownScope}' is not supported (${SUPPORTED_SCOPES.join(', ')}).`,
    );
  }
  const scopes = requested.length > 0 ? [...new Set(requested)] : SUPPORTED_SCOPES;
  return {
    status: 200,
    headers: { 'cache-control': 'no-store', pragma: 'no-cache' },
    body: {
      access_token: tokens.issue(client.id, scopes),
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      scope: scopes.join(' '),
    },
  };
}

type ClientCredentials = { id: string; secret: string } | { error: VendorReply };

/** §2.3.1: Basic with form-encoded id and secret, or both in the body, but never both methods at once. */
function readClientCredentials(
  request: FastifyRequest,
  bodyId: string | undefined,
  bodySecret: string | undefined,
): ClientCredentials {
  const authorization = headerValue(request, 'authorization');
  if (authorization !== undefined) {
    if (bodySecret !== undefined) {
      return { error: oauthError(400, 'invalid_request', 'Use one client authentication method, not both.') };
    }
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    const decoded = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      return {
        error: oauthError(401, 'invalid_client', 'The Authorization header is not valid HTTP Basic.'),
      };
    }
    try {
      const id = decodeFormComponent(decoded.slice(0, colon));
      const secret = decodeFormComponent(decoded.slice(colon + 1));
      if (bodyId !== undefined && bodyId !== id) {
        return {
          error: oauthError(400, 'invalid_request', 'client_id in the body differs from the Basic one.'),
        };
      }
      return { id, secret };
    } catch {
      return { error: oauthError(401, 'invalid_client', 'The Basic credentials are not validly encoded.') };
    }
  }
  if (bodyId === undefined || bodySecret === undefined) {
    return {
      error: oauthError(
        401,
        'invalid_client',
        'Client authentication is required (HTTP Basic or client_id and client_secret).',
      ),
    };
  }
  return { id: bodyId, secret: bodySecret };
}

function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function isValidClient(id: string, secret: string): boolean {
  const expected = SANDBOX_CREDENTIALS.identity;
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return id === expected.clientId && timingSafeEqual(digest(secret), digest(expected.clientSecret));
}
