// `POST /api/v1/reload`: the new workspace on success, a 422 problem with every diagnostic on a refused edit, and
// only for admins once tokens exist.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../auth/issue-token.js';
import type { ReloadResult } from '../daemon/daemon-options.js';
import { loadAcme } from '../engine/acme-fixture.js';
import { openSqliteStore, type SqliteStore } from '../store/index.js';
import type { Diagnostic } from '../workspace/diagnostics.js';
import { call, testServer } from './test-support/inject.js';

const broken: Diagnostic = {
  code: 'unknown-reference',
  severity: 'error',
  file: 'integrations/payments.yaml',
  line: 12,
  col: 15,
  message: 'no check `charges-upp`',
  hint: 'did you mean `charges-up`?',
};

describe('POST /api/v1/reload', () => {
  it('answers the workspace now in use', async () => {
    const workspace = await loadAcme();
    let reloads = 0;
    const reload = (): Promise<ReloadResult> => {
      reloads += 1;
      return Promise.resolve({ ok: true, workspace, diagnostics: [] });
    };
    const { app } = testServer({ reload });
    const answer = await call(app, 'POST', '/api/v1/reload');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, workspace: 'acme', warnings: [] });
    expect(answer.body['files']).toContain('lifeline.yaml');
    expect(reloads).toBe(1);
  });

  it('refuses an invalid edit with a 422 problem naming every diagnostic', async () => {
    const { app } = testServer({ reload: () => Promise.resolve({ ok: false, diagnostics: [broken] }) });
    const answer = await call(app, 'POST', '/api/v1/reload');
    expect(answer.status).toBe(422);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      type: 'https://lifeline.dev/problems/workspace-invalid',
      detail: expect.stringContaining('keeps the last good workspace') as unknown,
      diagnostics: [broken],
    });
  });
});

describe('POST /api/v1/reload with tokens', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('is for admins only', async () => {
    const workspace = await loadAcme();
    const { app } = testServer({
      auth: { store },
      reload: () => Promise.resolve({ ok: true, workspace, diagnostics: [] }),
    });
    const now = Date.now();
    const responder = await issueToken(store, { name: 'alice', role: 'responder', now });
    const admin = await issueToken(store, { name: 'root', role: 'admin', now });
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    expect((await call(app, 'POST', '/api/v1/reload')).status).toBe(401);
    expect((await call(app, 'POST', '/api/v1/reload', undefined, as(responder.token))).status).toBe(403);
    expect((await call(app, 'POST', '/api/v1/reload', undefined, as(admin.token))).status).toBe(200);
  });
});
