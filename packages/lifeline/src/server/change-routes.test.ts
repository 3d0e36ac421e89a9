/**
 * The change routes through `fastify.inject` over the real `ChangeService` on an in-memory SQLite store and a
 * workspace loaded from disk (with `changes:` settings and secrets from the environment): recording and
 * listing, the signed generic webhook (what the webhook channel signs is accepted; a bad signature, an old
 * timestamp or a malformed body is a problem and records nothing), and GitHub `deployment_status` deliveries.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookSignature } from '../channels/webhook/webhook-channel.js';
import type { ChangeRecord } from '../changes/change.js';
import { signMessage } from '../changes/verify-signature.js';
import { createChangeService } from '../daemon/change-service-impl.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import type { Workspace } from '../workspace/model.js';
import { createServer } from './create-server.js';
import { FakeIncidentService } from './test-support/fake-incident-service.js';
import { call } from './test-support/inject.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const HOOK_SECRET = 'whsec_changes_test';
const GITHUB_SECRET = 'gh_hook_secret_test';
const NOW = Date.UTC(2026, 0, 1, 12);
const ENV = { CHANGE_HOOK_SECRET: HOOK_SECRET, GITHUB_HOOK_SECRET: GITHUB_SECRET };

const YAML = `version: 1
name: changes-test
changes:
  lookBack: 2h
  webhook: { secret: '\${env:CHANGE_HOOK_SECRET}', replayWindow: 1m }
  github: { secret: '\${env:GITHUB_HOOK_SECRET}' }
teams:
  - { id: payments-team, name: Payments, members: [{ id: alice, name: Alice }] }
integrations:
  - id: payments
    name: Payments
    owner: payments-team
    baseUrl: https://payments.example
    auth: { type: none }
    endpoints:
      - { id: list-charges, method: GET, path: /v1/charges }
`;

const GITHUB_BODY = readFileSync(
  new URL('../changes/fixtures/github-deployment-status.json', import.meta.url),
  'utf8',
);

let dir: string;
let workspace: Workspace;
let store: Store;
let app: FastifyInstance;
let now: number;
const recorded: ChangeRecord[] = [];

async function serverFor(yaml: string, env: Record<string, string> = ENV): Promise<FastifyInstance> {
  await writeFile(join(dir, 'lifeline.yaml'), yaml);
  const loaded = await loadWorkspace(dir, { env });
  if (!loaded.workspace) throw new Error(JSON.stringify(loaded.diagnostics));
  workspace = loaded.workspace;
  const changes = createChangeService({
    store,
    clock: { now: () => now },
    workspace: () => workspace,
    env,
    signal: new AbortController().signal,
    onRecorded: (change) => recorded.push(change),
    newId: () => `chg-${recorded.length + 1}`,
  });
  return createServer({ service: new FakeIncidentService(), changes });
}

beforeEach(async () => {
  now = NOW;
  recorded.length = 0;
  dir = await mkdtemp(join(tmpdir(), 'lifeline-changes-'));
  store = await openSqliteStore({ path: ':memory:' });
  app = await serverFor(YAML);
});

afterEach(async () => {
  await app?.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function stored(): Promise<ChangeRecord[]> {
  return (await store.listChanges()).items;
}

/** A webhook request signed as the webhook channel signs, at `at` (epoch ms). */
function webhook(body: string, at = now, secret = HOOK_SECRET) {
  const timestamp = String(Math.floor(at / 1000));
  return {
    method: 'POST' as const,
    url: '/api/v1/changes/webhook',
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-lifeline-timestamp': timestamp,
      'x-lifeline-signature': webhookSignature(secret, timestamp, body),
    },
  };
}

function github(body = GITHUB_BODY, event = 'deployment_status', query = '', secret = GITHUB_SECRET) {
  return {
    method: 'POST' as const,
    url: `/api/v1/changes/github${query}`,
    payload: body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'x-hub-signature-256': signMessage(secret, body),
    },
  };
}

