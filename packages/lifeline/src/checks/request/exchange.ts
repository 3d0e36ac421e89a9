/**
 * One request/response exchange with an endpoint, as every HTTP-based check kind needs it: build, send, read
 * under the endpoint's size cap. Returns the response, or an outcome whose message has been scrubbed of every
 * secret the request carried. A 401 to an OAuth2 token drops the token from the cache, so the next run mints
 * a new one instead of failing until the cached one would have expired.
 */
import { requestSignalOf } from '../attempt-abort.js';
import type { CheckOutcome, CheckRunContext } from '../check-kind.js';
import { DEFAULT_MAX_RESPONSE_SIZE } from '../classify.js';
import { redactSecrets } from '../redact.js';
import { prepareRequestNow, type PreparedRequest, type RequestTarget } from './build-request.js';
import type { RequestDeps } from './request-deps.js';
import { sendRequest, type ReceivedResponse } from './send.js';

export interface ExchangeOptions {
  /** Keep the response body (default true); false when the caller judges only status and headers. */
  keepBody?: boolean;
}

export type Exchange =
  { ok: true; request: PreparedRequest; response: ReceivedResponse } | { ok: false; outcome: CheckOutcome };

/**
 * @example
 *   const exchanged = await exchange({ integration, endpoint, request: check.request }, context, deps);
 *   if (!exchanged.ok) return exchanged.outcome;
 *   exchanged.response.status; // 200
 */
export async function exchange(
  target: RequestTarget,
  context: CheckRunContext,
  deps: RequestDeps,
  options: ExchangeOptions = {},
): Promise<Exchange> {
  const preparing = prepareRequestNow(target, context, deps);
  const prepared = preparing instanceof Promise ? await preparing : preparing;
  if (!prepared.ok) return { ok: false, outcome: scrub(prepared.outcome, prepared.sensitive) };
  const request = prepared.request;
  const sent = await sendRequest(request, {
    signal: requestSignalOf(context),
    timeoutMs: context.timeoutMs,
    maxBytes: target.endpoint.maxResponseSize ?? DEFAULT_MAX_RESPONSE_SIZE,
    ...(options.keepBody === undefined ? {} : { keepBody: options.keepBody }),
  });
  if (!sent.ok) return { ok: false, outcome: scrub(withMtlsHint(sent.outcome, target), request.sensitive) };
  const auth = target.integration.auth;
  if (sent.response.status === 401 && auth.type === 'oauth2-client-credentials') deps.tokens.invalidate(auth);
  return { ok: true, request, response: sent.response };
}

/**
 * Under TLS 1.3 a server refusing our client certificate just closes the connection; Node cannot tell that
 * from a crash, so the class stays `unreachable`, but the message points at the likely cause.
 */
function withMtlsHint(outcome: CheckOutcome, target: RequestTarget): CheckOutcome {
  const closed = outcome.errorCode === 'UND_ERR_SOCKET' || outcome.errorCode === 'ECONNRESET';
  if (target.integration.auth.type !== 'mtls' || outcome.class !== 'unreachable' || !closed) return outcome;
  return {
    ...outcome,
    message: `${outcome.message}; with mTLS this often means the client certificate was refused`,
  };
}

/** The outcome with every sensitive value replaced in its message. */
export function scrub(outcome: CheckOutcome, sensitive: readonly string[]): CheckOutcome {
  return sensitive.length === 0
    ? outcome
    : { ...outcome, message: redactSecrets(outcome.message, sensitive) };
}
