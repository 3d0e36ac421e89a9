/**
 * Failures outside a command's own outcomes, answered as RFC 9457 problems: bodies that are not JSON or too
 * large, unknown routes, malformed URLs, and exceptions inside the service (500, logged, without internals).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../store/store-error.js';
import { problemKindOf, problemOf, PROBLEM_KINDS } from './problem.js';
import { call, testServer } from './test-support/inject.js';

const PROBLEM = 'application/problem+json; charset=utf-8';
const STACK_TRACE = /\bat .+[(:]\d+/;

function problemType(kind: string): string {
  return `https://lifeline.dev/problems/${kind}`;
}

describe('request bodies', () => {
  it('malformed JSON → 400 invalid-request', async () => {
    const { app, service } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', '{"actor": "alice",');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: problemType('invalid-request'),
      title: 'Invalid request',
      status: 400,
      detail: 'the body is not valid JSON',
    });
    expect(service.commands).toEqual([]);
  });

  it('an empty JSON body → 400 invalid-request', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', '');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      type: problemType('invalid-request'),
      detail: expect.stringMatching(/empty/),
    });
  });

  it('a body that is not JSON → 415 invalid-request', async () => {
    const { app } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', 'actor=alice', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(answer.status).toBe(415);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toMatchObject({ type: problemType('invalid-request'), status: 415 });
  });

  it('a body over 64 KB → 413 payload-too-large', async () => {
    const { app, service } = testServer();
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/note', {
      actor: 'alice',
      text: 'x'.repeat(64 * 1024),
    });
    expect(answer.status).toBe(413);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: problemType('payload-too-large'),
      title: 'Payload too large',
      status: 413,
      detail: 'the body is larger than 64 KB',
    });
    expect(service.commands).toEqual([]);
  });
});

describe('routes', () => {
  it.each([
    ['GET', '/nope'],
    ['GET', '/api/v1/incidents/INC-1/ack'],
    ['POST', '/api/v1/incidents/INC-1/explode'],
    ['POST', '/api/v2/incidents'],
  ] as const)('%s %s → 404 not-found problem', async (method, url) => {
    const { app } = testServer();
    const answer = await call(app, method, url, method === 'POST' ? { actor: 'alice' } : undefined);
    expect(answer.status).toBe(404);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: problemType('not-found'),
      title: 'Not found',
      status: 404,
      detail: `no route ${method} ${url}`,
    });
  });

  it('a malformed URL → 400 problem', async () => {
    const { app } = testServer();
    const answer = await call(app, 'GET', '/api/v1/incidents/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toMatchObject({ type: problemType('invalid-request'), status: 400 });
  });
});

describe('exceptions inside the service', () => {
  it('→ 500 internal without the message or a stack trace, and the error is logged', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const { app, service } = testServer({ logger: pino({ level: 'error' }, sink) });
    service.failNext = new Error('SQLITE_CORRUPT: database disk image is malformed at /srv/secret/path.db');
    const answer = await call(app, 'POST', '/api/v1/incidents/INC-1/ack', { actor: 'alice' });
    expect(answer.status).toBe(500);
    expect(answer.contentType).toBe(PROBLEM);
    expect(answer.body).toEqual({
      type: problemType('internal'),
      title: 'Internal error',
      status: 500,
      detail: 'the daemon failed to handle the request; see its log (request req-1)',
    });
    expect(answer.raw).not.toMatch(STACK_TRACE);
    expect(answer.raw).not.toContain('SQLITE_CORRUPT');
    expect(lines.join('')).toContain('SQLITE_CORRUPT');
  });

  it.each(['list', 'get', 'health'] as const)('on %s → 500 internal', async (route) => {
    const { app, service } = testServer();
    service.failNext = new TypeError('boom');
    const url = { list: '/api/v1/incidents', get: '/api/v1/incidents/INC-1', health: '/healthz' }[route];
    const answer = await call(app, 'GET', url);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ type: problemType('internal') });
    expect(answer.raw).not.toContain('boom');
  });

  it('a busy store → 503 unavailable', async () => {
    const { app, service } = testServer();
    service.failNext = new StoreError('store-busy', 'database is locked', {
      cause: new Error('SQLITE_BUSY'),
    });
    const answer = await call(app, 'GET', '/api/v1/incidents');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ type: problemType('unavailable'), status: 503 });
  });

  it('an error that merely carries a 4xx statusCode is still a 500', async () => {
    const { app, service } = testServer();
    service.failNext = Object.assign(new Error('vendor said 404'), { statusCode: 404 });
    const answer = await call(app, 'GET', '/api/v1/incidents');
    expect(answer.status).toBe(500);
  });
});

describe('problem types', () => {
  it('every kind has a stable type URI that maps back to the kind', () => {
    for (const kind of Object.keys(PROBLEM_KINDS)) {
      const problem = problemOf(kind as keyof typeof PROBLEM_KINDS, 'detail');
      expect(problem.type).toBe(problemType(kind));
      expect(problemKindOf(problem.type)).toBe(kind);
    }
    expect(problemKindOf('https://lifeline.dev/problems/toString')).toBeUndefined();
    expect(problemKindOf('about:blank')).toBeUndefined();
  });
});
