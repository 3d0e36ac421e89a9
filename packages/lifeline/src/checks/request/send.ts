/**
 * Sends one HTTP request with undici and reads the whole response body under a size cap. Transport errors are
 * classified here, so callers get either a response or a `CheckOutcome`, never an exception. Latency is the
 * time from sending to the last body byte: what a caller of the vendor waits for.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { RequestSignal } from '../attempt-abort.js';
import type { CheckOutcome } from '../check-kind.js';
import { bodyTooLarge, classifyTransportError } from '../classify.js';

/** A request ready to go on the wire. */
export interface OutgoingRequest {
  method: Dispatcher.HttpMethod;
  url: URL;
  /** `url`'s origin and path with query, when the caller has them at hand (saves taking the URL apart). */
  origin?: string;
  path?: string;
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
}

/** A response read in full; header names are lower case, repeated headers joined with `, `. */
export interface ReceivedResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** The body; empty when the caller said it would not look at it (`keepBody: false`). */
  body: Buffer;
  latencyMs: number;
}

export type SendResult = { ok: true; response: ReceivedResponse } | { ok: false; outcome: CheckOutcome };

export interface SendOptions {
  /** An AbortSignal, or a check attempt's cheaper `AttemptAbort` (see `attempt-abort.ts`). */
  signal: RequestSignal;
  /** For the message of a timeout. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /**
   * Keep the body (default true). When false it is still read to the end — latency is to the last byte, and
   * the size cap applies — but not kept: for checks that judge only the status and headers.
   */
  keepBody?: boolean;
}

type ResponseBody = Dispatcher.ResponseData['body'];

const NO_BODY = Buffer.alloc(0);

/**
 * @example
 *   const sent = await sendRequest({ method: 'GET', url, headers: {}, dispatcher }, { signal, timeoutMs, maxBytes });
 *   if (sent.ok) console.log(sent.response.status, sent.response.latencyMs);
 */
export async function sendRequest(outgoing: OutgoingRequest, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  let response: Dispatcher.ResponseData;
  try {
    // The dispatcher's own `request`: undici's top-level `request(url, …)` would take the URL apart again.
    response = await outgoing.dispatcher.request({
      origin: outgoing.origin ?? outgoing.url.origin,
      path: outgoing.path ?? `${outgoing.url.pathname}${outgoing.url.search}`,
      method: outgoing.method,
      headers: outgoing.headers,
      body: outgoing.body ?? null,
      signal: options.signal,
    });
  } catch (error) {
    return { ok: false, outcome: classifyTransportError(error, options) };
  }
  const headers = flattenHeaders(response.headers);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    discard(response.body);
    return {
      ok: false,
      outcome: { ...bodyTooLarge(options.maxBytes, declared), status: response.statusCode },
    };
  }
  const read = await readCapped(response.body, options.maxBytes, options.keepBody !== false);
  if (!read.ok) {
    const outcome = read.tooLarge
      ? bodyTooLarge(options.maxBytes)
      : classifyTransportError(read.error, options);
    return { ok: false, outcome: { ...outcome, status: response.statusCode } };
  }
  const latencyMs = performance.now() - started;
  return { ok: true, response: { status: response.statusCode, headers, body: read.body, latencyMs } };
}

type ReadResult = { ok: true; body: Buffer } | { ok: false; tooLarge: boolean; error?: unknown };

/**
 * Reads the body to its end under the cap, with plain stream events: an async iterator costs a promise per
 * chunk and a stream-finished watcher per body, which shows at thousands of checks a second.
 */
function readCapped(body: ResponseBody, maxBytes: number, keep: boolean): Promise<ReadResult> {
  return new Promise<ReadResult>((resolveRead) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: ReadResult): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      resolveRead(result);
    };
    const onData = (chunk: Buffer | Uint8Array): void => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      if (size > maxBytes) {
        // Stop downloading at once: a runaway body must not cost memory or time.
        finish({ ok: false, tooLarge: true });
        discard(body);
        return;
      }
      if (keep) chunks.push(buffer);
    };
    const onEnd = (): void => {
      const whole = !keep ? NO_BODY : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      finish({ ok: true, body: whole });
    };
    const onError = (error: unknown): void => {
      finish({ ok: false, tooLarge: false, error });
      discard(body);
    };
    // Closed before its end without an error: the connection went away mid-body.
    const onClose = (): void => onError(prematureClose());
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Drops a body unread; undici reports the abort as an error event, which nobody needs to hear. */
function discard(body: ResponseBody): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** undici already gives lower-case names; only repeated headers (arrays) need joining, so most pass as they are. */
function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  let plain = true;
  for (const name in headers) {
    if (typeof headers[name] !== 'string' || name.toLowerCase() !== name) {
      plain = false;
      break;
    }
  }
  if (plain) return headers as Record<string, string>;
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
