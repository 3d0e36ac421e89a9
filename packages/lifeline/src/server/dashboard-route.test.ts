/**
 * The dashboard's static files through `fastify.inject`, on a built dashboard written to a temporary directory:
 * `/` and the dashboard's own pages answer index.html with a same-origin Content-Security-Policy, assets are
 * served and cached as immutable, traversal and unknown paths stay 404 problems (the API's too), the files are
 * public while the API behind them needs a token, and a missing build answers a page that says how to make it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../auth/issue-token.js';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import { createServer } from './create-server.js';
import { DASHBOARD_CSP } from './dashboard-route.js';
import { FakeIncidentService } from './test-support/fake-incident-service.js';
import { sampleIncidents } from './test-support/inject.js';

const INDEX = '<!doctype html><title>Lifeline</title><div id="app"></div>';
let dir: string;
let store: SqliteStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
  await writeFile(join(dir, '.secret'), 'SECRET-XYZ');
  store = await openSqliteStore({ path: ':memory:' });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const server = (webDir = dir) =>
  createServer({
    service: new FakeIncidentService(sampleIncidents()),
    auth: { store },
    dashboard: { dir: webDir },
  });

describe('the dashboard at /', () => {
  it('answers index.html at / and at the pages the dashboard routes, with a same-origin CSP', async () => {
    const app = server();
    for (const url of [
      '/',
      '/incidents',
      '/incidents/INC-4',
      '/integrations/payments',
      '/playbooks/p1',
      '/sign-in',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    }
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
  });

  it('serves assets as immutable and answers 404 problems for missing assets, traversal and unknown paths', async () => {
    const app = server();
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of [
      '/assets/nope.js',
      '/assets/..%2F.secret',
      '/assets/../.secret',
      '/nope',
      '/api/v1/nope',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toContain('application/problem+json');
      expect(response.body).not.toContain('SECRET-XYZ');
    }
  });

  it('is public while the API behind it needs a token once one exists', async () => {
    await issueToken(store, { name: 'vera', role: 'viewer', now: Date.now() });
    const app = server();
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/assets/index-abc123.js' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/incidents' })).statusCode).toBe(401);
  });

  it('says to run `npm run build` when the dashboard is not built', async () => {
    const app = server(join(dir, 'missing'));
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('npm run build');
  });
});
