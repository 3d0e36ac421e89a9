/**
 * `lifeline change …` against a real server on loopback with the real change service over an in-memory store:
 * recording (relative and ISO times, the integration checked by the daemon), listing, usage errors; and
 * `lifeline incident show` printing an incident's linked changes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { FastifyInstance } from 'fastify';
import pc from 'picocolors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkedChange } from '../changes/rank-changes.js';
import { createChangeService } from '../daemon/change-service-impl.js';
import { createServer } from '../server/create-server.js';
import { FakeIncidentService, makeIncident } from '../server/test-support/fake-incident-service.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { changeCommand, parseWhen } from './change-command.js';
import { EXIT } from './exit-codes.js';
import { incidentCommand } from './incident-command.js';
import type { Output } from './output.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const STACK_TRACE = /^\s+at .+[(:]\d+/m;

let dir: string;
let store: Store;
let app: FastifyInstance;
let server: string;
const incidents = new FakeIncidentService();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeline-change-cli-'));
  await writeFile(
    join(dir, 'lifeline.yaml'),
    `version: 1
name: cli
teams: [{ id: payments-team, name: Payments, members: [{ id: alice, name: Alice }] }]
integrations:
  - id: payments
    name: Payments
    owner: payments-team
    baseUrl: https://payments.example
    auth: { type: none }
    endpoints: [{ id: charges, method: GET, path: /v1/charges }]
`,
  );
  const { workspace } = await loadWorkspace(dir);
  if (!workspace) throw new Error('the test workspace does not load');
  store = await openSqliteStore({ path: ':memory:' });
  const changes = createChangeService({
    store,
    clock: { now: () => NOW },
    workspace: () => workspace,
    signal: new AbortController().signal,
  });
  app = createServer({ service: incidents, changes });
  await app.listen({ host: '127.0.0.1', port: 0 });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  make: (output: Output, done: (c: number) => void) => Command,
  args: string[],
): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) };
  let code: number = EXIT.ok;
  const program = new Command('lifeline').exitOverride().addCommand(
    make(output, (c) => {
      code = c;
    }),
  );
  try {
    await program.parseAsync(['node', 'lifeline', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const change = (...args: string[]) =>
  run((output, done) => changeCommand(output, done, {}, () => NOW), ['change', '--server', server, ...args]);

describe('parseWhen', () => {
  it('turns a time ago or an ISO time into ISO 8601, and refuses anything else', () => {
    expect(parseWhen('-5m', NOW)).toBe('2026-01-01T11:55:00.000Z');
    expect(parseWhen('2026-01-01T13:00:00+02:00', NOW)).toBe('2026-01-01T11:00:00.000Z');
    expect(() => parseWhen('5 minutes ago', NOW)).toThrow(/ISO 8601/);
    expect(() => parseWhen('-5 minutes', NOW)).toThrow(/-5m/);
  });
});

describe('lifeline change record', () => {
  it('records a change and says what was recorded', async () => {
    const { code, stdout, stderr } = await change(
      'record',
      '--integration',
      'payments',
      '--kind',
      'deploy',
      '--ref',
      'v2.14.0',
      '--by',
      'alice',
      '--at',
      '-5m',
    );
    expect(stderr).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^recorded deploy of payments v2\.14\.0 by alice at 2026-01-01 11:55 UTC \(chg-/);
    const [stored] = (await store.listChanges({ integration: 'payments', kind: 'deploy' })).items;
    expect(stored).toMatchObject({
      ref: 'v2.14.0',
      at: NOW - 5 * 60_000,
      source: 'cli',
      team: 'payments-team',
    });
  });

  it('prints the change as JSON with --json, and records the same --id once', async () => {
    const args = [
      'record',
      '--integration',
      'payments',
      '--kind',
      'config',
      '--ref',
      'timeout=5s',
      '--id',
      'cfg-1',
    ];
    const first = await change(...args, '--json');
    expect(JSON.parse(first.stdout)).toMatchObject({ id: 'cfg-1', kind: 'config', at: NOW, source: 'cli' });
    expect((await change(...args)).code).toBe(EXIT.ok);
    expect((await store.listChanges({ kind: 'config' })).items).toHaveLength(1);
  });

  it("exits 1 with the daemon's one-line problem for an unknown integration", async () => {
    const { code, stdout, stderr } = await change(
      'record',
      '--integration',
      'nope',
      '--kind',
      'deploy',
      '--ref',
      'v1',
    );
    expect(code).toBe(EXIT.failed);
    expect(stdout).toBe('');
    expect(stderr).toBe('lifeline: invalid-request: body `integration` no integration nope in the workspace');
  });

  it.each([
    [['--kind', 'deploy', '--ref', 'v1'], /--integration/],
    [['--integration', 'payments', '--kind', 'reboot', '--ref', 'v1'], /reboot/],
    [
      ['--integration', 'payments', '--kind', 'deploy', '--ref', 'v1', '--at', 'yesterday'],
      /--at: expected an ISO 8601/,
    ],
  ])('is a usage error with %j', async (args, message) => {
    const { code, stderr } = await change('record', ...args);
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(STACK_TRACE);
  });

  it('says when the daemon cannot be reached', async () => {
    const ran = await run(
      (output, done) => changeCommand(output, done, {}, () => NOW),
      ['change', '--server', 'http://127.0.0.1:9', 'list'],
    );
    expect(ran.code).toBe(EXIT.failed);
    expect(ran.stderr).toMatch(/cannot reach the Lifeline daemon at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('lifeline change list', () => {
  it('lists changes since a time ago as a table, or JSON', async () => {
    await change(
      'record',
      '--integration',
      'payments',
      '--kind',
      'vendor-notice',
      '--ref',
      'notice-9',
      '--at',
      '-3h',
    );
    await change(
      'record',
      '--integration',
      'payments',
      '--kind',
      'feature-flag',
      '--ref',
      'flag-1',
      '--at',
      '-1h',
    );
    const table = await change('list', '--since', '2h');
    expect(table.code).toBe(EXIT.ok);
    expect(table.stdout).toContain('flag-1');
    expect(table.stdout).not.toContain('notice-9');
    for (const heading of ['at (UTC)', 'kind', 'integration', 'ref', 'source'])
      expect(table.stdout).toContain(heading);
    const json = await change('list', '--since', '4h', '--integration', 'payments', '--json');
    const refs = (JSON.parse(json.stdout) as { items: { ref: string }[] }).items.map((c) => c.ref);
    expect(refs).toContain('notice-9');
    expect(refs.indexOf('flag-1')).toBeLessThan(refs.indexOf('notice-9'));
  });

  it('refuses a --since that is no time', async () => {
    const { code, stderr } = await change('list', '--since', 'last week');
    expect(code).toBe(EXIT.usage);
    expect(stderr).toMatch(/--since/);
  });
});

describe('lifeline incident show', () => {
  it('prints the linked changes, most likely cause first, marking those after the trigger', async () => {
    const linked: LinkedChange[] = [
      {
        id: 'd1',
        kind: 'deploy',
        ref: 'v42',
        at: NOW - 5 * 60_000,
        source: 'cli',
        integration: 'payments',
        by: 'alice',
        relevance: 'integration',
        afterTrigger: false,
      },
      {
        id: 'n1',
        kind: 'vendor-notice',
        ref: 'maint-7',
        at: NOW + 60_000,
        source: 'api',
        relevance: 'global',
        afterTrigger: true,
      },
    ];
    const original = incidents.getIncident.bind(incidents);
    incidents.incidents.set('INC-9', makeIncident('INC-9'));
    incidents.getIncident = async (id) => {
      const incident = await original(id);
      return incident && Object.assign(incident, { changes: linked });
    };
    const shown = await run(
      (output, done) => incidentCommand(output, done, {}),
      ['incident', '--server', server, 'show', 'INC-9'],
    );
    expect(shown.code).toBe(EXIT.ok);
    const lines = shown.stdout.split('\n');
    const heading = lines.indexOf('Changes (most likely cause first)');
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading + 1]).toBe('  2026-01-01 11:55  deploy  payments  v42 by alice  (integration)');
    expect(lines[heading + 2]).toBe(
      '  2026-01-01 12:01  vendor-notice  everything  maint-7  (global)  after the trigger',
    );
  });
});
