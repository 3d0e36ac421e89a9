/**
 * The outbox dispatcher against a real (in-memory) SQLite store and a local receiver: retries with backoff and
 * Retry-After, dead letters after the last attempt with the fallback channel taking over, undeclared channels
 * dead-lettered at once with the reason, Slack's body, and action rows handed to the executor. Outages, timeouts
 * and limits on a fake clock are in `outbox-dispatcher.outage.test.ts`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../checks/scheduler/index.js';
import { loadAcme } from '../engine/acme-fixture.js';
import { openSqliteStore, type Store } from '../store/index.js';
import type { OutboxRecord, OutboxRow } from '../store/engine-records.js';
import type { Channel, Workspace } from '../workspace/model.js';
import { silentLogger } from './logger.js';
import type { ChannelMessage } from './messages.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { eventually } from './test-support/daemon-workspace.js';
import { startReceiver, type Receiver } from './test-support/receiver.js';

let store: Store;
let receiver: Receiver;
let workspace: Workspace;
let dispatcher: OutboxDispatcher | undefined;
const executed: OutboxRow[] = [];

function message(channel: string, fields: Partial<ChannelMessage> = {}): ChannelMessage {
  return {
    effectId: 'INC-1:notify:1:0:0',
    incidentId: 'INC-1',
    kind: 'escalation',
    channel,
    title: '[SEV2] INC-1 triggered (level 1)',
    text: '[SEV2] INC-1 triggered (level 1): payments are slow',
    severity: 'SEV2',
    status: 'triggered',
    problem: 'payments are slow',
    episode: 1,
    level: 0,
    cycle: 0,
    people: ['alice'],
    ...fields,
  };
}

function row(channel: string, fields: Partial<ChannelMessage> = {}): OutboxRecord {
  return {
    id: `INC-1:notify:1:0:0@${channel}`,
    incidentId: 'INC-1',
    kind: 'notify',
    channel,
    payload: message(channel, fields),
    createdAt: Date.now(),
  };
}

async function outbox(): Promise<Map<string, { status: string; attempts: number; lastError?: string }>> {
  const detail = await store.getIncident('INC-1');
  return new Map((detail?.outbox ?? []).map((r) => [r.id, r]));
}

function start(overrides: Partial<ConstructorParameters<typeof OutboxDispatcher>[0]> = {}): OutboxDispatcher {
  dispatcher = new OutboxDispatcher({
    store,
    clock: systemClock,
    logger: silentLogger,
    workspace: () => workspace,
    execute: async (claimed) => {
      executed.push(claimed);
      return { done: true };
    },
    pollMs: 50,
    backoff: { baseMs: 40, maxMs: 200 },
    random: () => 0.5,
    ...overrides,
  });
  dispatcher.start();
  return dispatcher;
}

beforeEach(async () => {
  receiver = await startReceiver();
  store = await openSqliteStore({ path: ':memory:' });
  const acme = await loadAcme();
  const channels: Channel[] = [
    { id: 'hook', kind: 'webhook', url: `${receiver.url}/hook`, fallback: 'backup' },
    { id: 'backup', kind: 'webhook', url: `${receiver.url}/backup` },
    { id: 'slack', kind: 'slack', webhookUrl: { source: 'literal', value: `${receiver.url}/slack` } },
  ];
  workspace = { ...acme, channels };
  await store.applyDecision({
    incidents: [
      {
        id: 'INC-1',
        signature: 's',
        playbook: 'payments-latency',
        integration: 'payments',
        severity: 'SEV2',
        status: 'triggered',
        openedAt: Date.now(),
        updatedAt: Date.now(),
        document: {},
      },
    ],
  });
  executed.length = 0;
});

afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  await store.close();
  await receiver.close();
});

describe('OutboxDispatcher', () => {
  it('retries a failing receiver with backoff, honours Retry-After and records the receipt', async () => {
    receiver.script({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } });
    await store.applyDecision({ outbox: [row('hook')] });
    const started = Date.now();
    start();
    const delivered = await eventually(() => receiver.deliveries[0], 5000, 'the delivery');
    // Attempt 1 fails (503), attempt 2 ~40 ms later gets 429 "retry after 1 s", attempt 3 waits for it.
    expect(delivered.at - started).toBeGreaterThanOrEqual(1000);
    expect(delivered.key).toBe('INC-1:notify:1:0:0@hook');
    expect(delivered.body).toMatchObject({
      id: 'INC-1:notify:1:0:0@hook',
      incident: 'INC-1',
      kind: 'escalation',
    });
    const stored = await eventually(
      async () => {
        const r = (await outbox()).get('INC-1:notify:1:0:0@hook');
        return r?.status === 'delivered' ? r : undefined;
      },
      2000,
      'the receipt',
    );
    expect(stored.attempts).toBe(3);
  });

  it('dead-letters after the last attempt and sends the message to the fallback channel once', async () => {
    receiver.script({ status: 500 }, { status: 500 }, { status: 500 });
    await store.applyDecision({ outbox: [row('hook')] });
    start({ maxAttempts: 3, giveUpAfterMs: 0 });
    const fallback = await eventually(
      () => receiver.deliveries.find((d) => d.path === '/backup'),
      5000,
      'the fallback',
    );
    expect(fallback.key).toBe('INC-1:notify:1:0:0@backup');
    const rows = await outbox();
    expect(rows.get('INC-1:notify:1:0:0@hook')).toMatchObject({ status: 'dead', attempts: 3 });
    expect(rows.get('INC-1:notify:1:0:0@hook')?.lastError).toMatch(/answered 500.*gave up after 3 attempts/);
    expect(receiver.deliveries.filter((d) => d.path === '/hook')).toEqual([]);
  });

  it('dead-letters a message to a channel the workspace does not declare at once, with the reason', async () => {
    await store.applyDecision({ outbox: [row('nowhere')] });
    start();
    const dead = await eventually(
      async () => {
        const r = (await outbox()).get('INC-1:notify:1:0:0@nowhere');
        return r?.status === 'dead' ? r : undefined;
      },
      3000,
      'the dead letter',
    );
    expect(dead.attempts).toBe(1);
    expect(dead.lastError).toBe('channel nowhere is not declared in the workspace');
  });

  it('posts Slack messages as text and blocks, and hands other rows to the executor', async () => {
    const action: OutboxRecord = {
      id: 'INC-1:step:1:confirm:1',
      incidentId: 'INC-1',
      kind: 'run-action',
      channel: 'step:confirm',
      payload: { stepId: 'confirm' },
      createdAt: Date.now(),
    };
    await store.applyDecision({ outbox: [row('slack'), action] });
    start();
    const slack = await eventually(() => receiver.deliveries.find((d) => d.path === '/slack'), 3000, 'Slack');
    expect(slack.key).toBe('INC-1:notify:1:0:0@slack');
    expect(slack.body.text).toBe('[SEV2] INC-1 triggered (level 1): payments are slow');
    // The blocks themselves are the Slack channel's business (src/channels/slack): here, that they arrive.
    expect(slack.body.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' })]));
    await eventually(
      async () => ((await outbox()).get(action.id)?.status === 'delivered' ? true : undefined),
      3000,
      'the action',
    );
    expect(executed.map((r) => r.id)).toEqual([action.id]);
  });
});
