/**
 * `GET /api/v1/events` over a real listening socket (SSE needs one; `inject` would wait for the end) read with
 * undici as a stream: events arrive live, `Last-Event-ID` (header or query) replays exactly the missed ones, an
 * unknown id gets a reset, `?types=` filters, heartbeats follow the hub's clock, a client that stops reading is
 * dropped, closing the server or the hub ends the stream, and `?access_token=` works here and nowhere else.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../auth/issue-token.js';
import { requireRoutePermissions } from '../auth/server-auth.js';
import { FakeClock } from '../checks/scheduler/index.js';
import { EventHub } from '../events/event-hub.js';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import { createServer, type ServerOptions } from './create-server.js';
import { EVENTS_URL, registerEventRoutes } from './event-routes.js';
import { FakeIncidentService, makeIncident } from './test-support/fake-incident-service.js';
import { sampleIncidents } from './test-support/inject.js';

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads SSE messages off a streaming body as they come. */
class SseReader {
  readonly messages: SseMessage[] = [];
  ended = false;
  private buffer = '';
  private wake: (() => void) | undefined;

  constructor(body: AsyncIterable<Buffer>) {
    void (async () => {
      try {
        for await (const chunk of body) {
          this.buffer += chunk.toString('utf8');
          let end;
          while ((end = this.buffer.indexOf('\n\n')) >= 0) {
            this.messages.push(parseMessage(this.buffer.slice(0, end)));
            this.buffer = this.buffer.slice(end + 2);
          }
          this.wake?.();
        }
      } catch {
        // A dropped connection ends the stream too.
      }
      this.ended = true;
      this.wake?.();
    })();
  }

  /** Events (not comments) received so far. */
  get events(): SseMessage[] {
    return this.messages.filter((m) => m.event !== undefined);
  }

  async until<T>(probe: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
  }
}

function parseMessage(text: string): SseMessage {
  const message: SseMessage = {};
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    const colon = line.indexOf(': ');
    if (colon < 0) continue;
    const [field, value] = [line.slice(0, colon), line.slice(colon + 2)];
    if (field === 'id' || field === 'event' || field === 'data') message[field] = value;
  }
  return message;
}

let clock: FakeClock;
let hub: EventHub;
let app: FastifyInstance | undefined;
let agent: Agent;
let base: string;

async function listen(options: Partial<ServerOptions> = {}): Promise<void> {
  const service = new FakeIncidentService(sampleIncidents());
  await serve(createServer({ service, events: hub, ...options }));
}

/** The route alone, with a small drop threshold. */
async function listenBare(maxBufferedBytes: number): Promise<void> {
  const bare = Fastify();
  requireRoutePermissions(bare);
  registerEventRoutes(bare, hub, { maxBufferedBytes });
  await serve(bare);
}

async function serve(server: FastifyInstance): Promise<void> {
  app = server;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

async function connect(
  query = '',
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; reader: SseReader; close: () => void }> {
  const response = await request(`${base}${EVENTS_URL}${query}`, { dispatcher: agent, headers });
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type']),
    reader: new SseReader(response.body),
    close: () => response.body.destroy(),
  };
}

function publishStatus(integration: string): string {
  return hub.publish({ type: 'integration-status', data: { integration, status: 'down', at: 0 } }).id;
}

beforeEach(() => {
  clock = new FakeClock(Date.UTC(2026, 0, 1));
  hub = new EventHub({ clock, runId: 'run1' });
  agent = new Agent();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  hub.close();
  await agent.close();
});

