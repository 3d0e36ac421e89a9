/**
 * Failure classes from what the network and the vendor said: transport errors (DNS, refused, reset, TLS,
 * timeouts), HTTP statuses (401/403 credential, 429 rate-limited with Retry-After, 5xx, other 4xx), latency
 * thresholds, and the body problems every kind shares (too large, not JSON). One place, so that an `http`,
 * `schema` and `credential` check of the same endpoint name the same failure the same way.
 *
 * Choice on latency: above `degradedLatency` the class is `slow` (code `latency-degraded`); above `maxLatency`
 * it is also `slow`, not `timeout`, because the response did arrive — `timeout` is kept for "no response at
 * all", which playbooks treat as an outage. The two are told apart by the message and by the error code
 * (`latency-max-exceeded`), which is part of the failure signature, so they group as different incidents.
 */
import { formatDuration } from '../workspace/values.js';
import type { CheckOutcome } from './check-kind.js';

/** Largest response body read when the endpoint declares no `maxResponseSize`: 5MB. */
export const DEFAULT_MAX_RESPONSE_SIZE = 5_000_000;

/** What a transport error message may mention. */
export interface TransportErrorContext {
  /** The timeout that was applied, for "no response within 5s". */
  timeoutMs: number;
}

const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  EAI_FAIL: 'DNS lookup failed',
  EAI_NONAME: 'DNS lookup failed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EHOSTDOWN: 'host down',
  EPIPE: 'connection closed by the server while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
};

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ABORT_ERR',
]);

/** Node and OpenSSL codes of a failed certificate verification or handshake. */
const TLS_CODE =
  /^(CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH|EPROTO$)/;

/** The server refused our client certificate (mTLS): the credential failed, not the server's TLS. */
const CLIENT_CERT_REFUSED =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|ACCESS_DENIED|CERTIFICATE_UNKNOWN)$/;

/** The request could not even be built (bad header value, bad URL): a configuration problem. */
const REQUEST_INVALID_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
]);

interface ErrorFacts {
  code?: string;
  message: string;
  name?: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** Every error in the chain: the error itself, its `cause`s and an AggregateError's `errors`. */
function errorChain(error: unknown): ErrorFacts[] {
  const facts: ErrorFacts[] = [];
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && facts.length < 16) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    facts.push({
      ...(typeof record.code === 'string' ? { code: record.code } : {}),
      message: typeof record.message === 'string' ? record.message : String(current),
      ...(typeof record.name === 'string' ? { name: record.name } : {}),
      ...(typeof record.hostname === 'string' ? { hostname: record.hostname } : {}),
      ...(typeof record.address === 'string' ? { address: record.address } : {}),
      ...(typeof record.port === 'number' ? { port: record.port } : {}),
    });
    queue.push(record.cause);
    if (Array.isArray(record.errors)) queue.push(...(record.errors as unknown[]));
  }
  return facts;
}

/** The most telling low-level code in an error chain (e.g. `ECONNREFUSED` inside undici's wrapper). */
export function errorCodeOf(error: unknown): string | undefined {
  const chain = errorChain(error);
  const codes = chain.map((f) => f.code).filter((c): c is string => c !== undefined);
  return (
    codes.find((c) => TLS_CODE.test(c)) ??
    codes.find((c) => c in UNREACHABLE_CODES && c !== 'UND_ERR_SOCKET') ??
    codes.find((c) => TIMEOUT_CODES.has(c)) ??
    codes[0]
  );
}

/**
 * Classifies an error thrown while connecting, sending or reading a response.
 * @example
 *   classifyTransportError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), { timeoutMs: 5000 })
 *   // → { class: 'unreachable', errorCode: 'ECONNREFUSED', message: 'connection refused' }
 */
