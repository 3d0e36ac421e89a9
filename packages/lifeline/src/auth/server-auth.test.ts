/**
 * Access control of the HTTP API through `fastify.inject`, on a real SQLite store and a fake incident service:
 * open while no token exists; then 401 (missing, wrong, revoked), 403 (role), 200 (role allows), 429 after
 * repeated failures on a fake clock, tokens never in the log, the actor taken from the token, and an audit row
 * for every mutating request. Also: every route the server registers declares a permission.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertService } from '../daemon/alert-service.js';
import type { ChangeService } from '../daemon/change-service.js';
import { createServer } from '../server/create-server.js';
import { call } from '../server/test-support/inject.js';
import { sampleIncidents } from '../server/test-support/inject.js';
import { FakeIncidentService } from '../server/test-support/fake-incident-service.js';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import type { Role } from './auth-records.js';
import { issueToken } from './issue-token.js';
import { requireRoutePermissions, TOKEN_CACHE_MS, TOKEN_USE_PRECISION_MS } from './server-auth.js';

const T0 = Date.UTC(2026, 0, 1);
let store: SqliteStore;
let now = T0;
let logLines: string[];

function server(): { app: FastifyInstance; service: FakeIncidentService } {
  const service = new FakeIncidentService(sampleIncidents());
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = createServer({
    service,
    logger: pino({ level: 'info' }, sink),
    auth: { store, now: () => now, maxFailures: 10, failureWindowMs: 60_000 },
  });
  return { app, service };
}

async function token(name: string, role: Role): Promise<{ token: string; id: string }> {
  const issued = await issueToken(store, { name, role, now });
  return { token: issued.token, id: issued.record.id };
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

beforeEach(async () => {
  now = T0;
  logLines = [];
  store = await openSqliteStore({ path: ':memory:', now: () => now });
});

afterEach(async () => {
  await store.close();
});

describe('API access without any token', () => {
  it('stays open, with the body actor as today, and still audits commands', async () => {
    const { app, service } = server();
    expect((await call(app, 'GET', '/api/v1/incidents')).status).toBe(200);
    const ack = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', { actor: 'alice' });
    expect(ack.status).toBe(200);
    expect(service.commands.at(-1)).toMatchObject({ kind: 'acknowledge', actor: 'alice' });
    const { items } = await store.listAudit();
    expect(items).toEqual([
      {
        id: expect.any(String),
        at: T0,
        actor: 'alice',
        action: 'POST /api/v1/incidents/:id/ack',
        target: 'INC-1',
        outcome: 'ok',
        status: 200,
      },
    ]);
  });
});

describe('API access once a token exists', () => {
  it('answers 401 to a missing, wrong, malformed or revoked token, with a problem and a challenge', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const { app } = server();
    const cases: Record<string, string>[] = [
      {},
      bearer('ll_' + 'A'.repeat(43)),
      bearer('not-a-token'),
      { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    ];
    for (const headers of cases) {
      const answer = await call(app, 'GET', '/api/v1/incidents', undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body.type).toBe('https://lifeline.dev/problems/unauthorized');
    }
    const missing = await app.inject({ method: 'GET', url: '/api/v1/incidents' });
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="lifeline"');
    expect(missing.json<{ detail: string }>().detail).toContain('LIFELINE_TOKEN');

    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token))).status).toBe(200);
    await store.revokeApiToken(viewer.id, now);
    // Another live token keeps enforcement on.
    await token('other', 'admin');
    // The live tokens are read at most once a TOKEN_CACHE_MS: a revocation takes effect within it.
    now += TOKEN_CACHE_MS - 1;
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token))).status).toBe(200);
    now += 1;
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token))).status).toBe(401);
  });

  it('lets a token created after the live tokens were read in at once', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const { app } = server();
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token))).status).toBe(200);
    const later = await token('later-bot', 'viewer');
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(later.token))).status).toBe(200);
  });

  it('notes when a token was last used to the minute, not on every request', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const { app } = server();
    const lastUsed = async () => (await store.listApiTokens()).find((t) => t.id === viewer.id)?.lastUsedAt;
    await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token));
    expect(await lastUsed()).toBe(T0);
    now += TOKEN_USE_PRECISION_MS - 1;
    await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token));
    expect(await lastUsed()).toBe(T0);
    now += 1;
    await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token));
    expect(await lastUsed()).toBe(T0 + TOKEN_USE_PRECISION_MS);
  });

  it('answers 403 when the role does not allow the route class, 200 when it does', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const responder = await token('alice', 'responder');
    const admin = await token('root', 'admin');
    const { app } = server();
    const read = () => call(app, 'GET', '/api/v1/incidents/INC-1', undefined, bearer(viewer.token));
    const ack = (secret: string, id: string) =>
      call(app, 'POST', `/api/v1/incidents/${id}/ack`, { actor: 'x' }, bearer(secret));
    const audit = (secret: string) => call(app, 'GET', '/api/v1/audit', undefined, bearer(secret));

    expect((await read()).status).toBe(200);
    const denied = await ack(viewer.token, 'INC-1');
    expect(denied.status).toBe(403);
    expect(denied.body.type).toBe('https://lifeline.dev/problems/forbidden');
    expect(denied.body.detail).toContain('viewer');
    expect((await audit(viewer.token)).status).toBe(403);
    expect((await audit(responder.token)).status).toBe(403);

    expect((await ack(responder.token, 'INC-1')).status).toBe(200);
    expect((await ack(admin.token, 'INC-3')).status).toBe(409);
    expect((await audit(admin.token)).status).toBe(200);
    // A 403 is not a failed authentication: the token was right.
    expect(logLines.join('')).not.toContain('API authentication failed');
    // /healthz stays open to load balancers.
    expect((await call(app, 'GET', '/healthz')).status).toBe(200);
  });

  it('makes the token name the actor of a command, whatever the body says', async () => {
    const responder = await token('alice', 'responder');
    const { app, service } = server();
    const answer = await call(
      app,
      'POST',
      '/api/v1/incidents/INC-4/approve',
      { actor: 'mallory', step: 'switch-to-cached' },
      bearer(responder.token),
    );
    expect(answer.status).toBe(200);
    expect(service.commands.at(-1)).toMatchObject({ kind: 'approve', actor: 'alice' });
    // The body may leave the actor out altogether.
    const noActor = await call(
      app,
      'POST',
      '/api/v1/incidents/INC-1/note',
      { text: 'hi' },
      bearer(responder.token),
    );
    expect(noActor.status).toBe(200);
    expect(service.commands.at(-1)).toMatchObject({ kind: 'note', actor: 'alice' });
    expect((await store.listApiTokens()).find((t) => t.name === 'alice')?.lastUsedAt).toBe(T0);
  });

  it('does not count requests without a token as failed authentications', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const { app } = server();
    for (let i = 0; i < 20; i++) expect((await call(app, 'GET', '/api/v1/incidents')).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(viewer.token))).status).toBe(200);
    expect(logLines.join('')).not.toContain('API authentication failed');
  });

  it('refuses a client with 429 after 10 failed authentications a minute, even with a right token', async () => {
    const admin = await token('root', 'admin');
    const { app } = server();
    const wrong = 'll_' + 'B'.repeat(43);
    for (let i = 0; i < 10; i++) {
      expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(wrong))).status).toBe(401);
    }
    const limited = await app.inject({
      method: 'GET',
      url: '/api/v1/incidents',
      headers: bearer(admin.token),
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.json<{ type: string }>().type).toBe('https://lifeline.dev/problems/too-many-requests');
    now += 59_000;
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(admin.token))).status).toBe(429);
    now += 1_000;
    expect((await call(app, 'GET', '/api/v1/incidents', undefined, bearer(admin.token))).status).toBe(200);

    const log = logLines.join('');
    expect(log).toContain('API authentication failed');
    expect(log).toContain('API authentication rate-limited');
    for (const secret of [wrong, admin.token, wrong.slice(3), admin.token.slice(3)]) {
      expect(log).not.toContain(secret);
    }
  });

  it('writes an audit row for every mutating request, denied ones included, and pages them for admins', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    const responder = await token('alice', 'responder');
    const admin = await token('root', 'admin');
    const { app } = server();
    await call(app, 'POST', '/api/v1/incidents/INC-1/ack', { actor: 'x' }, bearer(responder.token));
    now += 1000;
    await call(app, 'POST', '/api/v1/incidents/INC-1/ack', { actor: 'x' }, bearer(viewer.token));
    now += 1000;
    await call(app, 'POST', '/api/v1/incidents/INC-4/steps/call-vendor/done', {}, {});
    now += 1000;
    await call(app, 'POST', '/api/v1/incidents/INC-9/resolve', {}, bearer(admin.token));
    await call(app, 'GET', '/api/v1/incidents', undefined, bearer(admin.token));

    const first = await call(app, 'GET', '/api/v1/audit?limit=3', undefined, bearer(admin.token));
    expect(first.status).toBe(200);
    const items = first.body.items as Record<string, unknown>[];
    expect(items.map((e) => [e.actor, e.action, e.target, e.outcome, e.status])).toEqual([
      ['root', 'POST /api/v1/incidents/:id/resolve', 'INC-9', 'refused', 404],
      ['anonymous', 'POST /api/v1/incidents/:id/steps/:step/done', 'INC-4/call-vendor', 'denied', 401],
      ['viewer-bot', 'POST /api/v1/incidents/:id/ack', 'INC-1', 'denied', 403],
    ]);
    expect(items[0]?.tokenId).toBe(admin.id);
    expect(items[1]?.tokenId).toBeUndefined();
    const next = await call(
      app,
      'GET',
      `/api/v1/audit?cursor=${String(first.body.nextCursor)}`,
      undefined,
      bearer(admin.token),
    );
    expect((next.body.items as Record<string, unknown>[]).map((e) => [e.actor, e.outcome, e.at])).toEqual([
      ['alice', 'ok', T0],
    ]);
    expect(next.body.nextCursor).toBeUndefined();
  });
});

/** Every route of a server as "METHOD /url", read from fastify's route tree. */
function routesOf(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│├└─ ]*)(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

/** The permission class of every route the full server has: the table in `permissions.ts`. */
const EXPECTED: Record<string, 'public' | 'webhook' | 'read' | 'respond' | 'admin'> = {
  'GET /healthz': 'public',
  'GET /api/v1/openapi.json': 'public',
  'GET /metrics': 'read',
  'GET /api/v1/incidents': 'read',
  'GET /api/v1/incidents/:id': 'read',
  'GET /api/v1/changes': 'read',
  'POST /api/v1/changes': 'respond',
  'POST /api/v1/changes/webhook': 'webhook',
  'POST /api/v1/changes/github': 'webhook',
  'POST /api/v1/alerts': 'webhook',
  'POST /api/v1/alerts/alertmanager': 'webhook',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/me': 'read',
  // The dashboard's static pages and assets (server/dashboard-route.ts): no data, the API behind them needs a token.
  'GET /': 'public',
  'GET /sign-in': 'public',
  'GET /incidents': 'public',
  'GET /incidents/:id': 'public',
  'GET /integrations/:id': 'public',
  'GET /playbooks': 'public',
  'GET /playbooks/:id': 'public',
  'GET /assets/*': 'public',
};

describe('route permissions', () => {
  it('every route the server registers is covered: 401 without a token exactly where one is needed', async () => {
    const viewer = await token('viewer-bot', 'viewer');
    // Registering would have thrown for a route without a permission; what remains is whether each one is right.
    const app = createServer({
      service: new FakeIncidentService(sampleIncidents()),
      changes: {} as ChangeService,
      alerts: { authorize: async () => ({ kind: 'unauthorized', reason: 'no' }) } as unknown as AlertService,
      metrics: { contentType: 'text/plain', text: async () => '' },
      auth: { store, maxFailures: 1000 },
    });
    const routes = routesOf(app);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const [method = '', template = ''] = route.split(' ');
      const url = template.replace(':id', 'INC-1').replace(':step', 'call-vendor');
      // fastify adds HEAD to every GET route, with the GET route's config.
      const expected =
        EXPECTED[route.replace(/^HEAD /, 'GET ')] ??
        (template.startsWith('/api/v1/incidents/:id/') ? 'respond' : undefined);
      expect(expected, `${route} is not in the permission table of this test`).toBeDefined();
      const anonymous = await app.inject({ method: method as 'GET', url });
      const needsToken = expected === 'read' || expected === 'respond' || expected === 'admin';
      expect(
        anonymous.statusCode === 401 && anonymous.headers['www-authenticate'] === 'Bearer realm="lifeline"',
        route,
      ).toBe(needsToken);
      if (expected === 'respond' || expected === 'admin') {
        const asViewer = await app.inject({ method: method as 'GET', url, headers: bearer(viewer.token) });
        expect(asViewer.statusCode, route).toBe(403);
      }
    }
  });

  it('a route without one is refused at registration, HEAD included', async () => {
    const app = createServer({ service: new FakeIncidentService([]) });
    expect(() => app.get('/undeclared', async () => 'x')).toThrow(/GET \/undeclared declares no permission/);
    expect(() => app.post('/x', { config: { permission: 'nope' as 'read' } }, async () => 'x')).toThrow(
      /declares no permission/,
    );
    const bare = Fastify();
    requireRoutePermissions(bare, { '/assigned': 'public' });
    expect(() => bare.get('/assigned', async () => 'x')).not.toThrow();
    expect(() => bare.get('/other', async () => 'x')).toThrow(/declares no permission/);
    await bare.close();
  });
});
