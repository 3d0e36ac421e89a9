/**
 * The outbox dispatcher on a fake clock against a real HTTP receiver on loopback: a receiver down for 10
 * simulated minutes (connection refused, or answering 503) then up gets every message exactly once per
 * idempotency key and in order per incident; `Retry-After` is honoured to the second; a receiver that answers
 * 200 after the timeout gets the retry under the same key; an unreachable URL is dead-lettered by the retry rule
 * (not before an hour), with a timeline entry and the fallback channel taking over; a rate-limited channel gets
 * its messages evenly spaced; a channel never has more than its `concurrency` deliveries in flight; a channel is
 * given the receipts of the incident's earlier messages to it (how Jira finds the issue it opened).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../checks/scheduler/fake-clock.js';
import { loadAcme } from '../engine/acme-fixture.js';
import {
  compileEngineConfig,
  decide,
  emptyState,
  type EngineConfig,
  type EngineState,
  type SystemEvent,
} from '../engine/index.js';
import type { OutboxRecord, OutboxSummary } from '../store/engine-records.js';
import { openSqliteStore, type Store } from '../store/index.js';
import type { Channel, Workspace } from '../workspace/model.js';
import { silentLogger } from './logger.js';
import type { ChannelMessage } from './messages.js';
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher.js';
import { eventually } from './test-support/daemon-workspace.js';

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** What the receiver does with the next request. */
type Mode = 'up' | 'unavailable' | 'hold';

interface Request {
  path: string;
  key: string;
  /** Fake-clock time the request arrived. */
  at: number;
  /** The HTTP status it got; undefined while held. */
  status?: number;
}

/** A webhook receiver whose behaviour the test switches, including going away (connection refused). */
class Receiver {
  readonly requests: Request[] = [];
  mode: Mode = 'up';
  /** Answers waiting in `hold` mode; `release` answers them 200. */
  private readonly held: { request: Request; res: ServerResponse }[] = [];
  private server: Server | undefined;
  private port = 0;
  /** For 429s: answers the next requests with these before anything else. */
  readonly scripted: { status: number; headers?: Record<string, string> }[] = [];

  constructor(private readonly clock: FakeClock) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Keys answered 2xx, in the order they were answered. */
  get delivered(): Request[] {
    return this.requests.filter((r) => r.status !== undefined && r.status < 300);
  }