export function classifyTransportError(error: unknown, context: TransportErrorContext): CheckOutcome {
  const chain = errorChain(error);
  const code = errorCodeOf(error);
  const fact = chain.find((f) => f.code === code) ?? chain[0];
  if (code !== undefined && TLS_CODE.test(code)) {
    const reason = fact?.message ?? code;
    if (CLIENT_CERT_REFUSED.test(code)) {
      return {
        class: 'credential',
        errorCode: code,
        message: `the server refused the client certificate: ${reason}`,
      };
    }
    return { class: 'tls', errorCode: code, message: `TLS handshake failed: ${reason}` };
  }
  if (code !== undefined && code in UNREACHABLE_CODES) {
    return {
      class: 'unreachable',
      errorCode: code,
      message: `${UNREACHABLE_CODES[code]}${where(fact)} (${code})`,
    };
  }
  const timedOut =
    (code !== undefined && TIMEOUT_CODES.has(code)) ||
    chain.some((f) => f.name === 'AbortError' || f.name === 'TimeoutError');
  if (timedOut) {
    const message = `no response within ${formatDuration(context.timeoutMs)}`;
    return code === undefined
      ? { class: 'timeout', message }
      : { class: 'timeout', errorCode: code, message };
  }
  if (code !== undefined && REQUEST_INVALID_CODES.has(code)) {
    return {
      class: 'assertion',
      errorCode: code,
      message: `the request could not be sent: ${fact?.message ?? code}`,
    };
  }
  const message = `request failed: ${fact?.message ?? 'unknown error'}`;
  return code === undefined
    ? { class: 'unreachable', message }
    : { class: 'unreachable', errorCode: code, message };
}

function where(fact: ErrorFacts | undefined): string {
  if (fact?.hostname !== undefined) return ` for ${fact.hostname}`;
  if (fact?.address !== undefined)
    return ` by ${fact.address}${fact.port === undefined ? '' : `:${fact.port}`}`;
  return '';
}

/**
 * Parses `Retry-After` (delay-seconds or an HTTP date, RFC 9110 §10.2.3) into milliseconds from `now`.
 * Returns undefined when the header is absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies a status that is not one the check accepts. */
export function classifyStatus(
  status: number,
  options: { retryAfter?: string; now: number; expected?: readonly number[] },
): CheckOutcome {
  if (status === 401) return { class: 'credential', status, message: '401: the credential was refused' };
  if (status === 403) return { class: 'credential', status, message: '403: the credential lacks permission' };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(options.retryAfter, options.now);
    if (retryAfterMs === undefined) return { class: 'rate-limited', status, message: '429: rate limited' };
    const message = `429: rate limited, retry after ${formatDuration(retryAfterMs)}`;
    return { class: 'rate-limited', status, retryAfterMs, message };
  }
  if (status >= 500) return { class: 'server-error', status, message: `${status}: server error` };
  const wanted = options.expected === undefined ? '2xx' : options.expected.join(', ');
  return { class: 'client-error', status, message: `unexpected status ${status} (expected ${wanted})` };
}

/** True for the statuses a check accepts: the declared list, else any 2xx. */
export function statusAccepted(status: number, expected: readonly number[] | undefined): boolean {
  return expected === undefined ? status >= 200 && status < 300 : expected.includes(status);
}

/** `slow` when the response came later than the degraded or the maximum threshold; undefined otherwise. */
export function classifyLatency(
  latencyMs: number,
  thresholds: { maxLatency?: number; degradedLatency?: number },
): CheckOutcome | undefined {
  const took = formatDuration(Math.round(latencyMs));
  if (thresholds.maxLatency !== undefined && latencyMs > thresholds.maxLatency) {
    const limit = formatDuration(thresholds.maxLatency);
    return {
      class: 'slow',
      errorCode: 'latency-max-exceeded',
      message: `took ${took}, exceeded maxLatency ${limit}`,
    };
  }
  if (thresholds.degradedLatency !== undefined && latencyMs > thresholds.degradedLatency) {
    const limit = formatDuration(thresholds.degradedLatency);
    return {
      class: 'slow',
      errorCode: 'latency-degraded',
      message: `took ${took}, above degradedLatency ${limit}`,
    };
  }
  return undefined;
}

/** The body was larger than the endpoint allows; nothing of it is kept. */
export function bodyTooLarge(limit: number, size?: number): CheckOutcome {
  const seen = size === undefined ? 'more' : `${size} bytes`;
  return {
    class: 'assertion',
    errorCode: 'response-too-large',
    message: `response body too large: ${seen}, the limit is ${limit} bytes (endpoint maxResponseSize)`,
  };
}

/** A JSON body was expected and something else came. */
export function notJson(contentType: string | undefined, size: number): CheckOutcome {
  const type = contentType === undefined ? 'no content-type' : `content-type ${contentType.split(';')[0]}`;
  const what = size === 0 ? 'an empty body' : `a ${size}-byte body that is not JSON`;
  return {
    class: 'assertion',
    errorCode: 'body-not-json',
    message: `expected a JSON body, got ${what} (${type})`,
  };
}
