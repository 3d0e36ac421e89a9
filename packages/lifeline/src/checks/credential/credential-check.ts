/**
 * The `credential` check kind: does the integration's credential work right now, and is it within its
 * rotation policy? It makes the declared cheap authenticated read (`endpoint:`), or for OAuth2 client
 * credentials without one, mints a token at the token endpoint and reports its expiry. 401/403 and refused
 * OAuth2 clients (`invalid_client`, …) are class `credential`, never an outage; a 5xx stays `server-error`.
 * A credential past its rotation date fails as `credential` (code `rotation-overdue`) even when it still works.
 */
import { formatDuration } from '../../workspace/values.js';
import type { Auth, Check } from '../../workspace/model.js';
import { requestSignalOf } from '../attempt-abort.js';
import type { CheckKindRunner, CheckOutcome, CheckRunContext } from '../check-kind.js';
import { classifyStatus } from '../classify.js';
import { findEndpoint } from '../endpoint.js';
import { exchange } from '../request/exchange.js';
import type { RequestDeps } from '../request/request-deps.js';
import { loadTlsMaterial } from '../request/tls-material.js';
import { secretUnresolved, type AccessToken } from '../request/token-cache.js';
import { rotationStatus } from './rotation.js';

export type CredentialCheck = Extract<Check, { kind: 'credential' }>;

/**
 * @example
 *   const credential = createCredentialCheck(createRequestDeps());
 *   await credential.run({ id: 'idp-token', kind: 'credential' }, context);
 *   // → { class: 'ok', message: 'token minted, expires in 1h (2026-11-28T13:00:00.000Z)' }
 */
export function createCredentialCheck(deps: RequestDeps): CheckKindRunner<'credential'> {
  return new CredentialCheckRunner(deps);
}

/** A class, so that every registry's credential runner shares one `run` function (and the JIT's work on it). */
class CredentialCheckRunner implements CheckKindRunner<'credential'> {
  readonly kind = 'credential';
  readonly #deps: RequestDeps;

  constructor(deps: RequestDeps) {
    this.#deps = deps;
  }

  async run(check: CredentialCheck, context: CheckRunContext): Promise<CheckOutcome> {
    return withRotation(await verify(check, context, this.#deps), context);
  }
}

async function verify(
  check: CredentialCheck,
  context: CheckRunContext,
  deps: RequestDeps,
): Promise<CheckOutcome> {
  if (check.endpoint !== undefined) return verifyWithEndpoint(check.endpoint, context, deps);
  const auth = context.integration.auth;
  switch (auth.type) {
    case 'oauth2-client-credentials':
      return mintToken(auth, context, deps);
    case 'none':
      return { class: 'ok', message: 'no authentication configured' };
    default:
      return resolveOnly(auth, context);
  }
}

/** The declared cheap read: any 2xx proves the credential; 401/403 is `credential`. */
async function verifyWithEndpoint(
  id: string,
  context: CheckRunContext,
  deps: RequestDeps,
): Promise<CheckOutcome> {
  const found = findEndpoint(context.integration, id);
  if (!found.ok) return found.outcome;
  const endpoint = found.endpoint;
  // Only the status matters: the body is read to its end but not kept.
  const exchanged = await exchange({ integration: context.integration, endpoint }, context, deps, {
    keepBody: false,
  });
  if (!exchanged.ok) return exchanged.outcome;
  const { status, headers, latencyMs } = exchanged.response;
  const call = `${endpoint.method} ${endpoint.path}`;
  if (status < 200 || status >= 300) {
    const retryAfter = headers['retry-after'];
    const outcome = classifyStatus(status, {
      now: context.now(),
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
    return { ...outcome, latencyMs, message: `${call} answered ${outcome.message}` };
  }
  const token = exchanged.request.token;
  const tokenNote = token === undefined ? '' : `; ${describeToken(token, context.now())}`;
  return { class: 'ok', status, latencyMs, message: `authenticated ${call}: ${status}${tokenNote}` };
}

/** Always a fresh token (the cache is refreshed with it): the point is to prove the client works now. */
async function mintToken(
  auth: Extract<Auth, { type: 'oauth2-client-credentials' }>,
  context: CheckRunContext,
  deps: RequestDeps,
): Promise<CheckOutcome> {
  const tls = await loadTlsMaterial(context.integration, context);
  if (!tls.ok) return tls.outcome;
  const dispatcher = deps.agents.get(context.integration.id, tls.tls);
  const tokenContext = {
    now: context.now,
    signal: requestSignalOf(context),
    timeoutMs: context.timeoutMs,
    resolveSecret: context.resolveSecret,
    dispatcher,
  };
  const result = await deps.tokens.get(auth, tokenContext, { fresh: true });
  if (!result.ok) return result.outcome;
  return { class: 'ok', message: describeToken(result.token, context.now()) };
}

/** Without an endpoint only the secrets can be proven present; the message says how to do better. */
async function resolveOnly(
  auth: Exclude<Auth, { type: 'none' | 'oauth2-client-credentials' }>,
  context: CheckRunContext,
): Promise<CheckOutcome> {
  const refs =
    auth.type === 'api-key'
      ? [auth.key]
      : auth.type === 'bearer'
        ? [auth.token]
        : auth.type === 'basic'
          ? [auth.password]
          : [auth.certificate, auth.key];
  try {
    for (const ref of refs) await context.resolveSecret(ref);
  } catch (error) {
    return secretUnresolved(error);
  }
  return {
    class: 'ok',
    message: `${auth.type} credential resolves; declare \`endpoint:\` on the check to verify it against the API`,
  };
}

function describeToken(token: AccessToken, now: number): string {
  const verb = token.minted ? 'token minted' : 'cached token';
  if (token.expiresAt === undefined) return `${verb}, expiry not stated by the provider`;
  // Whole minutes read better than `3599s`; under a minute, seconds.
  const remaining = Math.max(0, token.expiresAt - now);
  const unit = remaining >= 60_000 ? 60_000 : 1000;
  const left = Math.round(remaining / unit) * unit;
  return `${verb}, expires in ${formatDuration(left)} (${new Date(token.expiresAt).toISOString()})`;
}

/** Adds the rotation verdict: overdue fails a working credential; anything else is said and passes. */
function withRotation(outcome: CheckOutcome, context: CheckRunContext): CheckOutcome {
  const policy = context.integration.auth.rotation;
  if (policy === undefined) return outcome;
  const rotation = rotationStatus(policy, context.now());
  if (rotation.state === 'overdue' && outcome.class === 'ok') {
    return {
      ...outcome,
      class: 'credential',
      errorCode: 'rotation-overdue',
      message: `${rotation.message}; ${outcome.message}`,
    };
  }
  if (rotation.state === 'ok' && outcome.class !== 'ok') return outcome;
  return { ...outcome, message: `${outcome.message}; ${rotation.message}` };
}