describe('GET /api/v1/events', () => {
  it('streams events as they are published, as text/event-stream', async () => {
    await listen();
    const { status, contentType, reader } = await connect();
    expect(status).toBe(200);
    expect(contentType).toBe('text/event-stream; charset=utf-8');
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    hub.publishIncident(makeIncident('INC-9', { problem: 'Payments down' }));
    publishStatus('payments');
    const events = await reader.until(
      () => (reader.events.length >= 2 ? reader.events : undefined),
      '2 events',
    );
    expect(events[0]).toMatchObject({ id: 'run1-1', event: 'incident' });
    expect(JSON.parse(events[0]?.data ?? '')).toMatchObject({
      id: 'INC-9',
      status: 'triggered',
      problem: 'Payments down',
    });
    expect(events[1]).toMatchObject({ id: 'run1-2', event: 'integration-status' });
    expect(JSON.parse(events[1]?.data ?? '')).toEqual({ integration: 'payments', status: 'down', at: 0 });
  });

  it('replays exactly the missed events after Last-Event-ID, by header or query', async () => {
    await listen();
    const ids = ['a', 'b', 'c', 'd'].map(publishStatus);
    const byHeader = await connect('', { 'last-event-id': ids[1] ?? '' });
    const replayed = await byHeader.reader.until(
      () => (byHeader.reader.events.length >= 2 ? byHeader.reader.events : undefined),
      'replayed events',
    );
    expect(replayed.map((e) => e.id)).toEqual([ids[2], ids[3]]);
    const byQuery = await connect(`?lastEventId=${ids[2]}`);
    await byQuery.reader.until(() => hub.listenerCount === 2 || undefined, 'both listeners');
    const live = publishStatus('e');
    await byQuery.reader.until(() => byQuery.reader.events.length >= 2 || undefined, 'replay then live');
    expect(byQuery.reader.events.map((e) => e.id)).toEqual([ids[3], live]);
    await byHeader.reader.until(() => byHeader.reader.events.length >= 3 || undefined, 'live');
    expect(byHeader.reader.events.map((e) => e.id)).toEqual([ids[2], ids[3], live]);
  });

  it('sends a reset for an id it cannot resume from, carrying the id to resume from next', async () => {
    await listen();
    publishStatus('a');
    const { reader } = await connect('', { 'last-event-id': 'an-earlier-run-7' });
    const [reset] = await reader.until(() => (reader.events.length ? reader.events : undefined), 'a reset');
    expect(reset).toMatchObject({ id: 'run1-1', event: 'reset' });
    expect(JSON.parse(reset?.data ?? '')).toEqual({ reason: 'unknown-id', lastEventId: 'run1-1' });
  });

  it('sends only the types asked for, live and replayed; an unknown type is a problem', async () => {
    await listen();
    hub.publishIncident(makeIncident('INC-1'));
    publishStatus('a');
    const { reader } = await connect('?types=incident,check-status&lastEventId=run1-0');
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    publishStatus('b');
    hub.publishIncident(makeIncident('INC-2'));
    await reader.until(() => reader.events.length >= 2 || undefined, 'incidents');
    expect(reader.events.map((e) => [e.event, e.id])).toEqual([
      ['incident', 'run1-1'],
      ['incident', 'run1-4'],
    ]);

    const wrong = await request(`${base}${EVENTS_URL}?types=incident,bogus`, { dispatcher: agent });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(await wrong.body.json()).toMatchObject({
      type: 'https://lifeline.dev/problems/invalid-request',
      field: 'types',
      detail:
        'query parameter `types` names unknown event type `bogus`; known: incident, check-status, integration-status',
    });
  });

  it('sends a heartbeat comment when the hub beats', async () => {
    await listen();
    const { reader } = await connect();
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    await clock.advance(15_000);
    await reader.until(
      () => reader.messages.some((m) => m.comment === 'heartbeat') || undefined,
      'a heartbeat',
    );
  });

  it('drops a client that stops reading instead of buffering for it', async () => {
    hub = new EventHub({ clock, runId: 'run1', capacity: 10 });
    await listenBare(64 * 1024);
    const response = await request(`${base}${EVENTS_URL}`, { dispatcher: agent });
    expect(response.statusCode).toBe(200);
    // Never read the body: undici stops reading the socket, the kernel buffers fill, then the server's.
    for (let i = 0; i < 100 && hub.listenerCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const problem = 'x'.repeat(10_000);
    let published = 0;
    while (hub.listenerCount > 0 && published < 20_000) {
      hub.publish({
        type: 'incident',
        data: { id: 'INC-1', integration: 'p', status: 'triggered', severity: 's', problem, updatedAt: 0 },
      });
      published++;
      if (published % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(hub.listenerCount).toBe(0);
    // Tens of megabytes would have been held for it otherwise.
    expect(published).toBeLessThan(20_000);
    response.body.destroy();
  });

  it('ends open streams when the server closes, without waiting for them', async () => {
    await listen();
    const { reader } = await connect();
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    const started = Date.now();
    await app?.close();
    app = undefined;
    expect(Date.now() - started).toBeLessThan(2000);
    await reader.until(() => reader.ended || undefined, 'the end of the stream');
    expect(hub.listenerCount).toBe(0);
  });

  it('ends open streams when the hub closes (the daemon stops)', async () => {
    await listen();
    const { reader } = await connect();
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    hub.close();
    await reader.until(() => reader.ended || undefined, 'the end of the stream');
  });

  it('forgets a client that disconnects', async () => {
    await listen();
    const { reader, close } = await connect();
    await reader.until(() => hub.listenerCount === 1 || undefined, 'the listener');
    close();
    await reader.until(() => hub.listenerCount === 0 || undefined, 'the listener to go');
  });
});

describe('GET /api/v1/events with API tokens', () => {
  let store: SqliteStore;
  let logLines: string[];

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:' });
    logLines = [];
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await store.close();
  });

  it('takes the token as ?access_token= (EventSource cannot send headers), never logging it', async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    await listen({ auth: { store }, logger: pino({ level: 'info' }, sink) });
    const { token } = await issueToken(store, { name: 'dashboard', role: 'viewer', now: Date.now() });

    const missing = await request(`${base}${EVENTS_URL}`, { dispatcher: agent });
    expect(missing.statusCode).toBe(401);
    await missing.body.dump();
    const wrong = await request(`${base}${EVENTS_URL}?access_token=ll_${'A'.repeat(43)}`, {
      dispatcher: agent,
    });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();

    const byQuery = await connect(`?access_token=${token}`);
    expect(byQuery.status).toBe(200);
    const byHeader = await connect('', { authorization: `Bearer ${token}` });
    expect(byHeader.status).toBe(200);
    byQuery.close();
    byHeader.close();
    // This route's request lines are not logged: the token in its URL never reaches the log.
    expect(logLines.join('')).toContain('API authentication failed');
    expect(logLines.join('')).not.toContain(token);

    // Other routes do not take a token in the query.
    const incidents = await request(`${base}/api/v1/incidents?access_token=${token}`, { dispatcher: agent });
    expect(incidents.statusCode).toBe(401);
    await incidents.body.dump();
  });
});
