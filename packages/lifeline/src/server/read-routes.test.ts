import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../auth/issue-token.js';
import type { CheckHealth, IntegrationHealth, PlaybookSummary, SeriesPoint } from '../daemon/read-service.js';
import type { OutboxSummary } from '../store/engine-records.js';
import type { StoredCheckResult } from '../store/store.js';
import { makeIncident } from './test-support/fake-incident-service.js';
import { call } from './test-support/inject.js';
import { NOW, readFixture, seed, type ReadFixture } from './test-support/read-fixture.js';

const MINUTE = 60_000;
let fixture: ReadFixture;

beforeEach(async () => {
  fixture = await readFixture();
  await seed(fixture.store);
});
afterEach(async () => fixture.close());

const get = (url: string) => call(fixture.app, 'GET', url);

describe('GET /api/v1/integrations', () => {
  it('gives each integration its status from the latest results, windows, open incidents and SLO', async () => {
    const answer = await get('/api/v1/integrations');
    expect(answer.status).toBe(200);
    const items = answer.body.items as unknown as IntegrationHealth[];
    expect(items.map((item) => item.id)).toEqual(fixture.workspace.integrations.map((i) => i.id));
    const byId = Object.fromEntries(items.map((item) => [item.id, item]));

    const payments = byId.payments!;
    expect(payments.status).toBe('up');
    expect(payments.lastResultAt).toBe(NOW - MINUTE);
    // INC-1 and INC-4 are open on payments; INC-3 is resolved.
    expect(payments.openIncidents).toBe(2);
    // The 5 minutes before now hold the last five results; the hour holds all ten.
    expect(payments.windows['5m']).toMatchObject({
      windowMs: 5 * MINUTE,
      count: 5,
      failures: 0,
      errorRate: 0,
    });
    expect(payments.windows['1h']).toMatchObject({ count: 10, failures: 0 });
    // Nine results near 100 ms and one of 1500 ms: the median is ~104 ms, p99 the slow one (within a bucket).
    expect(payments.windows['1h'].p50).toBeGreaterThan(95);
    expect(payments.windows['1h'].p50).toBeLessThan(115);
    expect(payments.windows['1h'].p99).toBeGreaterThan(1350);
    expect(payments.windows['1h'].p99).toBeLessThanOrEqual(1500);
    // slo: availability 99.9 %, error rate below 1 %, p95 below 800 ms, p99 below 2 s.
    expect(payments.slo).toMatchObject({
      windowMs: 30 * 24 * 60 * MINUTE,
      availability: { target: expect.closeTo(0.999, 9), actual: 1, met: true },
      errorRate: { below: 0.01, actual: 0, met: true },
    });
    expect(payments.slo!.latency.map((l) => [l.percentile, l.belowMs, l.met])).toEqual([
      ['p95', 800, false],
      ['p99', 2000, true],
    ]);

    const shipping = byId.shipping!;
    expect(shipping.status).toBe('down');
    expect(shipping.openIncidents).toBe(1);
    expect(shipping.windows['5m']).toMatchObject({ count: 1, failures: 1, errorRate: 1 });

    const identity = byId.identity!;
    expect(identity).toMatchObject({ status: 'unknown', lastResultAt: null, openIncidents: 0 });
    expect(identity.windows).not.toHaveProperty('24h');
    expect(identity.windows['1h']).toEqual({
      windowMs: 60 * MINUTE,
      count: 0,
      failures: 0,
      errorRate: null,
      p50: null,
      p95: null,
      p99: null,
    });
    expect(identity.slo!.errorRate).toEqual({ below: 0.005, actual: null, met: null });
  });

  it('calls an integration degraded when a check is slow or some but not all fail', async () => {
    await fixture.store.recordCheckResults([
      {
        integration: 'payments',
        check: 'payments-tls',
        kind: 'tls',
        ok: false,
        class: 'tls',
        latencyMs: 20,
        signature: 'tls',
        message: 'certificate expired',
        startedAt: NOW - 1000,
        attempts: 1,
      },
    ]);
    const answer = await get('/api/v1/integrations');
    const payments = (answer.body.items as Record<string, unknown>[]).find((item) => item.id === 'payments');
    expect(payments?.status).toBe('degraded');
  });

  it('pages through the integrations in workspace order with `limit` and `cursor`', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await get(`/api/v1/integrations?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      const items = answer.body.items as unknown as IntegrationHealth[];
      expect(items).toHaveLength(1);
      ids.push(items[0]!.id);
      cursor = answer.body.nextCursor as string | undefined;
      pages++;
    } while (cursor !== undefined);
    expect(ids).toEqual(fixture.workspace.integrations.map((i) => i.id));
    expect(pages).toBe(fixture.workspace.integrations.length);

    const stale = await get(`/api/v1/integrations?cursor=${Buffer.from('gone').toString('base64url')}`);
    expect(stale.status).toBe(400);
    expect(stale.body).toMatchObject({ field: 'cursor', in: 'querystring' });
    const tooMany = await get('/api/v1/integrations?limit=1001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ field: 'limit' });
  });

  it('shows the cached SLO with when it was computed', async () => {
    const answer = await get('/api/v1/integrations');
    const payments = (answer.body.items as unknown as IntegrationHealth[]).find((i) => i.id === 'payments');
    expect(payments?.slo?.computedAt).toBe(NOW);
  });

  it('refuses an unknown query parameter, naming it', async () => {
    const answer = await get('/api/v1/integrations?verbose=1');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ field: 'verbose', in: 'querystring' });
  });
});

describe('GET /api/v1/integrations/:id', () => {
  it('adds its checks with their interval, status and latest result', async () => {
    const answer = await get('/api/v1/integrations/payments');
    expect(answer.status).toBe(200);
    const checks = answer.body.checks as unknown as CheckHealth[];
    const declared = fixture.workspace.integrations.find((i) => i.id === 'payments')!.checks!;
    expect(checks.map((check) => check.id)).toEqual(declared.map((check) => check.id));
    const up = checks.find((check) => check.id === 'payments-charges-up')!;
    expect(up).toMatchObject({ kind: 'http', status: 'up' });
    expect(up.intervalMs).toBeGreaterThan(0);
    expect(up.latest).toMatchObject({ latencyMs: 1500, startedAt: NOW - MINUTE, ok: true });
    expect(typeof up.latest!.id).toBe('string');
    const tls = checks.find((check) => check.id === 'payments-tls')!;
    expect(tls).toMatchObject({ status: 'unknown', latest: null });
  });

  it('is a 404 problem for an unknown integration', async () => {
    const answer = await get('/api/v1/integrations/nope');
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe('https://lifeline.dev/problems/not-found');
  });
});

describe('GET /api/v1/integrations/:id/series', () => {
  it('answers minute buckets over the last day by default, oldest first', async () => {
    const answer = await get('/api/v1/integrations/payments/series');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      integration: 'payments',
      resolution: 'minute',
      bucketMs: MINUTE,
      since: NOW - 24 * 60 * MINUTE,
      until: NOW,
    });
    const points = answer.body.points as unknown as SeriesPoint[];
    expect(points.map((point) => point.start)).toEqual(
      Array.from({ length: 10 }, (_, i) => NOW - (10 - i) * MINUTE),
    );
    expect(points[9]).toMatchObject({ count: 1, failures: 0, errorRate: 0, byClass: { ok: 1 } });
  });

  it('adds checks up per bucket at a coarser resolution and takes ISO times', async () => {
    const since = new Date(NOW - 60 * MINUTE).toISOString();
    const answer = await get(
      `/api/v1/integrations/payments/series?resolution=hour&since=${since}&until=${NOW}`,
    );
    expect(answer.status).toBe(200);
    const points = answer.body.points as unknown as SeriesPoint[];
    expect(points).toHaveLength(1);
    expect(points[0]).toMatchObject({ start: NOW - 60 * MINUTE, bucketMs: 60 * MINUTE, count: 10 });
  });

  it.each([
    ['resolution=minute&since=0', 'resolution'],
    ['check=shipping-rates-up', 'check'],
    [`since=${NOW}&until=${NOW - 1}`, 'since'],
    ['since=2026-13-45', 'since'],
    ['resolution=week', 'resolution'],
  ])('refuses %s with a 400 naming %s', async (query, field) => {
    const answer = await get(`/api/v1/integrations/payments/series?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field, in: 'querystring' });
  });
});

