/**
 * The answer cache on a real fastify instance: an answer is computed once per URL and revision and sent again from
 * its bytes, serialised by the route's schema; a new revision recomputes it; `If-None-Match` with the current ETag
 * gets 304; problems are sent but never kept; ETags of two caches (two daemon runs) never match; the byte budget
 * drops the least recently used answers.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { AnswerCache } from './answer-cache.js';
import { problemOf } from './problem.js';

interface Fixture {
  app: FastifyInstance;
  computed: string[];
  setRevision(revision: string): void;
}

function fixture(cache = new AnswerCache()): Fixture {
  const app = Fastify();
  const computed: string[] = [];
  let revision = 'r1';
  app.get<{ Querystring: { n?: string; fail?: string } }>(
    '/list',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'string' } }, revision: { type: 'string' } },
          },
        },
      },
    },
    (request, reply) =>
      cache.send(request, reply, revision, async () => {
        computed.push(request.url);
        if (request.query.fail) return problemOf('invalid-request', 'no such page');
        const n = Number(request.query.n ?? 3);
        // `secret` is not in the schema: the serialised bytes must leave it out.
        return { items: Array.from({ length: n }, (_, i) => `item-${i}`), revision, secret: 'x' };
      }),
  );
  return { app, computed, setRevision: (next) => (revision = next) };
}

describe('AnswerCache', () => {
  it('computes an answer once per URL and revision and sends the same bytes again', async () => {
    const { app, computed, setRevision } = fixture();
    const first = await app.inject({ method: 'GET', url: '/list' });
    const second = await app.inject({ method: 'GET', url: '/list' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.json()).toEqual({ items: ['item-0', 'item-1', 'item-2'], revision: 'r1' });
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    expect(computed).toEqual(['/list']);

    await app.inject({ method: 'GET', url: '/list?n=1' });
    expect(computed).toEqual(['/list', '/list?n=1']);

    setRevision('r2');
    const third = await app.inject({ method: 'GET', url: '/list' });
    expect(third.json()).toMatchObject({ revision: 'r2' });
    expect(third.headers.etag).not.toBe(first.headers.etag);
    expect(computed).toEqual(['/list', '/list?n=1', '/list']);
  });

  it('answers 304 without a body to If-None-Match naming the current ETag, 200 to an old one', async () => {
    const { app, setRevision } = fixture();
    const first = await app.inject({ method: 'GET', url: '/list' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);

    const unchanged = await app.inject({ method: 'GET', url: '/list', headers: { 'if-none-match': etag } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');
    expect(unchanged.headers.etag).toBe(etag);
    // A list of tags, and the strong form of the same tag, match too (weak comparison).
    const listed = `"other", ${etag.slice(2)}`;
    expect(
      (await app.inject({ method: 'GET', url: '/list', headers: { 'if-none-match': listed } })).statusCode,
    ).toBe(304);

    setRevision('r2');
    const changed = await app.inject({ method: 'GET', url: '/list', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ revision: 'r2' });
  });

  it('sends a problem as such and keeps nothing of it', async () => {
    const { app, computed } = fixture();
    for (let i = 0; i < 2; i++) {
      const answer = await app.inject({ method: 'GET', url: '/list?fail=1' });
      expect(answer.statusCode).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      expect(answer.headers.etag).toBeUndefined();
    }
    expect(computed).toEqual(['/list?fail=1', '/list?fail=1']);
  });

  it("never matches another cache's ETags, though revisions start again with each run", async () => {
    const before = fixture();
    const after = fixture();
    const etag = String((await before.app.inject({ method: 'GET', url: '/list' })).headers.etag);
    await after.app.inject({ method: 'GET', url: '/list' });
    const answer = await after.app.inject({
      method: 'GET',
      url: '/list',
      headers: { 'if-none-match': etag },
    });
    expect(answer.statusCode).toBe(200);
  });

  it('drops the least recently used answers past its byte budget', async () => {
    const size = (await fixture().app.inject({ method: 'GET', url: '/list?n=100' })).rawPayload.length;
    // Room for four answers of about that size.
    const { app, computed } = fixture(new AnswerCache({ budgetBytes: Math.floor(size * 4.5) }));
    const get = (n: number) => app.inject({ method: 'GET', url: `/list?n=${n}` });
    for (const n of [100, 101, 102, 103]) await get(n);
    await get(100); // used again: now the most recent
    await get(104); // over budget: 101, the least recently used, goes
    computed.length = 0;
    await get(100);
    await get(104);
    expect(computed).toEqual([]);
    await get(101);
    expect(computed).toEqual(['/list?n=101']);
  });

  it('does not keep an answer larger than a quarter of its budget', async () => {
    const { app, computed } = fixture(new AnswerCache({ budgetBytes: 4_000 }));
    await app.inject({ method: 'GET', url: '/list?n=100' });
    await app.inject({ method: 'GET', url: '/list?n=100' });
    expect(computed).toEqual(['/list?n=100', '/list?n=100']);
  });
});
