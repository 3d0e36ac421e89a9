/**
 * The HTTP API over a fake `IncidentService` through `fastify.inject`: health, incident reads with query
 * validation, and every command route with the outcome it maps to.
 */
import { describe, expect, it } from 'vitest';
import { healthyReport } from './test-support/fake-incident-service.js';
import { call, testServer } from './test-support/inject.js';

const PROBLEM = 'application/problem+json; charset=utf-8';

describe('GET /healthz', () => {
  it('answers 200 with the report when the daemon is ok', async () => {
    const { app } = testServer();
    const { status, body } = await call(app, 'GET', '/healthz');
    expect(status).toBe(200);
    expect(body).toEqual(healthyReport());
  });

  it('stays 200 after a failed reload and includes its diagnostics', async () => {
    const { app, service } = testServer();
    const diagnostics = [
      {
        code: 'unknown-key',
        severity: 'error',
        file: 'lifeline.yaml',
        line: 3,
        col: 1,
        message: 'unknown key `x`',
      },
    ] as const;
    service.report = healthyReport({
      workspace: {
        ...healthyReport().workspace,
        lastReloadError: { at: '2026-01-01T00:05:00.000Z', diagnostics: [...diagnostics] },
      },
    });
    const { status, body } = await call(app, 'GET', '/healthz');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, workspace: { lastReloadError: { diagnostics } } });
  });

  it('answers 503 with the report when the store is down', async () => {
    const { app, service } = testServer();
    service.report = healthyReport({ ok: false, store: { ok: false, path: '.lifeline/lifeline.db' } });
    const { status, body } = await call(app, 'GET', '/healthz');
    expect(status).toBe(503);
    expect(body).toMatchObject({ ok: false, store: { ok: false } });
  });
});

describe('GET /api/v1/incidents', () => {
  it('lists incidents as { items } without a cursor when there is no next page', async () => {
    const { app } = testServer();
    const { status, body } = await call(app, 'GET', '/api/v1/incidents');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['items']);
    expect((body.items as { id: string }[]).map((i) => i.id)).toEqual(['INC-1', 'INC-2', 'INC-3', 'INC-4']);
  });

  it('lists summaries: no timeline, run steps or values (the detail keeps them)', async () => {
    const { app } = testServer();
    const { body } = await call(app, 'GET', '/api/v1/incidents?limit=1');
    const [item] = body.items as Record<string, unknown>[];
    expect(item).toMatchObject({ id: 'INC-1', status: 'triggered', ownerTeam: expect.any(String) });
    expect(item).toHaveProperty('run.status');
    for (const key of ['timeline', 'values', 'targets', 'affected', 'escalation'])
      expect(item).not.toHaveProperty(key);
    expect(item).not.toHaveProperty('run.steps');
    const detail = await call(app, 'GET', '/api/v1/incidents/INC-1');
    expect(detail.body).toHaveProperty('timeline');
    expect(detail.body).toHaveProperty('run.steps');
  });

  it('passes the filters to the service and pages with limit and cursor', async () => {
    const { app } = testServer();
    const first = await call(app, 'GET', '/api/v1/incidents?status=triggered&limit=1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ items: [{ id: 'INC-1' }], nextCursor: 'c1' });
    const second = await call(app, 'GET', `/api/v1/incidents?status=triggered&limit=1&cursor=c1`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: 'INC-4' })] });
    const bySeverity = await call(app, 'GET', '/api/v1/incidents?severity=sev1&integration=shipping');
    expect((bySeverity.body.items as { id: string }[]).map((i) => i.id)).toEqual(['INC-2']);
  });

  it.each([
    [
      'status=open',
      'status',
      'query parameter `status` must be one of triggered, acknowledged, mitigated, resolved',
    ],
    ['limit=0', 'limit', 'query parameter `limit` must be >= 1'],
    ['limit=ten', 'limit', 'query parameter `limit` must be integer'],
    ['limit=501', 'limit', 'query parameter `limit` must be <= 500'],
    ['state=triggered', 'state', 'query parameter `state` is not a known field'],
  ])('rejects ?%s with a 400 naming the field', async (query, field, detail) => {
    const { app } = testServer();
    const { status, contentType, body } = await call(app, 'GET', `/api/v1/incidents?${query}`);
    expect(status).toBe(400);
    expect(contentType).toBe(PROBLEM);
    expect(body).toMatchObject({
      type: 'https://lifeline.dev/problems/invalid-request',
      title: 'Invalid request',
      status: 400,
      detail,
      field,
      in: 'querystring',
    });
  });

  it('answers a cursor the store did not issue with a 400 on the cursor field', async () => {
    const { app } = testServer();
    const { status, body } = await call(app, 'GET', '/api/v1/incidents?cursor=bogus');
    expect(status).toBe(400);
    expect(body).toMatchObject({ field: 'cursor', in: 'querystring' });
  });
});

describe('GET /api/v1/incidents/:id', () => {
  it('answers the incident', async () => {
    const { app } = testServer();
    const { status, body } = await call(app, 'GET', '/api/v1/incidents/INC-2');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'INC-2', status: 'acknowledged', severity: 'sev1' });
  });

  it('answers 404 not-found for an unknown incident', async () => {
    const { app } = testServer();
    const { status, contentType, body } = await call(app, 'GET', '/api/v1/incidents/INC-99');
    expect(status).toBe(404);
    expect(contentType).toBe(PROBLEM);
    expect(body).toEqual({
      type: 'https://lifeline.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no incident INC-99',
    });
  });
});

