/**
 * One JSON POST to a receiver, with the answer turned into what the dispatcher needs: a 2xx is delivered; 408,
 * 425, 429 and 5xx are worth retrying (with the receiver's `Retry-After` when it gave one); any other status is
 * final; a network error or a timeout is retried.
 */
import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../checks/classify.js';
import { NonRetriableError, RetryAfterError } from '../errors.js';

/** Longest a delivery may take before it counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 200;

export interface PostResult {
  status: number;
  response: string;
}

export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: { signal: AbortSignal; now: () => number; timeoutMs?: number; what: string; http?: Dispatcher },
): Promise<PostResult> {
  const signal = AbortSignal.any([
    options.signal,
    AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
  ]);
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'lifeline', ...headers },
    body,
    signal,
    ...(options.http ? { dispatcher: options.http } : {}),
  });
  const text = (await response.body.text()).slice(0, EXCERPT_CHARS);
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { status, response: text };
  const detail = `${options.what} answered ${status}${text ? `: ${text}` : ''}`;
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const header = response.headers['retry-after'];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, options.now());
    if (retryAfterMs !== undefined) throw new RetryAfterError(detail, retryAfterMs);
    throw new Error(detail);
  }
  throw new NonRetriableError(detail);
}
