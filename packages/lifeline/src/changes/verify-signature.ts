/**
 * Checks that an inbound webhook comes from who holds the shared secret and is fresh, so a change cannot be
 * forged or an old request replayed. Lifeline's own scheme is the one its webhook channel sends
 * (`X-Lifeline-Timestamp: <unix seconds>`, `X-Lifeline-Signature: sha256=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">`), so one Lifeline can record changes in another; GitHub's is `X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256 of the body>`. Signatures are compared in constant time; the clock is injected.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;

export type SignatureFailure =
  'missing-signature' | 'missing-timestamp' | 'malformed-timestamp' | 'stale-timestamp' | 'bad-signature';

export type SignatureVerdict = { ok: true } | { ok: false; failure: SignatureFailure; message: string };

export interface LifelineSignedRequest {
  /** The body exactly as received (the signature covers these bytes). */
  body: string;
  /** `X-Lifeline-Timestamp`: unix seconds. */
  timestamp?: string | undefined;
  /** `X-Lifeline-Signature`: `sha256=<hex>`. */
  signature?: string | undefined;
}

export interface VerifyOptions {
  secret: string;
  now: () => number;
  /** How far the timestamp may be from now, either way (clock skew), ms. Default 5 minutes. */
  replayWindowMs?: number;
}

/**
 * @example
 *   verifyLifelineSignature({ body, timestamp: '1767225600', signature: 'sha256=…' }, { secret, now: Date.now })
 *   // → { ok: true } or { ok: false, failure: 'stale-timestamp', message: '…' }
 */
export function verifyLifelineSignature(
  request: LifelineSignedRequest,
  options: VerifyOptions,
): SignatureVerdict {
  const { timestamp, signature, body } = request;
  if (signature === undefined || signature === '') {
    return fail('missing-signature', 'the request has no X-Lifeline-Signature header');
  }
  if (timestamp === undefined || timestamp === '') {
    return fail('missing-timestamp', 'the request has no X-Lifeline-Timestamp header');
  }
  if (!/^[0-9]{1,12}$/.test(timestamp)) {
    return fail('malformed-timestamp', 'X-Lifeline-Timestamp is not a unix time in seconds');
  }
  // The signature first: an unsigned request learns nothing about the clock.
  if (!signatureMatches(signature, options.secret, `${timestamp}.${body}`)) {
    return fail('bad-signature', 'the signature does not match the body and timestamp');
  }
  const window = options.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS;
  const skew = Math.abs(options.now() - Number(timestamp) * 1000);
  if (skew > window) {
    return fail(
      'stale-timestamp',
      `the timestamp is ${Math.round(skew / 1000)} s away from now, outside the replay window of ${Math.round(window / 1000)} s`,
    );
  }
  return { ok: true };
}

/** GitHub's `X-Hub-Signature-256` over the raw body (GitHub sends no timestamp; deliveries are idempotent). */
export function verifyGithubSignature(
  body: string,
  signature: string | undefined,
  secret: string,
): SignatureVerdict {
  if (signature === undefined || signature === '') {
    return fail('missing-signature', 'the request has no X-Hub-Signature-256 header');
  }
  if (!signatureMatches(signature, secret, body)) {
    return fail('bad-signature', 'the signature does not match the body');
  }
  return { ok: true };
}

/** `sha256=<hex HMAC-SHA256 of message>`, as the headers carry it. */
export function signMessage(secret: string, message: string): string {
  return `sha256=${createHmac('sha256', secret).update(message).digest('hex')}`;
}

function signatureMatches(header: string, secret: string, message: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(message).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function fail(failure: SignatureFailure, message: string): SignatureVerdict {
  return { ok: false, failure, message };
}
