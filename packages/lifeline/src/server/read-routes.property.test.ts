/**
 * The whole API against random requests: any documented path (with real and random ids), any method, random
 * query strings mixing known parameters with unknown ones and good values with bad ones, random bodies —
 * JSON values, malformed JSON, oversized ones. Whatever comes in, the answer is never a 5xx, and every 4xx is
 * `application/problem+json` with a stable `type`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../checks/scheduler/index.js';
import { DaemonAlerts } from '../daemon/alert-service-impl.js';
import { createChangeService } from '../daemon/change-service-impl.js';
import { silentLogger } from '../daemon/logger.js';
import { BODY_LIMIT_BYTES } from './error-problems.js';
import { OPENAPI_PATH } from './openapi.js';
import { PROBLEM_TYPE_BASE } from './problem.js';
import { NOW, readFixture, seed, type ReadFixture } from './test-support/read-fixture.js';

let fixture: ReadFixture;
/** `METHOD path-template` of every documented operation, and the query parameter names each declares. */
let operations: { method: string; path: string; query: string[] }[];
/** How often each status came back: the property must reach handlers, not only the validator. */
const statuses = new Map<number, number>();

/** A value each query parameter accepts (for the incident list, `status` is an incident status). */
const VALID_QUERY: Readonly<Record<string, readonly string[]>> = {
  integration: ['payments', 'shipping'],
  check: ['payments-charges-up'],
  class: ['timeout', 'ok'],
  ok: ['true', 'false'],
  since: [String(NOW - 3_600_000), '2026-03-01T11:00:00Z'],
  until: [String(NOW)],
  limit: ['1', '3', '500'],
  resolution: ['minute', 'hour', 'day'],
  status: ['dead', 'pending', 'delivered', 'triggered', 'resolved'],
  incident: ['INC-1'],
  channel: ['pager', 'slack-ops'],
  severity: ['sev2'],
  value: ['value=1.4s'],
  service: ['checkout'],
  team: ['payments-team'],
};

/** A body each command or change route accepts. */
function validBody(path: string): unknown {
  if (path === '/api/v1/changes') return { kind: 'deploy', ref: 'v1.2.3', integration: 'payments', at: NOW };
  if (path === '/api/v1/alerts') return { labels: { alertname: 'HighLatency' }, status: 'firing' };
  const action = path.split('/').at(-1);
  return {
    actor: 'alice',
    ...(action === 'note' ? { text: 'looking' } : {}),
    ...(action === 'assign' ? { assignee: 'bob' } : {}),
    ...(action === 'approve' || action === 'decline' ? { step: 'switch-to-cached' } : {}),
  };
}

beforeAll(async () => {
  fixture = await readFixture((store, workspace) => ({
    changes: createChangeService({
      store,
      clock: { now: () => NOW },
      workspace: () => workspace,
      signal: new AbortController().signal,
      env: {},
    }),
    alerts: new DaemonAlerts({
      clock: new FakeClock(NOW),
      logger: silentLogger,
      persisted: [],
      exclusive: (task) => task(),
      write: async () => undefined,
      evaluate: async () => undefined,
      workspace: () => workspace,
      env: {},
    }),
    metrics: { contentType: 'text/plain; version=0.0.4', text: async () => '# no metrics\n' },
  }));
  await seed(fixture.store);
  const document = (await fixture.app.inject({ method: 'GET', url: OPENAPI_PATH })).json<{
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  }>();
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
});
afterAll(async () => fixture.close());

const ID = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'payments',
      'shipping',
      'INC-1',
      'INC-3',
      'INC-4',
      'payments-latency',
      'switch-to-cached',
    ),
    weight: 6,
  },
  fc.string({ maxLength: 12 }),
  fc.constantFrom('%00', '..', '%2F', 'a'.repeat(300)),
);
const VALUE = fc.oneof(
  fc.constantFrom('', '0', '-1', '10', '501', 'true', 'maybe', NOW.toString(), '2026-03-01T11:00:00Z'),
  fc.constantFrom(
    '2026-13-45',
    'minute',
    'hour',
    'week',
    'timeout',
    'dead',
    'pending',
    'value=1s',
    'x'.repeat(2000),
  ),
  fc.string({ maxLength: 20 }),
);
const BODY = fc.oneof(
  fc.constant(undefined),
  fc.constant('valid'),
  fc.constant('valid'),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc
    .record(
      { actor: fc.constantFrom('alice', 'bob', 42), text: fc.string(), assignee: fc.string(), step: ID },
      {
        requiredKeys: [],
      },
    )
    .map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 40 }),
  fc.constant('{"actor": "alice",'),
  fc.constant(JSON.stringify({ text: 'x'.repeat(BODY_LIMIT_BYTES) })),
);

const REQUEST = fc.record({
  pick: fc.nat(),
  method: fc.oneof(
    { arbitrary: fc.constant('documented'), weight: 4 },
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  ),
  ids: fc.array(ID, { minLength: 2, maxLength: 2 }),
  // [name: 'valid' | 'known' | any other, which parameter, which valid value, a random value]
  query: fc.oneof<fc.Arbitrary<[string, number, number, string][]>[]>(
    fc.constant([]),
    fc.array(fc.tuple(fc.constant('valid'), fc.nat(), fc.nat(), fc.constant('')), { maxLength: 3 }),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constant('valid'), fc.constant('known'), fc.string({ maxLength: 8 })),
        fc.nat(),
        fc.nat(),
        VALUE,
      ),
      { maxLength: 4 },
    ),
  ),
  body: BODY,
  contentType: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
});

describe('the API under random requests', () => {
  it('never answers 5xx, and answers every 4xx with a problem', async () => {
    await fc.assert(
      fc.asyncProperty(REQUEST, async (request) => {
        const operation = operations[request.pick % operations.length]!;
        let next = 0;
        const path = operation.path.replaceAll(/\{[^}]+\}/g, () =>
          encodeURIComponent(request.ids[next++ % 2]!),
        );
        const query = request.query
          .map(([name, index, choice, random]) => {
            const known = operation.query[index % Math.max(1, operation.query.length)] ?? 'limit';
            const key = name === 'valid' || name === 'known' ? known : name;
            const choices = VALID_QUERY[key] ?? ['1'];
            const value = name === 'valid' ? choices[choice % choices.length]! : random;
            return `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
          })
          .join('&');
        const method = request.method === 'documented' ? operation.method : request.method;
        const body = request.body === 'valid' ? JSON.stringify(validBody(operation.path)) : request.body;
        const contentType = request.body === 'valid' ? 'application/json' : request.contentType;
        const response = await fixture.app.inject({
          method: method as 'GET',
          url: query ? `${path}?${query}` : path,
          ...(body !== undefined && method !== 'GET'
            ? { payload: body, headers: { 'content-type': contentType } }
            : {}),
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const where = `${method} ${path}?${query} → ${response.statusCode} ${response.body.slice(0, 300)}`;
        expect(response.statusCode, where).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type'], where).toMatch(/^application\/problem\+json/);
          const problem = response.json<{ type: string; status: number }>();
          expect(problem.type.startsWith(PROBLEM_TYPE_BASE), where).toBe(true);
          expect(problem.status, where).toBe(response.statusCode);
        }
      }),
      { numRuns: 1000 },
    );
    // Not only refusals: a good share of the requests reached a handler and succeeded.
    const succeeded = [...statuses].filter(([status]) => status < 300).reduce((sum, [, n]) => sum + n, 0);
    expect(succeeded).toBeGreaterThan(100);
  }, 60_000);
});
