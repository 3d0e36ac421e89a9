/**
 * `lifeline token …` through the real CLI entry point on a temporary workspace's store: a created token works
 * against a server listening on loopback over that store, list never shows secrets, revoke shuts the token out,
 * and usage errors are exit 2 with one line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pc from 'picocolors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN_CACHE_MS } from '../auth/server-auth.js';
import { createServer } from '../server/create-server.js';
import { FakeIncidentService } from '../server/test-support/fake-incident-service.js';
import { sampleIncidents } from '../server/test-support/inject.js';
import { defaultStorePath, openSqliteStore, type SqliteStore } from '../store/index.js';
import { run } from './main.js';
import type { Output } from './output.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;

async function lifeline(...args: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) };
  const code = await run(['node', 'lifeline', ...args], output);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-token-'));
  await writeFile(join(dir, 'lifeline.yaml'), 'version: 1\nname: tokens\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('lifeline token', () => {
  let app: FastifyInstance | undefined;
  let store: SqliteStore | undefined;

  afterEach(async () => {
    await app?.close();
    await store?.close();
    app = undefined;
    store = undefined;
  });

  it('creates a token that works against a running server on the same store, until revoked', async () => {
    store = await openSqliteStore({ path: defaultStorePath(dir) });
    let now = Date.now();
    app = createServer({
      service: new FakeIncidentService(sampleIncidents()),
      auth: { store, now: () => now },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    // No token yet: open, as before tokens existed.
    expect((await lifeline('incident', 'list', '--server', server, '--json')).code).toBe(0);

    const created = await lifeline('token', 'create', dir, '--name', 'alice', '--role', 'responder');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ll_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('not shown again');

    const anonymous = await lifeline('incident', 'ack', 'INC-1', '--as', 'alice', '--server', server);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('lifeline: unauthorized:');
    expect(anonymous.stderr).toContain('LIFELINE_TOKEN');

    const acked = await lifeline('incident', 'ack', 'INC-1', '--server', server, '--token', token);
    expect(acked).toMatchObject({ code: 0, stdout: 'INC-1 acknowledged by alice' });

    const listed = await lifeline('token', 'list', dir, '--json');
    const items = (JSON.parse(listed.stdout) as { items: Record<string, unknown>[] }).items;
    expect(items).toEqual([
      expect.objectContaining({ name: 'alice', role: 'responder', lastUsedAt: expect.any(Number) }),
    ]);
    expect(listed.stdout).not.toContain(token);
    expect(items[0]).not.toHaveProperty('hash');
    const id = String(items[0]?.id);

    const table = await lifeline('token', 'list', dir);
    expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('responder');

    expect((await lifeline('token', 'revoke', id, dir)).stdout).toBe(`token ${id} (alice) revoked`);
    expect((await lifeline('token', 'revoke', id, dir)).code).toBe(0);
    // No live token left: the API is open again; a fresh one makes the revoked one fail.
    await lifeline('token', 'create', dir, '--name', 'root', '--role', 'admin');
    now += TOKEN_CACHE_MS; // a revocation takes effect once the server's list of live tokens is that old
    const refused = await lifeline('incident', 'list', '--server', server, '--token', token);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unauthorized');

    const audit = await store.listAudit();
    expect(
      audit.items.map((e) => [e.actor.startsWith('cli:') ? 'cli' : e.actor, e.action, e.outcome]),
    ).toEqual([
      ['cli', 'token.create', 'ok'],
      ['cli', 'token.revoke', 'ok'],
      ['alice', 'POST /api/v1/incidents/:id/ack', 'ok'],
      // Refused before its body was read: an unauthenticated claim to be alice is not recorded as alice.
      ['anonymous', 'POST /api/v1/incidents/:id/ack', 'denied'],
      ['cli', 'token.create', 'ok'],
    ]);
  });

  it('prints JSON with --json, refuses a second live token of a name (1) and bad input (2)', async () => {
    const json = await lifeline('token', 'create', dir, '--name', 'ci-bot', '--role', 'viewer', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'ci-bot',
      role: 'viewer',
      token: expect.stringMatching(/^ll_/),
    });

    const again = await lifeline('token', 'create', dir, '--name', 'ci-bot', '--role', 'admin');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a token named ci-bot already exists');

    expect((await lifeline('token', 'create', dir, '--name', 'x', '--role', 'root')).code).toBe(2);
    expect((await lifeline('token', 'create', dir, '--name', 'has space', '--role', 'viewer')).code).toBe(2);
    expect((await lifeline('token', 'create', dir, '--role', 'viewer')).code).toBe(2);
    const missing = await lifeline('token', 'list', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/^\s+at /m);
    const unknown = await lifeline('token', 'revoke', 'tok_000000000000', dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no token tok_000000000000');
  });
});
