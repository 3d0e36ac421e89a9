/**
 * A server with the real read API for tests: the acme example workspace, a real SQLite store in memory, the
 * real `ReadService` over them at a fixed `now`, and the in-memory incident service double. Seeds a few check
 * results and deliveries so every read has something to answer.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { CheckResult } from '../../checks/check-result.js';
import { createReadService } from '../../daemon/read-service-impl.js';
import { makeEffect, seedIncidents } from '../../store/conformance/engine-fixtures.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { loadWorkspace } from '../../workspace/load-workspace.js';
import type { Workspace } from '../../workspace/model.js';
import { createServer, type ServerOptions } from '../create-server.js';
import { FakeIncidentService } from './fake-incident-service.js';
import { sampleIncidents } from './inject.js';

const ACME = fileURLToPath(new URL('../../../../../examples/acme/', import.meta.url));

/** 2026-03-01T12:00:00Z: the read service's `now`. */
export const NOW = Date.UTC(2026, 2, 1, 12);

export interface ReadFixture {
  app: FastifyInstance;
  store: Store;
  workspace: Workspace;
  incidents: FakeIncidentService;
  close(): Promise<void>;
}

export function result(
  overrides: Partial<CheckResult> & Pick<CheckResult, 'integration' | 'check'>,
): CheckResult {
  const ok = overrides.ok ?? (overrides.class === undefined || overrides.class === 'ok');
  return {
    kind: 'http',
    ok,
    class: ok ? 'ok' : 'server-error',
    latencyMs: 100,
    signature: `${overrides.check}:${ok ? 'ok' : 'failed'}`,
    message: ok ? 'HTTP 200' : 'HTTP 503',
    startedAt: NOW - 60_000,
    attempts: 1,
    ...overrides,
  };
}

/** `options` may depend on the fixture's store and workspace (e.g. `auth: { store }`). */
export async function readFixture(
  options: Partial<ServerOptions> | ((store: Store, workspace: Workspace) => Partial<ServerOptions>) = {},
): Promise<ReadFixture> {
  const loaded = await loadWorkspace(ACME, { env: {} });
  if (!loaded.workspace) throw new Error('the acme example does not load');
  const workspace = loaded.workspace;
  const store = await openSqliteStore({ path: ':memory:' });
  const incidents = new FakeIncidentService(sampleIncidents());
  const read = createReadService({ store, clock: { now: () => NOW }, workspace: () => workspace, incidents });
  const app = createServer({
    service: incidents,
    read,
    ...(typeof options === 'function' ? options(store, workspace) : options),
  });
  return {
    app,
    store,
    workspace,
    incidents,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** Seeds: payments up (one slow latency), shipping down, identity never ran; three deliveries. */
export async function seed(store: Store): Promise<void> {
  const results: CheckResult[] = [];
  for (let i = 0; i < 10; i++) {
    results.push(
      result({
        integration: 'payments',
        check: 'payments-charges-up',
        latencyMs: i === 9 ? 1500 : 100 + i,
        startedAt: NOW - (10 - i) * 60_000,
      }),
    );
  }
  results.push(
    result({
      integration: 'shipping',
      check: 'shipping-rates-up',
      class: 'timeout',
      startedAt: NOW - 90_000,
    }),
  );
  await store.recordCheckResults(results);
  await seedIncidents(store, 'INC-1');
  await store.applyDecision({
    outbox: [
      makeEffect('m1', 'INC-1', { createdAt: NOW - 3000 }),
      makeEffect('m2', 'INC-1', { createdAt: NOW - 2000, channel: 'email-ops' }),
      makeEffect('m3', 'INC-1', { createdAt: NOW - 1000, channel: 'pager' }),
    ],
  });
}
