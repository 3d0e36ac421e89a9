/**
 * `GET /api/v1/me` through `fastify.inject` on a real SQLite store: open (admin) while no token exists, then the
 * token's name and role, 401 without a token, and never the token's hash.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.js';
import { call, sampleIncidents } from '../server/test-support/inject.js';
import { FakeIncidentService } from '../server/test-support/fake-incident-service.js';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import { issueToken } from './issue-token.js';

let store: SqliteStore;

beforeEach(async () => {
  store = await openSqliteStore({ path: ':memory:' });
});

afterEach(async () => {
  await store.close();
});

const server = () =>
  createServer({ service: new FakeIncidentService(sampleIncidents()), auth: { store }, dashboard: false });

describe('GET /api/v1/me', () => {
  it('says the API is open (admin) while no token exists, with or without auth options', async () => {
    expect((await call(server(), 'GET', '/api/v1/me')).body).toEqual({ auth: 'open', role: 'admin' });
    const bare = createServer({ service: new FakeIncidentService([]), dashboard: false });
    expect((await call(bare, 'GET', '/api/v1/me')).body).toEqual({ auth: 'open', role: 'admin' });
  });

  it("answers the token's name and role, and 401 without a token once one exists", async () => {
    const viewer = await issueToken(store, { name: 'vera', role: 'viewer', now: Date.now() });
    const responder = await issueToken(store, { name: 'alice', role: 'responder', now: Date.now() });
    const app = server();
    const asViewer = await call(app, 'GET', '/api/v1/me', undefined, {
      authorization: `Bearer ${viewer.token}`,
    });
    expect(asViewer.status).toBe(200);
    expect(asViewer.body).toEqual({ auth: 'token', name: 'vera', role: 'viewer' });
    const asResponder = await call(app, 'GET', '/api/v1/me', undefined, {
      authorization: `Bearer ${responder.token}`,
    });
    expect(asResponder.body).toEqual({ auth: 'token', name: 'alice', role: 'responder' });
    expect(asResponder.raw).not.toContain(responder.token);
    const anonymous = await call(app, 'GET', '/api/v1/me');
    expect(anonymous.status).toBe(401);
  });
});