describe('POST /api/v1/changes', () => {
  it('records a change with 201, filling the team from the integration owner', async () => {
    const { status, body } = await call(app, 'POST', '/api/v1/changes', {
      integration: 'payments',
      kind: 'deploy',
      ref: 'v2.14.0',
      by: 'alice',
      at: '2026-01-01T11:55:00Z',
    });
    expect(status).toBe(201);
    const expected = {
      id: 'chg-1',
      integration: 'payments',
      team: 'payments-team',
      kind: 'deploy',
      ref: 'v2.14.0',
      by: 'alice',
      at: Date.parse('2026-01-01T11:55:00Z'),
      source: 'api',
    };
    expect(body).toEqual(expected);
    expect(await stored()).toEqual([expected]);
    expect(recorded).toEqual([expected]);
  });

  it('answers 200 with the stored change when the same id is recorded again', async () => {
    const change = { id: 'deploy-42', kind: 'deploy', ref: 'v42', at: NOW, source: 'cli' };
    expect((await call(app, 'POST', '/api/v1/changes', change)).status).toBe(201);
    const again = await call(app, 'POST', '/api/v1/changes', { ...change, ref: 'v43' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: 'deploy-42', ref: 'v42', source: 'cli' });
    expect(await stored()).toHaveLength(1);
    expect(recorded).toHaveLength(1);
  });

  it.each([
    [
      { integration: 'nope', kind: 'deploy', ref: 'v1' },
      'integration',
      'body `integration` no integration nope in the workspace',
    ],
    [{ team: 'nobody', kind: 'deploy', ref: 'v1' }, 'team', 'body `team` no team nobody in the workspace'],
    [{ kind: 'reboot', ref: 'v1' }, 'kind', undefined],
    [{ kind: 'deploy' }, 'ref', 'body `ref` is required'],
    [{ kind: 'deploy', ref: 'v1', at: '2026-02-30T25:00:00Z' }, 'at', undefined],
    [{ kind: 'deploy', ref: 'v1', colour: 'red' }, 'colour', 'body `colour` is not a known field'],
  ])('refuses %j with 400 naming the field, recording nothing', async (payload, field, detail) => {
    const { status, contentType, body } = await call(app, 'POST', '/api/v1/changes', payload);
    expect(status).toBe(400);
    expect(contentType).toBe(PROBLEM);
    expect(body).toMatchObject({ type: 'https://lifeline.dev/problems/invalid-request', field, in: 'body' });
    if (detail) expect(body.detail).toBe(detail);
    expect(await stored()).toEqual([]);
  });
});

describe('GET /api/v1/changes', () => {
  it('lists newest first with integration and time filters, paging by cursor', async () => {
    for (const [id, minutes, integration] of [
      ['a', -90, 'payments'],
      ['b', -30, undefined],
      ['c', -10, 'payments'],
    ] as const) {
      await call(app, 'POST', '/api/v1/changes', {
        id,
        kind: 'config',
        ref: id,
        at: NOW + minutes * 60_000,
        ...(integration ? { integration } : {}),
      });
    }
    const ids = (body: Record<string, unknown>) => (body.items as ChangeRecord[]).map((c) => c.id);
    expect(ids((await call(app, 'GET', '/api/v1/changes')).body)).toEqual(['c', 'b', 'a']);
    expect(ids((await call(app, 'GET', '/api/v1/changes?integration=payments')).body)).toEqual(['c', 'a']);
    const since = new Date(NOW - 60 * 60_000).toISOString();
    expect(ids((await call(app, 'GET', `/api/v1/changes?since=${since}`)).body)).toEqual(['c', 'b']);
    expect(ids((await call(app, 'GET', `/api/v1/changes?until=${NOW - 30 * 60_000}`)).body)).toEqual(['a']);
    const first = await call(app, 'GET', '/api/v1/changes?limit=2');
    expect(ids(first.body)).toEqual(['c', 'b']);
    const next = await call(app, 'GET', `/api/v1/changes?limit=2&cursor=${String(first.body.nextCursor)}`);
    expect(next.body).toEqual({ items: [expect.objectContaining({ id: 'a' })] });
  });

  it('refuses a bad time, an unknown parameter and a foreign cursor', async () => {
    expect((await call(app, 'GET', '/api/v1/changes?since=yesterday')).body).toMatchObject({
      field: 'since',
    });
    expect((await call(app, 'GET', '/api/v1/changes?kind=deploy')).body).toMatchObject({ field: 'kind' });
    const cursor = await call(app, 'GET', '/api/v1/changes?cursor=abc');
    expect(cursor).toMatchObject({ status: 400, body: { field: 'cursor' } });
  });
});

