/**
 * The sandbox's notification inbox: a stand-in for Slack, a webhook receiver or a chat tool, so the example
 * workspace's channels deliver somewhere offline and a demo (or a test) can see what was sent. Keeps the most
 * recent messages only.
 *
 * | method | path                    | answer                                                       |
 * |--------|-------------------------|--------------------------------------------------------------|
 * | POST   | /_sandbox/inbox/*       | 200 `{ ok: true }`; records path, idempotency key, body       |
 * | GET    | /_sandbox/inbox         | 200 `{ messages: [...] }`, oldest first                       |
 * | DELETE | /_sandbox/inbox         | 200, cleared                                                  |
 */
import type { FastifyInstance } from 'fastify';

export interface InboxMessage {
  /** The path after `/_sandbox/inbox`, e.g. `/slack`. */
  path: string;
  idempotencyKey?: string;
  signature?: string;
  receivedAt: string;
  body: unknown;
}

export class Inbox {
  readonly #messages: InboxMessage[] = [];
  constructor(private readonly capacity = 500) {}

  record(message: InboxMessage): void {
    this.#messages.push(message);
    if (this.#messages.length > this.capacity)
      this.#messages.splice(0, this.#messages.length - this.capacity);
  }

  list(): InboxMessage[] {
    return [...this.#messages];
  }

  clear(): void {
    this.#messages.length = 0;
  }
}

export function registerInbox(app: FastifyInstance, inbox: Inbox, now: () => number): void {
  app.register(
    async (scope) => {
      scope.get('/', async () => ({ messages: inbox.list() }));
      scope.delete('/', async () => {
        inbox.clear();
        return { messages: [] };
      });
      scope.post('/*', async (request) => {
        const header = (name: string) => {
          const value = request.headers[name];
          return typeof value === 'string' ? value : undefined;
        };
        const key = header('idempotency-key');
        const signature = header('x-lifeline-signature');
        inbox.record({
          path: `/${(request.params as { '*': string })['*']}`,
          ...(key ? { idempotencyKey: key } : {}),
          ...(signature ? { signature } : {}),
          receivedAt: new Date(now()).toISOString(),
          body: request.body ?? null,
        });
        return { ok: true };
      });
    },
    { prefix: '/_sandbox/inbox' },
  );
}
