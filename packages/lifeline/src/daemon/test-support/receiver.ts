/**
 * Test-only: a webhook receiver on 127.0.0.1 port 0 that records every delivery (idempotency key, headers,
 * parsed body) and answers with what the test scripts (200 by default), like a real receiver would. A test can
 * also hold the answer to the next request, e.g. to kill the sender while the request is in flight.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  path: string;
  key: string | undefined;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  at: number;
}

/** A request that arrived and was recorded, whose answer waits for `release`. */
export interface HeldRequest {
  delivery: Delivery;
  /** Sends the answer (harmless once the sender is gone). */
  release(): void;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answers the next requests with these statuses (and headers), then 200 again. */
  script(...answers: { status: number; headers?: Record<string, string> }[]): void;
  /**
   * Holds the answer to the next request: resolves once it arrived (recorded at once, as a receiver that
   * processes a request before answering would) and answers only on `release()`. Aborting `signal` before a
   * request came withdraws the hold (the promise rejects with the signal's reason).
   */
  hold(signal?: AbortSignal): Promise<HeldRequest>;
  /** Idempotency keys seen more than once. */
  duplicates(): string[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const answers: { status: number; headers?: Record<string, string> }[] = [];
  const holds = new Set<(held: HeldRequest) => void>();
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.shift() ?? { status: 200 };
      const raw = Buffer.concat(chunks).toString('utf8');
      const respond = () => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.status < 300 ? 'ok' : 'nope');
      };
      let recorded: Delivery | undefined;
      if (answer.status >= 200 && answer.status < 300) {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          body = {};
        }
        const header = req.headers['idempotency-key'];
        recorded = {
          path: req.url ?? '',
          key: Array.isArray(header) ? header[0] : header,
          headers: req.headers,
          raw,
          body,
          at: Date.now(),
        };
        deliveries.push(recorded);
      }
      const [held] = holds;
      if (held && recorded) {
        holds.delete(held);
        held({ delivery: recorded, release: respond });
      } else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    script: (...next) => answers.push(...next),
    hold: (signal) =>
      new Promise<HeldRequest>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        const waiter = (held: HeldRequest) => {
          signal?.removeEventListener('abort', withdraw);
          resolve(held);
        };
        const withdraw = () => {
          holds.delete(waiter);
          reject(signal?.reason as Error);
        };
        signal?.addEventListener('abort', withdraw, { once: true });
        holds.add(waiter);
      }),
    duplicates() {
      const seen = new Map<string, number>();
      for (const d of deliveries) if (d.key) seen.set(d.key, (seen.get(d.key) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
