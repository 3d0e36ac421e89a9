/**
 * The wire format of the OAuth 2.0 client credentials grant (RFC 6749 §4.4): the token request with client
 * authentication by HTTP Basic or in the body (§2.3.1), and reading the answer — a token with its lifetime
 * (§5.1) or an error (§5.2) classified so that a refused client is a `credential` failure, never an outage.
 */
import type { Auth } from '../../workspace/model.js';
import type { CheckOutcome } from '../check-kind.js';
import { classifyStatus, notJson } from '../classify.js';
import type { ReceivedResponse } from './send.js';

export type OAuth2ClientCredentials = Extract<Auth, { type: 'oauth2-client-credentials' }>;

/** Errors of §5.2 that mean "this client may not get this token": the credential is at fault. */
const CREDENTIAL_ERRORS = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_grant',
  'invalid_scope',
]);

/** A description longer than this is cut: it goes into a one-line message. */
const MAX_DESCRIPTION = 160;

/** The form body and headers of a token request. */
export function tokenRequest(
  auth: OAuth2ClientCredentials,
  clientSecret: string,
): { headers: Record<string, string>; body: string } {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scopes !== undefined && auth.scopes.length > 0) form.set('scope', auth.scopes.join(' '));
  if (auth.audience !== undefined) form.set('audience', auth.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if ((auth.clientAuth ?? 'basic') === 'basic') {
    // §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
    const pair = `${formEncode(auth.clientId)}:${formEncode(clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  } else {
    form.set('client_id', auth.clientId);
    form.set('client_secret', clientSecret);
  }
  return { headers, body: form.toString() };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** A token as the endpoint issued it. */
export interface IssuedToken {
  accessToken: string;
  /** Seconds, when the endpoint said. */
  expiresIn?: number;
  scope?: string;
}

export type TokenAnswer = { ok: true; token: IssuedToken } | { ok: false; outcome: CheckOutcome };

/** Reads the token endpoint's answer; every failure message starts with `token endpoint`. */
export function readTokenAnswer(response: ReceivedResponse, now: number): TokenAnswer {
  const json = parseJsonObject(response.body);
  if (response.status !== 200) return { ok: false, outcome: tokenError(response, json, now) };
  if (json === undefined) {
    const outcome = notJson(response.headers['content-type'], response.body.length);
    return { ok: false, outcome: { ...outcome, status: 200, message: `token endpoint: ${outcome.message}` } };
  }
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    return { ok: false, outcome: malformed('the answer has no access_token') };
  }
  const tokenType = json.token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') {
    return {
      ok: false,
      outcome: malformed(`token_type ${JSON.stringify(tokenType)} is not supported (Bearer is)`),
    };
  }
  const expiresIn = Number(json.expires_in);
  return {
    ok: true,
    token: {
      accessToken,
      ...(json.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn } : {}),
      ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
    },
  };
}

function tokenError(
  response: ReceivedResponse,
  json: Record<string, unknown> | undefined,
  now: number,
): CheckOutcome {
  const status = response.status;
  const error = typeof json?.error === 'string' ? json.error : undefined;
  const description =
    typeof json?.error_description === 'string'
      ? `: ${json.error_description.slice(0, MAX_DESCRIPTION)}`
      : '';
  if (error !== undefined && (status === 400 || status === 401 || status === 403)) {
    const refused = CREDENTIAL_ERRORS.has(error);
    return {
      class: refused ? 'credential' : 'client-error',
      status,
      errorCode: error,
      message: `token endpoint ${refused ? 'refused the client' : 'rejected the request'}: ${error}${description}`,
    };
  }
  const retryAfter = response.headers['retry-after'];
  const outcome = classifyStatus(status, { now, ...(retryAfter === undefined ? {} : { retryAfter }) });
  return { ...outcome, message: `token endpoint: ${outcome.message}` };
}

function malformed(reason: string): CheckOutcome {
  return {
    class: 'assertion',
    status: 200,
    errorCode: 'token-response-invalid',
    message: `token endpoint: ${reason}`,
  };
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
