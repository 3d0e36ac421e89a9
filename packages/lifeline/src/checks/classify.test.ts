// Failure classes from transport errors, statuses, Retry-After and latency: one case per rule in classify.ts.
import { describe, expect, it } from 'vitest';
import {
  bodyTooLarge,
  classifyLatency,
  classifyStatus,
  classifyTransportError,
  errorCodeOf,
  notJson,
  parseRetryAfter,
  statusAccepted,
} from './classify.js';

const coded = (code: string, message = code, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });
const ctx = { timeoutMs: 5000 };

describe('classifyTransportError', () => {
  it.each([
    ['ENOTFOUND', 'unreachable'],
    ['EAI_AGAIN', 'unreachable'],
    ['ECONNREFUSED', 'unreachable'],
    ['ECONNRESET', 'unreachable'],
    ['EHOSTUNREACH', 'unreachable'],
    ['UND_ERR_SOCKET', 'unreachable'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_ABORTED', 'timeout'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'credential'],
    ['UND_ERR_INVALID_ARG', 'assertion'],
  ])('%s → %s', (code, expected) => {
    const outcome = classifyTransportError(coded(code), ctx);
    expect(outcome.class).toBe(expected);
    expect(outcome.errorCode).toBe(code);
  });

  it('finds the system code inside wrappers and aggregate errors', () => {
    const refused = coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', {
      address: '127.0.0.1',
      port: 9,
    });
    const wrapped = new TypeError('fetch failed', {
      cause: new AggregateError([refused, coded('ECONNREFUSED')]),
    });
    const outcome = classifyTransportError(wrapped, ctx);
    expect(outcome).toMatchObject({ class: 'unreachable', errorCode: 'ECONNREFUSED' });
    expect(outcome.message).toBe('connection refused by 127.0.0.1:9 (ECONNREFUSED)');
  });

  it('prefers a TLS code over the socket error wrapping it', () => {
    const error = coded('UND_ERR_SOCKET', 'other side closed', {
      cause: coded('CERT_HAS_EXPIRED', 'certificate has expired'),
    });
    expect(errorCodeOf(error)).toBe('CERT_HAS_EXPIRED');
    expect(classifyTransportError(error, ctx).message).toBe('TLS handshake failed: certificate has expired');
  });

  it('names the host of a DNS failure', () => {
    const outcome = classifyTransportError(
      coded('ENOTFOUND', 'getaddrinfo ENOTFOUND nope.invalid', { hostname: 'nope.invalid' }),
      ctx,
    );
    expect(outcome.message).toBe('DNS lookup failed for nope.invalid (ENOTFOUND)');
  });

  it('aborts and timeouts without a code are timeouts with the applied limit', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    expect(classifyTransportError(abort, ctx)).toEqual({
      class: 'timeout',
      message: 'no response within 5s',
    });
    const timeout = new DOMException('signal timed out', 'TimeoutError');
    expect(classifyTransportError(timeout, { timeoutMs: 250 }).class).toBe('timeout');
  });

  it('an unknown error is unreachable and says what happened', () => {
    expect(classifyTransportError(new Error('boom'), ctx)).toEqual({
      class: 'unreachable',
      message: 'request failed: boom',
    });
    expect(classifyTransportError('weird', ctx).class).toBe('unreachable');
  });
});

describe('classifyStatus', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it.each([
    [401, 'credential'],
    [403, 'credential'],
    [429, 'rate-limited'],
    [500, 'server-error'],
    [503, 'server-error'],
    [400, 'client-error'],
    [404, 'client-error'],
    [200, 'client-error'],
  ])('%i → %s', (status, expected) => {
    expect(classifyStatus(status, { now, expected: [201] })).toMatchObject({ class: expected, status });
  });

  it('429 carries Retry-After in ms, from seconds or an HTTP date', () => {
    expect(classifyStatus(429, { now, retryAfter: '7' })).toMatchObject({ retryAfterMs: 7000 });
    const date = new Date(now + 90_000).toUTCString();
    expect(classifyStatus(429, { now, retryAfter: date })).toMatchObject({ retryAfterMs: 90_000 });
    expect(classifyStatus(429, { now })).not.toHaveProperty('retryAfterMs');
  });

  it('says which statuses were expected', () => {
    expect(classifyStatus(404, { now }).message).toBe('unexpected status 404 (expected 2xx)');
    expect(classifyStatus(200, { now, expected: [201, 202] }).message).toBe(
      'unexpected status 200 (expected 201, 202)',
    );
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it('reads delay-seconds and HTTP dates; a past date is 0; garbage is undefined', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('latency and bodies', () => {
  it('degraded and max latency are both slow, told apart by code and message', () => {
    const thresholds = { degradedLatency: 800, maxLatency: 3000 };
    expect(classifyLatency(500, thresholds)).toBeUndefined();
    expect(classifyLatency(900, thresholds)).toMatchObject({ class: 'slow', errorCode: 'latency-degraded' });
    const over = classifyLatency(3200, thresholds);
    expect(over).toMatchObject({ class: 'slow', errorCode: 'latency-max-exceeded' });
    expect(over?.message).toBe('took 3200ms, exceeded maxLatency 3s');
  });

  it('accepts the declared statuses, else any 2xx', () => {
    expect(statusAccepted(204, undefined)).toBe(true);
    expect(statusAccepted(301, undefined)).toBe(false);
    expect(statusAccepted(404, [404])).toBe(true);
    expect(statusAccepted(200, [201])).toBe(false);
  });

  it('too large and not JSON are assertions with a message', () => {
    expect(bodyTooLarge(1000, 2000)).toMatchObject({ class: 'assertion', errorCode: 'response-too-large' });
    expect(bodyTooLarge(1000).message).toContain('limit is 1000 bytes');
    expect(notJson('text/html; charset=utf-8', 12)).toMatchObject({
      class: 'assertion',
      errorCode: 'body-not-json',
    });
    expect(notJson(undefined, 0).message).toBe('expected a JSON body, got an empty body (no content-type)');
  });
});