describe('GET /api/v1/results', () => {
  it('pages newest first by cursor, filters kept between pages', async () => {
    const seen: StoredCheckResult[] = [];
    let url = '/api/v1/results?integration=payments&limit=4';
    for (;;) {
      const answer = await get(url);
      expect(answer.status).toBe(200);
      seen.push(...(answer.body.items as StoredCheckResult[]));
      if (answer.body.nextCursor === undefined) break;
      url = `/api/v1/results?integration=payments&limit=4&cursor=${encodeURIComponent(String(answer.body.nextCursor))}`;
    }
    expect(seen).toHaveLength(10);
    expect(seen.map((r) => r.startedAt)).toEqual([...seen.map((r) => r.startedAt)].sort((a, b) => b - a));
    expect(new Set(seen.map((r) => r.id)).size).toBe(10);
  });

  it('filters by class (repeatable), outcome and time range', async () => {
    const byClass = await get('/api/v1/results?class=timeout&class=unreachable');
    expect((byClass.body.items as StoredCheckResult[]).map((r) => r.check)).toEqual(['shipping-rates-up']);
    const failed = await get('/api/v1/results?ok=false');
    expect(failed.body.items).toHaveLength(1);
    const recent = await get(`/api/v1/results?integration=payments&since=${NOW - 3 * MINUTE}`);
    expect(recent.body.items).toHaveLength(3);
  });

  it.each([
    ['class=bogus', 'class.0'],
    ['limit=0', 'limit'],
    ['ok=maybe', 'ok'],
    ['cursor=not-a-cursor', 'cursor'],
    ['integration=payments&colour=red', 'colour'],
  ])('refuses %s with a 400 problem naming %s', async (query, field) => {
    const answer = await get(`/api/v1/results?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ type: 'https://lifeline.dev/problems/invalid-request', field });
  });
});

describe('GET /api/v1/deliveries', () => {
  beforeEach(async () => {
    await fixture.store.claimOutbox(NOW, { limit: 10, leaseMs: 30_000 });
    await fixture.store.completeOutbox('m1', { ok: true, providerId: 'ts-1' });
    await fixture.store.failOutbox('m2', { error: 'HTTP 500 from the mail relay', dead: true });
  });

  it('shows receipts, dead letters with their last error, and messages still on their way', async () => {
    const all = await get('/api/v1/deliveries');
    expect((all.body.items as OutboxSummary[]).map((row) => row.id)).toEqual(['m3', 'm2', 'm1']);
    const delivered = await get('/api/v1/deliveries?status=delivered');
    expect(delivered.body.items).toEqual([
      expect.objectContaining({ id: 'm1', status: 'delivered', receipt: { ok: true, providerId: 'ts-1' } }),
    ]);
    const dead = await get('/api/v1/deliveries?status=dead');
    expect(dead.body.items).toEqual([
      expect.objectContaining({ id: 'm2', attempts: 1, lastError: 'HTTP 500 from the mail relay' }),
    ]);
    // m3 is being delivered right now: still pending as far as a reader is concerned.
    const pending = await get('/api/v1/deliveries?status=pending&incident=INC-1&channel=pager');
    expect(pending.body.items).toEqual([expect.objectContaining({ id: 'm3', status: 'delivering' })]);
  });

  it('refuses a status it does not know, naming the field and the values it takes', async () => {
    const answer = await get('/api/v1/deliveries?status=lost');
    expect(answer.status).toBe(400);
    expect(answer.body.field).toBe('status');
    expect(answer.body.detail).toContain('delivered, pending, dead');
  });
});

describe('playbooks', () => {
  it('lists the playbooks of the workspace', async () => {
    const answer = await get('/api/v1/playbooks');
    expect(answer.status).toBe(200);
    const items = answer.body.items as PlaybookSummary[];
    expect(items.map((p) => p.id)).toEqual(fixture.workspace.playbooks.map((p) => p.id));
    const latency = items.find((p) => p.id === 'payments-latency')!;
    const declared = fixture.workspace.playbooks.find((p) => p.id === 'payments-latency')!;
    expect(latency).toMatchObject({ integration: 'payments', steps: declared.steps.length });
  });

  it('plans one with the values given, as the CLI does', async () => {
    const answer = await get('/api/v1/playbooks/payments-latency/plan?value=value=1.4s');
    expect(answer.status).toBe(200);
    expect(answer.body.playbook).toMatchObject({ id: 'payments-latency', integration: 'payments' });
    expect((answer.body.trigger as { values: unknown }).values).toEqual({ value: '1.4s' });
    expect((answer.body.steps as unknown[]).length).toBeGreaterThan(0);
  });

  it('is a 404 for an unknown playbook and a 400 for a value without a name', async () => {
    expect((await get('/api/v1/playbooks/nope/plan')).status).toBe(404);
    const bad = await get('/api/v1/playbooks/payments-latency/plan?value=1.4s');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('value.0');
  });
});

describe('GET /api/v1/incidents/:id with the read service', () => {
  it('counts each response target down from now: negative once overdue, null once met', async () => {
    const targets = [
      { kind: 'acknowledge', status: 'met', dueAt: NOW + 1000, metAt: NOW - 5000 },
      { kind: 'firstAction', status: 'breached', dueAt: NOW - 1000 },
      { kind: 'resolve', status: 'pending', dueAt: NOW + 5 * MINUTE },
    ].map((t) => ({ durationMs: 0, startedAt: NOW - MINUTE, atRiskAt: NOW, ...t })) as never;
    fixture.incidents.incidents.set('INC-9', makeIncident('INC-9', { targets }));
    const answer = await get('/api/v1/incidents/INC-9');
    expect(answer.status).toBe(200);
    expect(answer.body.now).toBe(NOW);
    expect(answer.body.countdowns).toEqual([
      { kind: 'acknowledge', status: 'met', dueAt: NOW + 1000, remainingMs: null },
      { kind: 'firstAction', status: 'breached', dueAt: NOW - 1000, remainingMs: -1000 },
      { kind: 'resolve', status: 'pending', dueAt: NOW + 5 * MINUTE, remainingMs: 5 * MINUTE },
    ]);
    // The rest of the incident is as the incident service gave it: timeline, run, targets.
    expect(answer.body).toMatchObject({
      id: 'INC-9',
      run: { status: 'running' },
      targets: expect.any(Array),
    });
  });
});

describe('unknown query parameters on an incident', () => {
  it('are refused by name', async () => {
    const answer = await get('/api/v1/incidents/INC-1?expand=timeline');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field: 'expand', in: 'querystring' });
  });
});

describe('with API tokens', () => {
  it('needs a viewer token once one exists', async () => {
    await fixture.close();
    fixture = await readFixture((store) => ({ auth: { store } }));
    const issued = await issueToken(fixture.store, { name: 'wallboard', role: 'viewer', now: NOW });
    for (const url of [
      '/api/v1/integrations',
      '/api/v1/results',
      '/api/v1/playbooks',
      '/api/v1/deliveries',
    ]) {
      expect((await get(url)).status, url).toBe(401);
      const answer = await call(fixture.app, 'GET', url, undefined, {
        authorization: `Bearer ${issued.token}`,
      });
      expect(answer.status, url).toBe(200);
    }
  });
});