  get inFlight(): number {
    return this.held.length;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const header = req.headers['idempotency-key'];
        const request: Request = {
          path: req.url ?? '',
          key: (Array.isArray(header) ? header[0] : header) ?? '',
          at: this.clock.now(),
        };
        this.requests.push(request);
        const answer = this.scripted.shift();
        if (answer) return this.answer(request, res, answer.status, answer.headers);
        if (this.mode === 'hold') return void this.held.push({ request, res });
        this.answer(request, res, this.mode === 'up' ? 200 : 503);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until `up` again (on the same port). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answers every held request 200 (late, when the client may have given up already). */
  release(): void {
    for (const { request, res } of this.held.splice(0)) this.answer(request, res, 200);
  }

  private answer(request: Request, res: ServerResponse, status: number, headers = {}): void {
    request.status = status;
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(status < 300 ? 'ok' : 'not now');
  }
}

let clock: FakeClock;
let store: Store;
let receiver: Receiver;
let config: EngineConfig;
let acme: Workspace;
let dispatcher: OutboxDispatcher | undefined;
let engine: EngineState;
const events: SystemEvent[] = [];

function workspaceWith(...channels: Channel[]): Workspace {
  return { ...acme, channels };
}

function hook(fields: Partial<Extract<Channel, { kind: 'webhook' }>> = {}): Channel {
  return { id: 'hook', kind: 'webhook', url: `${receiver.url}/hook`, ...fields };
}

/** Message `effect` of `incident` to `channel`, as the shell writes it. */
function messageRow(incident: string, effect: string, channel = 'hook'): OutboxRecord {
  const effectId = `${incident}:notify:1:${effect}`;
  const payload: ChannelMessage = {
    effectId,
    incidentId: incident,
    kind: effect === 'resolved' ? 'resolved' : 'escalation',
    channel,
    title: `[SEV2] ${incident} ${effect}`,
    text: `[SEV2] ${incident} ${effect}: payments are slow`,
    severity: 'SEV2',
    status: effect === 'resolved' ? 'resolved' : 'triggered',
    problem: 'payments are slow',
    episode: 1,
    people: [],
  };
  return {
    id: `${effectId}@${channel}`,
    incidentId: incident,
    kind: 'notify',
    channel,
    payload,
    createdAt: clock.now(),
  };
}

async function seed(...incidents: string[]): Promise<void> {
  await store.applyDecision({
    incidents: incidents.map((id) => ({
      id,
      signature: `s-${id}`,
      playbook: 'payments-latency',
      integration: 'payments',
      severity: 'SEV2',
      status: 'triggered' as const,
      openedAt: clock.now(),
      updatedAt: clock.now(),
      document: {},
    })),
  });
}

function start(workspace: Workspace, overrides: Partial<OutboxDispatcherOptions> = {}): OutboxDispatcher {
  dispatcher = new OutboxDispatcher({
    store,
    clock,
    logger: silentLogger,
    workspace: () => workspace,
    execute: () => Promise.reject(new Error('no actions in these tests')),
    // The engine as the daemon's shell runs it: what a dead letter does to the incident.
    applyEvent: (event) => {
      events.push(event);
      const decision = decide(config, engine, event, clock.now());
      engine = decision.state;
      return Promise.resolve(decision);
    },
    random: () => 0.5,
    ...overrides,
  });
  dispatcher.start();
  return dispatcher;
}

/** Moves the fake clock `ms` forward in `step`s, letting every claim and delivery finish at each step. */
async function run(ms: number, step = SECOND): Promise<void> {
  const until = clock.now() + ms;
  await dispatcher?.idle();
  while (clock.now() < until) {
    await clock.advance(Math.min(step, until - clock.now()));
    await dispatcher?.idle();
  }
}

async function rows(): Promise<Map<string, OutboxSummary>> {
  const page = await store.listOutbox({ limit: 1000 });
  return new Map(page.items.map((row) => [row.id, row]));
}

beforeEach(async () => {
  clock = new FakeClock(T0);
  store = await openSqliteStore({ path: ':memory:', now: () => clock.now() });
  receiver = new Receiver(clock);
  await receiver.up();
  acme = await loadAcme();
  config = compileEngineConfig(acme);
  // One real incident in the engine's state, so a dead letter can land on its timeline.
  engine = decide(
    config,
    emptyState(),
    { kind: 'signal-fired', playbookId: 'payments-latency', signature: 's' },
    T0,
  ).state;
  events.length = 0;
});

afterEach(async () => {
  receiver.release();
  await dispatcher?.stop();
  dispatcher = undefined;
  await store.close();
  await receiver.down();
});

describe('OutboxDispatcher through an outage (fake clock)', () => {
  it.each(['connection refused', '503 answers'] as const)(
    'delivers everything exactly once per key and in order per incident after 10 minutes of %s',
    async (outage) => {
      const incidents = ['INC-1', 'INC-2', 'INC-3'];
      await seed(...incidents);
      const written = incidents.flatMap((incident) =>
        ['0:0', '0:1', 'resolved'].map((effect) => messageRow(incident, effect)),
      );
      await store.applyDecision({ outbox: written });
      if (outage === 'connection refused') await receiver.down();
      else receiver.mode = 'unavailable';
      start(workspaceWith(hook()));

      await run(10 * MINUTE);
      expect(receiver.delivered).toEqual([]);
      const during = await rows();
      expect([...during.values()].filter((row) => row.status === 'dead')).toEqual([]);
      // Only each incident's oldest message was tried; the others wait their turn, untouched.
      for (const incident of incidents) {
        expect(during.get(`${incident}:notify:1:0:0@hook`)?.attempts).toBeGreaterThanOrEqual(8);
        expect(during.get(`${incident}:notify:1:0:1@hook`)?.attempts).toBe(0);
      }

      if (outage === 'connection refused') await receiver.up();
      receiver.mode = 'up';
      // The longest backoff step is 5 min (with jitter at 0.5: 3 min 45 s): all is through well within 6 min.
      await run(6 * MINUTE);

      const keys = receiver.delivered.map((r) => r.key);
      expect([...keys].sort()).toEqual(written.map((row) => row.id).sort());
      expect(new Set(keys).size).toBe(keys.length);
      for (const incident of incidents) {
        expect(keys.filter((key) => key.startsWith(`${incident}:`))).toEqual(
          written.filter((row) => row.incidentId === incident).map((row) => row.id),
        );
      }
      const after = await rows();
      expect([...after.values()].every((row) => row.status === 'delivered')).toBe(true);
      // The receipt, the attempts and the last failure are kept together on the row.
      expect(after.get('INC-1:notify:1:0:0@hook')).toMatchObject({
        receipt: { channel: 'hook', kind: 'webhook', status: 200 },
        lastError: expect.stringMatching(
          outage === 'connection refused' ? /could not be reached/ : /answered 503/,
        ) as unknown,
      });
      expect(events).toEqual([]);
    },
  );

  it('waits as long as a 429 says in Retry-After, then delivers under the same key', async () => {
    await seed('INC-1');
    await store.applyDecision({ outbox: [messageRow('INC-1', '0:0')] });
    receiver.scripted.push({ status: 429, headers: { 'retry-after': '120' } });
    start(workspaceWith(hook()));
    await run(3 * MINUTE);
    expect(receiver.requests.map((r) => [r.key, r.status, r.at - T0])).toEqual([
      ['INC-1:notify:1:0:0@hook', 429, 0],
      ['INC-1:notify:1:0:0@hook', 200, 120 * SECOND],
    ]);
    expect((await rows()).get('INC-1:notify:1:0:0@hook')).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('retries a receiver that answers 200 only after the timeout, with the same idempotency key', async () => {
    await seed('INC-1');
    await store.applyDecision({ outbox: [messageRow('INC-1', '0:0')] });
    receiver.mode = 'hold';
    start(workspaceWith(hook({ timeout: 5 * SECOND })));
    await eventually(() => (receiver.inFlight === 1 ? true : undefined), 5000, 'the first request');

    await clock.advance(5 * SECOND);
    await eventually(
      async () => ((await rows()).get('INC-1:notify:1:0:0@hook')?.status === 'pending' ? true : undefined),
      5000,
      'the timed-out attempt to be settled',
    );
    // The answer comes, too late: Lifeline already gave up on that attempt.
    receiver.mode = 'up';
    receiver.release();
    await run(2 * SECOND, 250);

    expect(receiver.requests.map((r) => r.key)).toEqual([
      'INC-1:notify:1:0:0@hook',
      'INC-1:notify:1:0:0@hook',
    ]);
    expect((await rows()).get('INC-1:notify:1:0:0@hook')).toMatchObject({
      status: 'delivered',
      attempts: 2,
      lastError: 'channel hook did not answer within 5s',
    });
  });

  it('dead-letters an unreachable URL by the retry rule, on the timeline and to the fallback channel', async () => {
    const closed = await receiverPortNobodyListensOn();
    await seed('INC-1');
    await store.applyDecision({ outbox: [messageRow('INC-1', '0:0', 'gone')] });
    const workspace = workspaceWith(
      { id: 'gone', kind: 'webhook', url: `http://127.0.0.1:${closed}/hook`, fallback: 'backup' },
      { id: 'backup', kind: 'webhook', url: `${receiver.url}/backup` },
    );
    start(workspace);

    await run(59 * MINUTE, 5 * SECOND);
    const waiting = (await rows()).get('INC-1:notify:1:0:0@gone');
    // Far more than 8 attempts, but the message is not an hour old yet: still retried.
    expect(waiting).toMatchObject({ status: 'pending' });
    expect(waiting?.attempts).toBeGreaterThan(8);
    expect(receiver.delivered).toEqual([]);

    await run(6 * MINUTE, 5 * SECOND);
    const dead = (await rows()).get('INC-1:notify:1:0:0@gone');
    expect(dead?.status).toBe('dead');
    expect(dead?.lastError).toMatch(
      /^webhook gone could not be reached: .*ECONNREFUSED.* \(gave up after \d+ attempts over (6[0-4]m|1h)\)$/,
    );
    expect(events).toEqual([
      {
        kind: 'delivery-dead-lettered',
        incidentId: 'INC-1',
        channel: 'gone',
        reason: dead?.lastError,
        rowId: 'INC-1:notify:1:0:0@gone',
      },
    ]);
    expect(engine.incidents['INC-1']?.timeline.at(-1)).toMatchObject({
      kind: 'delivery-failed',
      actor: 'lifeline',
      text: expect.stringContaining(`message to channel gone not delivered: ${dead?.lastError}`) as unknown,
    });
    expect(receiver.delivered.map((r) => [r.path, r.key])).toEqual([
      ['/backup', 'INC-1:notify:1:0:0@backup'],
    ]);
  });

  it('spaces the messages of a rate-limited channel evenly, without failing the ones that wait', async () => {
    const incidents = ['INC-1', 'INC-2', 'INC-3', 'INC-4'];
    await seed(...incidents);
    await store.applyDecision({ outbox: incidents.map((incident) => messageRow(incident, '0:0')) });
    start(workspaceWith(hook({ ratePerMinute: 12 })));
    await run(20 * SECOND, 250);
    expect(receiver.delivered.map((r) => r.at - T0)).toEqual([0, 5, 10, 15].map((s) => s * SECOND));
    const stored = [...(await rows()).values()];
    expect(stored.map((row) => [row.status, row.attempts, row.lastError])).toEqual(
      incidents.map(() => ['delivered', 1, undefined]),
    );
  });

  it('keeps at most `concurrency` deliveries in flight per channel; the others wait, unclaimed', async () => {
    const incidents = ['INC-1', 'INC-2', 'INC-3', 'INC-4', 'INC-5'];
    await seed(...incidents);
    await store.applyDecision({ outbox: incidents.map((incident) => messageRow(incident, '0:0')) });
    receiver.mode = 'hold';
    start(workspaceWith(hook({ concurrency: 2 })));
    let most = 0;
    for (const expected of [2, 4, 5]) {
      await eventually(
        () => (receiver.requests.length === expected ? true : undefined),
        5000,
        `${expected} requests`,
      );
      // Polls and pokes come and go; still nothing more is started while two are in flight.
      await clock.advance(2 * SECOND);
      await new Promise((resolve) => setTimeout(resolve, 100));
      most = Math.max(most, receiver.inFlight);
      expect(receiver.requests).toHaveLength(expected);
      const waiting = [...(await rows()).values()].filter((row) => row.status === 'pending');
      expect(waiting.every((row) => row.attempts === 0)).toBe(true);
      expect(waiting).toHaveLength(5 - expected);
      receiver.release();
    }
    expect(most).toBe(2);
    await dispatcher?.idle();
    expect(receiver.delivered.map((r) => r.key)).toEqual(incidents.map((i) => `${i}:notify:1:0:0@hook`));
  });
});

describe('OutboxDispatcher receipts', () => {
  it('gives a channel the receipts of the incident’s earlier messages to it, oldest first', async () => {
    await seed('INC-1', 'INC-2');
    const jira: Channel = {
      id: 'jira',
      kind: 'jira',
      baseUrl: 'https://jira.example',
      project: 'OPS',
      token: { source: 'literal', value: 't' },
    };
    await store.applyDecision({
      outbox: [
        messageRow('INC-1', '0:0', 'jira'),
        messageRow('INC-2', '0:0', 'jira'),
        messageRow('INC-1', '0:0', 'hook'),
        messageRow('INC-1', '0:1', 'jira'),
        messageRow('INC-1', 'resolved', 'jira'),
      ],
    });
    const seen = new Map<string, unknown[]>();
    let issues = 0;
    start(workspaceWith(jira, hook()), {
      deliver: async (_workspace, message, options) => {
        const prior = (await options.priorReceipts?.()) ?? [];
        seen.set(options.idempotencyKey, prior);
        const providerId = prior.find((r) => r.providerId)?.providerId ?? `OPS-${++issues}`;
        return { channel: message.channel, kind: 'jira', status: 201, at: clock.now(), providerId };
      },
    });
    await run(SECOND);
    const receipt = (providerId: string) => expect.objectContaining({ providerId }) as unknown;
    expect(Object.fromEntries(seen)).toEqual({
      'INC-1:notify:1:0:0@jira': [],
      'INC-2:notify:1:0:0@jira': [],
      'INC-1:notify:1:0:0@hook': [],
      'INC-1:notify:1:0:1@jira': [receipt('OPS-1')],
      'INC-1:notify:1:resolved@jira': [receipt('OPS-1'), receipt('OPS-1')],
    });
    expect((await rows()).get('INC-2:notify:1:0:0@jira')?.receipt).toMatchObject({ providerId: 'OPS-2' });
  });
});

/** A loopback port that refuses connections: one the OS just gave out and took back. */
async function receiverPortNobodyListensOn(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
