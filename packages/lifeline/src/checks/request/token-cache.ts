/**
 * OAuth2 client credentials tokens, minted at the token URL and reused until shortly before they expire, so
 * that checks every 15 s do not hammer the identity provider (and its rate limits) for a token each time.
 * Concurrent checks needing the same token share one mint. The client secret is resolved only when minting.
 * Expiry is judged on the caller's clock (`now`), so tests move time instead of waiting.
 */
import type { Dispatcher } from 'undici';
import type { SecretReference } from '../../workspace/values.js';
import type { RequestSignal } from '../attempt-abort.js';
import type { CheckOutcome } from '../check-kind.js';
import { readTokenAnswer, tokenRequest, type OAuth2ClientCredentials } from './oauth-token-request.js';
import { sendRequest } from './send.js';

/** A usable access token. */
export interface AccessToken {
  /** The token itself: a secret, never to be put in a message. */
  value: string;
  /** Epoch ms when the provider said it expires; absent when it did not say. */
  expiresAt?: number;
  mintedAt: number;
  /** True when this call minted it, false when it came from the cache. */
  minted: boolean;
  scope?: string;
}

export type TokenResult = { ok: true; token: AccessToken } | { ok: false; outcome: CheckOutcome };

/** What minting needs from the check run. */
export interface TokenContext {
  now: () => number;
  /** Aborts the token request: an AbortSignal, or the check attempt's cheaper handle (`attempt-abort.ts`). */
  signal: RequestSignal;
  timeoutMs: number;
  resolveSecret: (ref: SecretReference) => Promise<string>;
  /** The integration's agent, so the token URL is reached with its TLS settings. */
  dispatcher: Dispatcher;
}

export interface TokenCacheOptions {
  /** Renew this long before expiry at most (default 30 s); never more than a tenth of the lifetime. */
  refreshBeforeMs?: number;
  /** How long to reuse a token whose answer had no `expires_in` (default 60 s). */
  unknownLifetimeMs?: number;
}

/** Token answers are small; anything bigger is not a token endpoint. */
const MAX_TOKEN_RESPONSE_BYTES = 1_000_000;

interface CachedToken {
  token: AccessToken;
  /** Epoch ms after which the token is minted again. */
  renewAt: number;
}

export class TokenCache {
  readonly #tokens = new Map<string, CachedToken>();
  readonly #minting = new Map<string, Promise<TokenResult>>();
  readonly #refreshBeforeMs: number;
  readonly #unknownLifetimeMs: number;

  constructor(options: TokenCacheOptions = {}) {
    this.#refreshBeforeMs = options.refreshBeforeMs ?? 30_000;
    this.#unknownLifetimeMs = options.unknownLifetimeMs ?? 60_000;
  }

  /**
   * A token for `auth`: the cached one while it is fresh, else a new one. `fresh: true` always mints (the
   * credential check proves the client still works) and caches the result.
   */
  async get(
    auth: OAuth2ClientCredentials,
    context: TokenContext,
    options: { fresh?: boolean } = {},
  ): Promise<TokenResult> {
    const key = cacheKey(auth);
    const cached = this.#tokens.get(key);
    if (options.fresh !== true && cached !== undefined && context.now() < cached.renewAt) {
      return { ok: true, token: { ...cached.token, minted: false } };
    }
    const inFlight = this.#minting.get(key);
    if (inFlight !== undefined) return inFlight;
    const minting = this.#mint(key, auth, context).finally(() => this.#minting.delete(key));
    this.#minting.set(key, minting);
    return minting;
  }

  /** Forgets the token for `auth`, e.g. after the API answered 401 to it. */
  invalidate(auth: OAuth2ClientCredentials): void {
    this.#tokens.delete(cacheKey(auth));
  }

  /** How many tokens are cached. */
  get size(): number {
    return this.#tokens.size;
  }

  async #mint(key: string, auth: OAuth2ClientCredentials, context: TokenContext): Promise<TokenResult> {
    let secret: string;
    try {
      secret = await context.resolveSecret(auth.clientSecret);
    } catch (error) {
      return { ok: false, outcome: secretUnresolved(error) };
    }
    const { headers, body } = tokenRequest(auth, secret);
    let url: URL;
    try {
      url = new URL(auth.tokenUrl);
    } catch {
      return {
        ok: false,
        outcome: { class: 'assertion', errorCode: 'token-url-invalid', message: 'tokenUrl is not a URL' },
      };
    }
    const sent = await sendRequest(
      { method: 'POST', url, headers, body, dispatcher: context.dispatcher },
      { signal: context.signal, timeoutMs: context.timeoutMs, maxBytes: MAX_TOKEN_RESPONSE_BYTES },
    );
    if (!sent.ok)
      return { ok: false, outcome: { ...sent.outcome, message: `token endpoint: ${sent.outcome.message}` } };
    const mintedAt = context.now();
    const answer = readTokenAnswer(sent.response, mintedAt);
    if (!answer.ok) return answer;
    const { accessToken, expiresIn, scope } = answer.token;
    const lifetimeMs = expiresIn === undefined ? undefined : expiresIn * 1000;
    const token: AccessToken = {
      value: accessToken,
      mintedAt,
      minted: true,
      ...(lifetimeMs === undefined ? {} : { expiresAt: mintedAt + lifetimeMs }),
      ...(scope === undefined ? {} : { scope }),
    };
    const renewAt =
      lifetimeMs === undefined
        ? mintedAt + this.#unknownLifetimeMs
        : mintedAt + lifetimeMs - Math.min(this.#refreshBeforeMs, lifetimeMs / 10);
    this.#tokens.set(key, { token, renewAt });
    return { ok: true, token };
  }
}

/** Everything that changes which token is issued; the secret is not part of it (never kept). */
function cacheKey(auth: OAuth2ClientCredentials): string {
  return JSON.stringify([
    auth.tokenUrl,
    auth.clientId,
    [...(auth.scopes ?? [])].sort(),
    auth.audience ?? '',
    auth.clientAuth ?? 'basic',
  ]);
}

/** A secret that cannot be resolved: the resolver's message names the reference, never a value. */
export function secretUnresolved(error: unknown): CheckOutcome {
  const reason = error instanceof Error ? error.message : 'the secret cannot be resolved';
  return { class: 'credential', errorCode: 'secret-unresolved', message: `secret unavailable: ${reason}` };
}
