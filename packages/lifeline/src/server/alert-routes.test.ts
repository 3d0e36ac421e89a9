/**
 * The alert routes through `fastify.inject`, over the daemon's real `AlertService` with its store write and
 * signal evaluation replaced by recorders: 202 with the count, 400 naming the field with nothing recorded, and
 * the bearer token of `alerts.token` (401 without it, before the body is read).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../checks/scheduler/index.js';
import { DaemonAlerts } from '../daemon/alert-service-impl.js';
import { silentLogger } from '../daemon/logger.js';
import type { EngineStateEntry } from '../store/engine-records.js';
import type { Workspace } from '../workspace/model.js';
import { call, testServer } from './test-support/inject.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const NOW = Date.UTC(2026, 0, 1, 12, 5);
const TOKEN = 'alert-token-7f3a';
const payload = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../alerts/fixtures/alertmanager-firing.json', import.meta.url), 'utf8'));

function setup(options: { token?: boolean } = {}) {
  const writes: EngineStateEntry[][] = [];
  let evaluations = 0;
  const workspace = {
    dir: '/nonexistent',
    ...(options.token && { alerts: { token: { source: 'env', name: 'LIFELINE_ALERT_TOKEN' } } }),
  } as unknown as Workspace;
  const alerts = new DaemonAlerts({
    clock: new FakeClock(NOW),
    logger: silentLogger,
    persisted: [],
    exclusive: (task) => task(),
    write: async (entries) => {
      writes.push(entries);
    },
    evaluate: async () => {
      evaluations += 1;
    },
    workspace: () => workspace,
    env: { LIFELINE_ALERT_TOKEN: TOKEN },
  });
  const { app } = testServer({ alerts });
  return { app, alerts, writes, evaluations: () => evaluations };
}

describe('POST /api/v1/alerts/alertmanager', () => {
  it('records the firing alerts of a webhook payload and evaluates at once: 202 with the count', async () => {
    const { app, alerts, writes, evaluations } = setup();
    const { status, body } = await call(app, 'POST', '/api/v1/alerts/alertmanager', payload());
    expect(status).toBe(202);
    expect(body).toEqual({ accepted: 2 });
    // The resolved one was never held: only the firing one is written.
    expect(writes).toEqual([[{ key: 'alert:alertmanager:c6a0c3f5e1b2d4a7', document: expect.any(Object) }]]);
    expect([...alerts.current().keys()]).toEqual(['alertmanager:c6a0c3f5e1b2d4a7']);
    expect(evaluations()).toBe(1);
  });

  it('answers 400 naming the field of a malformed payload, and records nothing', async () => {
    const { app, alerts, writes, evaluations } = setup();
    const bad = payload();
    (bad.alerts as Record<string, unknown>[])[1]!.startsAt = 'soon';
    const { status, contentType, body } = await call(app, 'POST', '/api/v1/alerts/alertmanager', bad);
    expect(status).toBe(400);
    expect(contentType).toBe(PROBLEM);
    expect(body).toMatchObject({
      type: 'https://lifeline.dev/problems/invalid-request',
      detail: 'body `alerts.1.startsAt` must be an RFC 3339 time, e.g. 2026-01-01T12:00:00Z',
      field: 'alerts.1.startsAt',
      in: 'body',
    });
    expect(writes).toEqual([]);
    expect(alerts.current().size).toBe(0);
    expect(evaluations()).toBe(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { app, writes } = setup();
    const { status, body } = await call(app, 'POST', '/api/v1/alerts/alertmanager', '{"version": "4",');
    expect(status).toBe(400);
    expect(body).toMatchObject({ detail: 'the body is not valid JSON' });
    expect(writes).toEqual([]);
  });
});

describe('POST /api/v1/alerts', () => {
  it('takes one generic alert, then its resolve by the same name and labels', async () => {
    const { app, alerts, writes } = setup();
    const firing = await call(app, 'POST', '/api/v1/alerts', {
      name: 'QueueBacklog',
      labels: { queue: 'charges' },
    });
    expect(firing).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(alerts.current().size).toBe(1);
    const resolved = await call(app, 'POST', '/api/v1/alerts', [
      { name: 'QueueBacklog', labels: { queue: 'charges' }, status: 'resolved' },
    ]);
    expect(resolved).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(alerts.current().size).toBe(0);
    expect(writes.map((entries) => entries.map((e) => e.document === null))).toEqual([[false], [true]]);
  });

  it('answers 400 naming an unknown field', async () => {
    const { app, writes } = setup();
    const { status, body } = await call(app, 'POST', '/api/v1/alerts', { name: 'X', sevrity: 'page' });
    expect(status).toBe(400);
    expect(body).toMatchObject({ field: 'sevrity', detail: 'body `sevrity` is not a known field' });
    expect(body.errors).toEqual([{ field: 'sevrity', in: 'body', message: 'is not a known field' }]);
    expect(writes).toEqual([]);
  });
});

describe('alerts.token', () => {
  it('refuses a request without the bearer token with 401, before reading the body', async () => {
    const { app, writes } = setup({ token: true });
    const missing = await call(app, 'POST', '/api/v1/alerts', { name: 'X' });
    expect(missing.status).toBe(401);
    expect(missing.contentType).toBe(PROBLEM);
    expect(missing.body).toMatchObject({ type: 'https://lifeline.dev/problems/unauthorized' });
    const wrong = await call(app, 'POST', '/api/v1/alerts', 'not even json', {
      authorization: 'Bearer nope',
    });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN);
    expect(writes).toEqual([]);
  });

  it('accepts the right bearer token', async () => {
    const { app } = setup({ token: true });
    const { status } = await call(app, 'POST', '/api/v1/alerts/alertmanager', payload(), {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(status).toBe(202);
  });
});
