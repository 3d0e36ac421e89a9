/**
 * Test-only: the HTTP half of every vendor receiver. A server on 127.0.0.1 port 0 that hands each request to the
 * vendor's handler (which validates it against the published format and answers as the vendor would), unless the
 * test scripted a failure for the next request: a status (the body echoes the credential it was sent, as careless
 * vendors do, so tests prove errors redact it), a dropped connection, or an answer held until the client gives up.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConformanceDelivery, Failure } from '../conformance.js';

export interface HttpRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  json: unknown;
  key: string | undefined;
}

export interface HttpAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a vendor handler returns: the answer, and the delivery it accepted (if it was one). */
export interface Handled {
  answer: HttpAnswer;
  delivery?: ConformanceDelivery;
  /** Problems with the request against the vendor's published format. */
  violations?: string[];
}

export interface HttpReceiver {
  url: string;
  port: number;
  requests: HttpRequest[];
  deliveries: ConformanceDelivery[];
  violations: string[];
  fail(...failures: Failure[]): void;
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function startHttpReceiver(
  handle: (request: HttpRequest) => Handled,
  /** The credential the request carried, echoed in scripted refusals. */
  credentialOf: (request: HttpRequest) => string = (r) => header(r.headers, 'authorization') ?? r.path,
): Promise<HttpReceiver> {
  const requests: HttpRequest[] = [];
  const deliveries: ConformanceDelivery[] = [];
  const violations: string[] = [];
  const failures: Failure[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        json = undefined;
      }
      const request: HttpRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        raw,
        json,
        key: header(req.headers, 'idempotency-key'),
      };
      requests.push(request);
      const failure = failures.shift();
      if (failure) {
        switch (failure.kind) {
          case 'drop':
            req.socket.destroy();
            return;
          case 'hold':
            // Answered only once the client has given up (timeout or abort).
            req.socket.once('close', () => {
              if (!res.destroyed) res.writeHead(200).end('ok');
            });
            return;
          case 'unavailable':
            res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
            return;
          case 'rate-limited':
            res
              .writeHead(429, {
                'content-type': 'text/plain',
                'retry-after': String(failure.retryAfterSeconds),
              })
              .end('rate limited');
            return;
          case 'refused':
            res
              .writeHead(failure.status, { 'content-type': 'application/json' })
              .end(JSON.stringify({ message: `refused: ${credentialOf(request)}` }));
            return;
        }
      }
      const handled = handle(request);
      violations.push(...(handled.violations ?? []));
      if (handled.delivery && handled.answer.status < 300) deliveries.push(handled.delivery);
      const body = handled.answer.body;
      res.writeHead(handled.answer.status, {
        'content-type': typeof body === 'string' || body === undefined ? 'text/plain' : 'application/json',
        ...handled.answer.headers,
      });
      res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    deliveries,
    violations,
    fail: (...next) => failures.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every string in the requests (bodies, headers but the credential ones), for the secret scan. */
export function transcriptOf(
  requests: readonly HttpRequest[],
  credentialHeaders: string[] = ['authorization'],
): string {
  return requests
    .map((r) => {
      const headers = Object.entries(r.headers).filter(([name]) => !credentialHeaders.includes(name));
      return `${r.method}\n${JSON.stringify(headers)}\n${r.raw}`;
    })
    .join('\n');
}
