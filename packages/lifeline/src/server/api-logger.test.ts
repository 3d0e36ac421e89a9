/**
 * The API's log in the daemon's log: a 500 leaves an error line with the request id its problem names and the
 * error's message (never in the answer); a failed authentication a warning without the token; an ordinary request
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import type { LogFields } from '../daemon/logger.js';
import { openSqliteStore } from '../store/index.js';
import { issueToken } from '../auth/issue-token.js';
import { apiLogger } from './api-logger.js';
import { createServer } from './create-server.js';
import { FakeIncidentService } from './test-support/fake-incident-service.js';
import { call, sampleIncidents } from './test-support/inject.js';

interface Line {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

function recorder() {
  const lines: Line[] = [];
  const at =
    (level: Line['level']) =>
    (message: string, fields: LogFields = {}) =>
      void lines.push({ level, message, fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('apiLogger', () => {
  it('writes a 500 as an error line with its request id, and ordinary requests not at all', async () => {
    const { lines, logger } = recorder();
    const service = new FakeIncidentService(sampleIncidents());
    const app = createServer({ service, logger: apiLogger(logger), dashboard: false });
    expect((await call(app, 'GET', '/api/v1/incidents')).status).toBe(200);
    expect(lines).toEqual([]);

    service.failNext = new Error('SQLITE_CORRUPT: database disk image is malformed');
    const failed = await call(app, 'GET', '/api/v1/incidents');
    expect(failed.status).toBe(500);
    expect(JSON.stringify(failed.body)).not.toContain('SQLITE_CORRUPT');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', message: 'request failed' });
    expect(JSON.stringify(lines[0]!.fields)).toContain('SQLITE_CORRUPT');
    // The problem's detail names the request id; the log line carries the same one.
    const reqId = String(lines[0]!.fields.reqId);
    expect(String((failed.body as { detail: string }).detail)).toContain(reqId);
  });

  it('writes a failed authentication as a warning, without the token', async () => {
    const { lines, logger } = recorder();
    const store = await openSqliteStore({ path: ':memory:' });
    await issueToken(store, { name: 'viewer', role: 'viewer', now: Date.now() });
    const app = createServer({
      service: new FakeIncidentService(sampleIncidents()),
      auth: { store },
      logger: apiLogger(logger),
      dashboard: false,
    });
    const wrong = `ll_${'B'.repeat(43)}`;
    expect(
      (await call(app, 'GET', '/api/v1/incidents', undefined, { authorization: `Bearer ${wrong}` })).status,
    ).toBe(401);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', message: 'API authentication failed' })]);
    expect(JSON.stringify(lines)).not.toContain(wrong);
    await store.close();
  });
});
