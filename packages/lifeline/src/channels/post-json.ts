/**
 * One JSON request to a receiver, with the answer turned into what the dispatcher needs: a 2xx is delivered; 408,
 * 425, 429 and 5xx are worth retrying (with the receiver's `Retry-After` when it gave one); any other status is
 * final, with the reason named; a network error or a timeout is retried. Secret values the sender passes in
 * `redact` are cut out of every error message, since receivers sometimes echo what they were sent.
 */
import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../checks/classify.js';
import { NonRetriableError, RetryAfterError } from '../errors.js';
import { formatDuration } from '../workspace/values.js';

/** Longest a delivery may take before it counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

export interface PostResult {
  status: number;
  response: string;
  /** The parsed answer when it was JSON (e.g. the issue a tracker created). */
  json?: unknown;
}

export interface SendOptions {
  signal: AbortSignal;
  now: () => number;
  timeoutMs?: number;
  /** Who is asked, for messages: `slack channel ops`. Never a URL (it may hold a secret). */
  what: string;
  http?: Dispatcher;
  /** Secret values never to repeat in an error message. */
  redact?: readonly string[];
}

/** Why a final status is final, in words a responder understands. */
const REASONS: Record<number, string> = {
  400: 'the receiver refused the request as invalid',
  401: 'the credential was refused',
  403: 'the credential lacks permission',
  404: 'not found: check the URL, project or repository',
  410: 'gone: the channel or hook was removed',
  413: 'the message is too large',
  422: 'the receiver could not process the request',
};

/** Replaces every secret value in `text`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('<redacted>');
  return out;
}

function reasonOf(status: number): string {
  return REASONS[status] ?? 'the receiver refused the request';
}

/** The error for a receiver that never answered: the caller's abort as it is, else a retriable error. */
function unreachable(error: unknown, timeout: AbortSignal, ms: number, options: SendOptions): unknown {
  if (options.signal.aborted) return error;
  if (timeout.aborted) {
    return new Error(`${options.what} did not answer within ${formatDuration(ms)}`, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new Error(`${options.what} could not be reached: ${redactSecrets(detail, options.redact)}`, {
    cause: error,
  });
}

export async function sendJson(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
  options: SendOptions,
): Promise<PostResult> {
  const ms = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(ms);
  const signal = AbortSignal.any([options.signal, timeout]);
  let status: number;
  let text: string;
  let retryAfter: string | undefined;
  try {
    const response = await request(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        'user-agent': 'lifeline',
        ...headers,
      },
      ...(body !== undefined ? { body } : {}),
      signal,
      ...(options.http ? { dispatcher: options.http } : {}),
    });
    text = await response.body.text();
    status = response.statusCode;
    const header = response.headers['retry-after'];
    retryAfter = Array.isArray(header) ? header[0] : header;
  } catch (error) {
    throw unreachable(error, timeout, ms, options);
  }
  const excerpt = redactSecrets(text.slice(0, EXCERPT_CHARS), options.redact);
  if (status >= 200 && status < 300) {
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    return { status, response: excerpt, ...(json !== undefined ? { json } : {}) };
  }
  const detail = `${options.what} answered ${status}`;
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const message = `${detail}${excerpt ? `: ${excerpt}` : ''}`;
    const retryAfterMs = parseRetryAfter(retryAfter, options.now());
    if (retryAfterMs !== undefined) throw new RetryAfterError(message, retryAfterMs);
    throw new Error(message);
  }
  throw new NonRetriableError(`${detail} (${reasonOf(status)})${excerpt ? `: ${excerpt}` : ''}`);
}

/** A JSON POST, the common case. */
export function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: SendOptions,
): Promise<PostResult> {
  return sendJson('POST', url, body, headers, options);
}

/** The options every sender passes on from its delivery context. */
export function sendOptions(
  context: {
    signal: AbortSignal;
    now: () => number;
    http?: Dispatcher;
    timeoutMs?: number;
  },
  what: string,
  redact: readonly string[] = [],
): SendOptions {
  return {
    signal: context.signal,
    now: context.now,
    what,
    redact,
    ...(context.http ? { http: context.http } : {}),
    ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
  };
}

/** Checks a URL that came from a secret; a bad one is final, and the error never shows it. */
export function secretUrl(url: string, what: string): URL {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed;
  } catch {
    // reported below without the value
  }
  throw new NonRetriableError(`${what}: the secret does not hold an http(s) URL`);
}
