/**
 * The `http` action: one request to, say, a feature-flag or deploy API; header secrets resolved at the moment of
 * use. Succeeds on an expected status (`expectStatus`, default any 2xx); anything else, or no answer before the
 * step's deadline, is a failed attempt the engine may retry.
 */
import { request } from 'undici';
import type { Step } from '../../workspace/model.js';
import { throwIfStopping, timeLeft, type ActionContext, type ActionOutcome } from './action-context.js';

type HttpAction = Pick<
  Extract<Step, { action: 'http' }>,
  'method' | 'url' | 'headers' | 'body' | 'expectStatus'
>;

/** A request without a step timeout is given this long. */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

export async function runHttp(action: HttpAction, context: ActionContext): Promise<ActionOutcome> {
  const headers: Record<string, string> = { 'user-agent': 'lifeline' };
  for (const [name, ref] of Object.entries(action.headers ?? {})) {
    try {
      headers[name.toLowerCase()] = await context.resolveSecret(ref);
    } catch (error) {
      return {
        outcome: 'failed',
        detail: `header ${name}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  let body: string | undefined;
  if (action.body !== undefined) {
    body = JSON.stringify(action.body);
    headers['content-type'] ??= 'application/json';
  }
  const timeoutMs = Math.max(1, timeLeft(context, DEFAULT_HTTP_TIMEOUT_MS));
  const signal = AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]);
  try {
    const response = await request(action.url, {
      method: action.method,
      headers,
      signal,
      ...(body !== undefined ? { body } : {}),
      ...(context.http ? { dispatcher: context.http } : {}),
    });
    await response.body.dump();
    const status = response.statusCode;
    const expected = action.expectStatus;
    const ok = expected ? expected.includes(status) : status >= 200 && status < 300;
    const detail = `${action.method} ${action.url} answered ${status}`;
    return ok
      ? { outcome: 'succeeded', detail }
      : { outcome: 'failed', detail: `${detail} (expected ${expected ? expected.join(', ') : '2xx'})` };
  } catch (error) {
    throwIfStopping(context.signal);
    if (signal.aborted)
      return {
        outcome: 'timed-out',
        detail: `${action.method} ${action.url}: no answer within ${Math.round(timeoutMs / 1000)} s`,
      };
    return {
      outcome: 'failed',
      detail: `${action.method} ${action.url}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
