/**
 * Applies an integration's authentication to one request: an API key in a header or the query, a bearer token,
 * HTTP Basic, or an OAuth2 client credentials token from the cache. (mTLS needs no header: its certificate goes
 * into the connection, see `tls-material.ts`.) Secrets are resolved here, at the moment of use, and every value
 * put on the wire is returned in `sensitive` so that messages can be scrubbed of it.
 */
import type { Auth } from '../../workspace/model.js';
import type { CheckOutcome } from '../check-kind.js';
import { secretUnresolved, type AccessToken, type TokenCache, type TokenContext } from './token-cache.js';

/** The parts of a request auth writes to; changed in place. */
export interface AuthTarget {
  headers: Record<string, string>;
  query: [string, string][];
}

export type AppliedAuth =
  | { ok: true; sensitive: string[]; token?: AccessToken }
  | { ok: false; outcome: CheckOutcome; sensitive: string[] };

/**
 * @example
 *   const applied = await applyAuth(integration.auth, { headers, query }, tokens, tokenContext);
 *   if (!applied.ok) return applied.outcome; // e.g. class `credential`, code `invalid_client`
 */
export async function applyAuth(
  auth: Auth,
  target: AuthTarget,
  tokens: TokenCache,
  context: TokenContext,
): Promise<AppliedAuth> {
  try {
    switch (auth.type) {
      case 'none':
      case 'mtls':
        return { ok: true, sensitive: [] };
      case 'api-key': {
        const key = await context.resolveSecret(auth.key);
        if (auth.in === 'header') setHeader(target.headers, auth.name, key);
        else target.query.push([auth.name, key]);
        return { ok: true, sensitive: [key] };
      }
      case 'bearer': {
        const token = await context.resolveSecret(auth.token);
        setHeader(target.headers, 'authorization', `Bearer ${token}`);
        return { ok: true, sensitive: [token] };
      }
      case 'basic': {
        const password = await context.resolveSecret(auth.password);
        const encoded = Buffer.from(`${auth.username}:${password}`, 'utf8').toString('base64');
        setHeader(target.headers, 'authorization', `Basic ${encoded}`);
        return { ok: true, sensitive: [password, encoded] };
      }
      case 'oauth2-client-credentials': {
        const result = await tokens.get(auth, context);
        if (!result.ok) return { ok: false, outcome: result.outcome, sensitive: [] };
        setHeader(target.headers, 'authorization', `Bearer ${result.token.value}`);
        return { ok: true, sensitive: [result.token.value], token: result.token };
      }
    }
  } catch (error) {
    // Only secret resolution throws here; its message names the reference, never a value.
    return { ok: false, outcome: secretUnresolved(error), sensitive: [] };
  }
}

/** Sets a header, replacing one a check declared under another letter case: auth always wins. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}