describe('POST /api/v1/incidents/:id/<command>', () => {
  it.each([
    ['INC-1', 'ack', { actor: 'alice', text: 'looking' }, { kind: 'acknowledge' }, 'acknowledged'],
    ['INC-1', 'mitigate', { actor: 'alice' }, { kind: 'mitigate' }, 'mitigated'],
    ['INC-2', 'resolve', { actor: 'alice', text: 'vendor fixed it' }, { kind: 'resolve' }, 'resolved'],
    ['INC-1', 'note', { actor: 'bob', text: 'vendor status page is green' }, { kind: 'note' }, 'triggered'],
    [
      'INC-1',
      'assign',
      { actor: 'alice', assignee: 'bob' },
      { kind: 'assign', assignee: 'bob' },
      'triggered',
    ],
    [
      'INC-1',
      'attempt',
      { actor: 'bob', text: 'restarted the worker' },
      { kind: 'mark-attempt' },
      'triggered',
    ],
    [
      'INC-4',
      'approve',
      { actor: 'alice', step: 'switch-to-cached' },
      { kind: 'approve', stepId: 'switch-to-cached' },
      'triggered',
    ],
    [
      'INC-4',
      'decline',
      { actor: 'alice', step: 'switch-to-cached' },
      { kind: 'decline', stepId: 'switch-to-cached' },
      'triggered',
    ],
  ])('%s %s → 200 with the incident after the command', async (id, action, body, event, status) => {
    const { app, service } = testServer();
    const answer = await call(app, 'POST', `/api/v1/incidents/${id}/${action}`, body);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.body).toMatchObject({ id, status });
    expect(answer.body).not.toHaveProperty('note');
    const text = 'text' in body ? { text: body.text } : {};
    expect(service.commands).toEqual([{ incidentId: id, actor: body.actor, ...text, ...event }]);
  });

  it('steps/:step/done → step-done with the step from the path', async () => {
    const { app, service } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-4/steps/call-vendor/done', {
      actor: 'bob',
    });
    expect(answer.status).toBe(200);
    expect(service.commands).toEqual([
      { kind: 'step-done', incidentId: 'INC-4', stepId: 'call-vendor', actor: 'bob' },
    ]);
    const run = answer.body.run as { steps: { stepId: string; status: string; by?: string }[] };
    expect(run.steps.find((s) => s.stepId === 'call-vendor')).toMatchObject({
      status: 'succeeded',
      by: 'bob',
    });
  });

  it('ignored → 200 with the incident and a note', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-3/attempt', { actor: 'bob' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: 'INC-3',
      status: 'resolved',
      note: 'incident INC-3 is resolved',
    });
  });

  it('not-found → 404 problem', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-99/ack', { actor: 'alice' });
    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: 'https://lifeline.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'no incident INC-99',
    });
  });

  it('conflict → 409 problem including the current incident', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-3/resolve', { actor: 'alice' });
    expect(answer.status).toBe(409);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toMatchObject({
      type: 'https://lifeline.dev/problems/conflict',
      title: 'Conflict',
      status: 409,
      detail: 'incident INC-3 is already resolved',
      incident: { id: 'INC-3', status: 'resolved' },
    });
  });

  it('forbidden → 403 problem', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-4/approve', {
      actor: 'bob',
      step: 'switch-to-cached',
    });
    expect(answer.status).toBe(403);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: 'https://lifeline.dev/problems/forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'bob may not answer step switch-to-cached',
    });
  });

  it.each([
    ['ack', {}, 'actor', 'body `actor` is required'],
    ['ack', { actor: '' }, 'actor', 'body `actor` must NOT have fewer than 1 characters'],
    ['ack', { actor: 42 }, 'actor', 'body `actor` must be string'],
    ['ack', { actor: 'alice', asignee: 'bob' }, 'asignee', 'body `asignee` is not a known field'],
    ['note', { actor: 'alice' }, 'text', 'body `text` is required'],
    ['note', { actor: 'alice', text: '' }, 'text', 'body `text` must NOT have fewer than 1 characters'],
    ['assign', { actor: 'alice' }, 'assignee', 'body `assignee` is required'],
    ['approve', { actor: 'alice' }, 'step', 'body `step` is required'],
  ])('%s with %j → 400 naming the field', async (action, body, field, detail) => {
    const { app, service } = testServer();
    const answer = await call(app, 'POST', `/api/v1/incidents/INC-1/${action}`, body);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toMatchObject({
      type: 'https://lifeline.dev/problems/invalid-request',
      status: 400,
      detail,
      field,
      in: 'body',
    });
    expect(service.commands).toEqual([]);
  });

  it('lists every invalid field, not only the first', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/assign', { text: 7 });
    expect(answer.body.detail).toBe('body `actor` is required (and 2 more)');
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'actor', in: 'body', message: 'is required' },
        { field: 'assignee', in: 'body', message: 'is required' },
        { field: 'text', in: 'body', message: 'must be string' },
      ]),
    );
  });

  it('a body that is not an object → 400 on the body', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', ['alice']);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ detail: 'body must be object', field: '', in: 'body' });
  });
});