describe('POST /api/v1/changes/webhook', () => {
  const BODY = JSON.stringify({ integration: 'payments', kind: 'key-rotation', ref: 'key-7', by: 'vault' });

  it('records a change signed as the webhook channel signs (Lifeline to Lifeline)', async () => {
    const response = await app.inject(webhook(BODY));
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({
      integration: 'payments',
      kind: 'key-rotation',
      source: 'webhook',
      at: NOW,
      id: expect.stringMatching(/^webhook-[0-9a-f]{32}$/),
    });
    // The same delivery again (a retry) is the same change.
    const retry = await app.inject(webhook(BODY, now + 1000));
    expect(retry.statusCode).toBe(200);
    expect(await stored()).toHaveLength(1);
    expect(recorded.map((c) => c.kind)).toEqual(['key-rotation']);
  });

  it.each([
    ['a bad signature', () => ({ ...webhook(BODY, NOW, 'wrong-secret') })],
    ['a body changed after signing', () => ({ ...webhook(BODY), payload: BODY.replace('key-7', 'key-8') })],
    [
      'no signature',
      () => {
        const request = webhook(BODY);
        const { 'x-lifeline-signature': _, ...headers } = request.headers;
        return { ...request, headers };
      },
    ],
    ['an old timestamp', () => webhook(BODY, NOW - 61_000)],
    ['a timestamp from the future', () => webhook(BODY, NOW + 61_000)],
  ])('answers 401 to %s and records nothing', async (_, request) => {
    const response = await app.inject(request());
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe(PROBLEM);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'https://lifeline.dev/problems/unauthorized' });
    expect(response.body).not.toContain(HOOK_SECRET);
    expect(await stored()).toEqual([]);
  });

  it.each([
    ['not JSON', '{"kind": "deploy",', ''],
    ['not an object', '[1, 2]', ''],
    ['without a ref', JSON.stringify({ kind: 'deploy' }), 'ref'],
    ['with an unknown kind', JSON.stringify({ kind: 'reboot', ref: 'x' }), 'kind'],
    [
      'for an unknown integration',
      JSON.stringify({ kind: 'deploy', ref: 'x', integration: 'nope' }),
      'integration',
    ],
  ])('answers 400 to a signed body %s, naming the field, and records nothing', async (_, body, field) => {
    const response = await app.inject(webhook(body));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'https://lifeline.dev/problems/invalid-request',
      field,
    });
    expect(await stored()).toEqual([]);
  });

  it('is a 404 problem when the workspace has no webhook secret, and 503 when it cannot be resolved', async () => {
    await app.close();
    app = await serverFor(YAML.replace(/ {2}webhook: .*\n/, ''));
    const off = await app.inject(webhook(BODY));
    expect(off.statusCode).toBe(404);
    expect(JSON.parse(off.body).detail).toMatch(/changes\.webhook\.secret/);
    await app.close();
    app = await serverFor(YAML, { GITHUB_HOOK_SECRET: GITHUB_SECRET });
    const unresolved = await app.inject(webhook(BODY));
    expect(unresolved.statusCode).toBe(503);
    expect(JSON.parse(unresolved.body).detail).toMatch(/CHANGE_HOOK_SECRET/);
    expect(await stored()).toEqual([]);
  });
});

describe('POST /api/v1/changes/github', () => {
  it("records GitHub's example deployment_status as a deploy, once per delivery", async () => {
    const response = await app.inject(github(GITHUB_BODY, 'deployment_status', '?integration=payments'));
    expect(response.statusCode).toBe(201);
    expect(JSON.parse(response.body)).toEqual({
      id: 'github:Codertocat/Hello-World:209916254',
      kind: 'deploy',
      ref: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      at: Date.parse('2019-05-15T15:20:55Z'),
      source: 'github',
      service: 'Hello-World',
      integration: 'payments',
      team: 'payments-team',
      by: 'Codertocat',
      environment: 'production',
      summary: 'Codertocat/Hello-World master deployed to production',
      url: 'https://github.com/Codertocat/Hello-World/commit/f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    });
    expect(
      (await app.inject(github(GITHUB_BODY, 'deployment_status', '?integration=payments'))).statusCode,
    ).toBe(200);
    expect(await stored()).toHaveLength(1);
  });

  it('accepts the form-encoded content type GitHub can send', async () => {
    const form = new URLSearchParams({ payload: GITHUB_BODY }).toString();
    const request = github(form);
    const response = await app.inject({
      ...request,
      headers: { ...request.headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(201);
    expect(await stored()).toHaveLength(1);
  });

  it('acknowledges other states and events with 202 and records nothing', async () => {
    const pending = GITHUB_BODY.replace('"state": "success"', '"state": "pending"');
    const ignored = await app.inject(github(pending));
    expect(ignored.statusCode).toBe(202);
    expect(JSON.parse(ignored.body)).toEqual({
      ignored: true,
      reason: 'deployment status pending is not success',
    });
    const ping = await app.inject(github(JSON.stringify({ zen: 'Keep it logically awesome.' }), 'ping'));
    expect(ping.statusCode).toBe(202);
    expect(await stored()).toEqual([]);
  });

  it('refuses a bad signature with 401 and a malformed payload with 400, recording nothing', async () => {
    expect((await app.inject(github(GITHUB_BODY, 'deployment_status', '', 'wrong'))).statusCode).toBe(401);
    const tampered = { ...github(), payload: GITHUB_BODY.replace('Codertocat', 'Mallory') };
    expect((await app.inject(tampered)).statusCode).toBe(401);
    const broken = await app.inject(github('{"deployment_status": '));
    expect(broken.statusCode).toBe(400);
    const noSha = await app.inject(github(JSON.stringify({ deployment_status: { state: 'success' } })));
    expect(JSON.parse(noSha.body)).toMatchObject({ field: 'deployment' });
    const unknown = await app.inject(github(GITHUB_BODY, 'deployment_status', '?integration=nope'));
    expect(JSON.parse(unknown.body)).toMatchObject({ status: 400, field: 'integration' });
    expect(await stored()).toEqual([]);
  });
});
