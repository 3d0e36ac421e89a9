/**
 * Test-only: a webhook receiver on 127.0.0.1 port 0 that records every delivery (idempotency key, headers,
 * parsed body) and answers with what the test scripts (200 by default), like a real receiver would.
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

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answers the next requests with these statuses (and headers), then 200 again. */
  script(...answers: { status: number; headers?: Record<string, string> }[]): void;
  /** Idempotency keys seen more than once. */
  duplicates(): string[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const answers: { status: number; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.shift() ?? { status: 200 };
      const raw = Buffer.concat(chunks).toString('utf8');
      if (answer.status >= 200 && answer.status < 300) {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          body = {};
        }
        const header = req.headers['idempotency-key'];
        deliveries.push({
          path: req.url ?? '',
          key: Array.isArray(header) ? header[0] : header,
          headers: req.headers,
          raw,
          body,
          at: Date.now(),
        });
      }
      res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      res.end(answer.status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    script: (...next) => answers.push(...next),
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
