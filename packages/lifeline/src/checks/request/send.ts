/**
 * Sends one HTTP request with undici and reads the whole response body under a size cap. Transport errors are
 * classified here, so callers get either a response or a `CheckOutcome`, never an exception. Latency is the
 * time from sending to the last body byte: what a caller of the vendor waits for.
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import type { CheckOutcome } from '../check-kind.js';
import { bodyTooLarge, classifyTransportError } from '../classify.js';

/** A request ready to go on the wire. */
export interface OutgoingRequest {
  method: Dispatcher.HttpMethod;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
}

/** A response read in full; header names are lower case, repeated headers joined with `, `. */
export interface ReceivedResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  latencyMs: number;
}

export type SendResult = { ok: true; response: ReceivedResponse } | { ok: false; outcome: CheckOutcome };

export interface SendOptions {
  signal: AbortSignal;
  /** For the message of a timeout. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

/**
 * @example
 *   const sent = await sendRequest({ method: 'GET', url, headers: {}, dispatcher }, { signal, timeoutMs, maxBytes });
 *   if (sent.ok) console.log(sent.response.status, sent.response.latencyMs);
 */
export async function sendRequest(outgoing: OutgoingRequest, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  let response: Dispatcher.ResponseData;
  try {
    response = await request(outgoing.url, {
      method: outgoing.method,
      headers: outgoing.headers,
      body: outgoing.body ?? null,
      dispatcher: outgoing.dispatcher,
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
  const read = await readCapped(response.body, options.maxBytes);
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

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > maxBytes) {
        // Stop downloading at once: a runaway body must not cost memory or time.
        discard(body);
        return { ok: false, tooLarge: true };
      }
      chunks.push(buffer);
    }
  } catch (error) {
    discard(body);
    return { ok: false, tooLarge: false, error };
  }
  return { ok: true, body: Buffer.concat(chunks, size) };
}

/** Drops a body unread; undici reports the abort as an error event, which nobody needs to hear. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
