/**
 * `lifeline incident …` against a real server from `createServer` listening on loopback, over the fake
 * `IncidentService`: what each subcommand prints, the one-line problems, exit codes, and an unreachable daemon.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command, CommanderError } from 'commander';
import type { FastifyInstance } from 'fastify';
import pc from 'picocolors';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.js';
import { FakeIncidentService } from '../server/test-support/fake-incident-service.js';
import { sampleIncidents } from '../server/test-support/inject.js';
import { EXIT } from './exit-codes.js';
import { incidentCommand } from './incident-command.js';
import type { Output } from './output.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const STACK_TRACE = /^\s+at .+[(:]\d+/m;

let app: FastifyInstance;
let service: FakeIncidentService;
let server: string;

beforeAll(async () => {
  service = new FakeIncidentService();
  app = createServer({ service });
  await app.listen({ host: '127.0.0.1', port: 0 });
  server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
});

beforeEach(() => {
  service.incidents.clear();
  for (const incident of sampleIncidents()) service.incidents.set(incident.id, incident);
  service.commands.length = 0;
});

/** Runs `lifeline incident …` in-process as `main.ts` does (commander errors are usage errors), colours off. */
async function cli(env: Record<string, string | undefined>, ...args: string[]): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) };
  let code: number = EXIT.ok;
  const program = new Command('lifeline').exitOverride().addCommand(
    incidentCommand(
      output,
      (c) => {
        code = c;
      },
      env,
    ),
  );
  try {
    await program.parseAsync(['node', 'lifeline', 'incident', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const incident = (...args: string[]) => cli({}, '--server', server, ...args);

describe('lifeline incident list', () => {
  it('prints a table with id, severity, status, integration, opened and problem', async () => {
    const { code, stdout, stderr } = await incident('list');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const heading of ['id', 'severity', 'status', 'integration', 'opened (UTC)', 'problem']) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toMatch(/INC-2\s*│\s*sev1\s*│\s*acknowledged\s*│\s*shipping\s*│\s*2026-01-01 00:00/);
    expect(stdout).toContain('Payments API p95 latency');
  });

  it('--json prints { items } and passes the filters', async () => {
    const { code, stdout } = await incident('list', '--json', '--status', 'resolved');
    expect(code).toBe(0);
    const page = JSON.parse(stdout) as { items: { id: string }[] };
    expect(Object.keys(page)).toEqual(['items']);
    expect(page.items.map((i) => i.id)).toEqual(['INC-3']);
  });

  it('says how to get the next page', async () => {
    const { stdout } = await incident('list', '--limit', '2');
    expect(stdout).toContain('more: lifeline incident list --limit 2 --cursor c2');
    const next = await incident('list', '--json', '--limit', '2', '--cursor', 'c2');
    expect((JSON.parse(next.stdout) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      'INC-3',
      'INC-4',
    ]);
  });

  it('an unknown --status is a usage error (exit 2)', async () => {
    const { code, stderr } = await incident('list', '--status', 'open');
    expect(code).toBe(2);
    expect(stderr).toContain('Allowed choices are triggered, acknowledged, mitigated, resolved');
  });

  it('takes the server from LIFELINE_SERVER', async () => {
    const { code, stdout } = await cli({ LIFELINE_SERVER: server }, 'list', '--json');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { items: unknown[] }).items).toHaveLength(4);
  });
});

describe('lifeline incident show', () => {
  it('prints the incident with its steps and timeline', async () => {
    const { code, stdout } = await incident('show', 'INC-4');
    expect(code).toBe(0);
    expect(stdout).toContain('INC-4  sev2  triggered  payments');
    expect(stdout).toContain('owner team   payments-team');
    expect(stdout).toContain('Steps (run 1, running)');
    expect(stdout).toContain('switch-to-cached  waiting');
    expect(stdout).toContain('Timeline (UTC)');
    expect(stdout).toContain('2026-01-01 00:00  lifeline  opened  opened by signal payments-latency');
  });

  it('--json prints the incident as the API returns it', async () => {
    const { code, stdout } = await incident('show', 'INC-2', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(service.incidents.get('INC-2'));
  });

  it('an unknown incident is one line and exit 1', async () => {
    const { code, stdout, stderr } = await incident('show', 'INC-99');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('lifeline: not-found: no incident INC-99');
  });
});

describe('lifeline incident <command>', () => {
  it('ack acknowledges as --as and says so', async () => {
    const { code, stdout, stderr } = await incident('ack', 'INC-1', '--as', 'alice');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe('INC-1 acknowledged by alice');
    expect(service.commands).toEqual([{ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' }]);
  });

  it('resolve twice: the second is a conflict, one line on stderr and exit 1', async () => {
    const env = { LIFELINE_ACTOR: 'alice' };
    const first = await cli(env, '--server', server, 'resolve', 'INC-1', '--note', 'vendor fixed it');
    expect(first).toEqual({ code: 0, stdout: 'INC-1 resolved', stderr: '' });
    expect(service.commands[0]).toEqual({
      kind: 'resolve',
      incidentId: 'INC-1',
      actor: 'alice',
      text: 'vendor fixed it',
    });
    const second = await cli(env, '--server', server, 'resolve', 'INC-1');
    expect(second).toEqual({
      code: 1,
      stdout: '',
      stderr: 'lifeline: conflict: incident INC-1 is already resolved',
    });
  });

  it.each([
    [
      ['note', 'INC-1', 'status page is green'],
      'note added to INC-1',
      { kind: 'note', text: 'status page is green' },
    ],
    [['assign', 'INC-1', 'bob'], 'INC-1 assigned to bob', { kind: 'assign', assignee: 'bob' }],
    [
      ['attempt', 'INC-1', '--note', 'restarted'],
      'attempt recorded on INC-1',
      { kind: 'mark-attempt', text: 'restarted' },
    ],
    [
      ['approve', 'INC-4', 'switch-to-cached'],
      'step switch-to-cached of INC-4 approved',
      { kind: 'approve', stepId: 'switch-to-cached' },
    ],
    [
      ['decline', 'INC-4', 'switch-to-cached'],
      'step switch-to-cached of INC-4 declined',
      { kind: 'decline', stepId: 'switch-to-cached' },
    ],
    [
      ['step-done', 'INC-4', 'call-vendor'],
      'step call-vendor of INC-4 marked done',
      { kind: 'step-done', stepId: 'call-vendor' },
    ],
    [['mitigate', 'INC-1'], 'INC-1 mitigated', { kind: 'mitigate' }],
  ])('%j', async (args, line, event) => {
    const { code, stdout, stderr } = await incident(...args, '--as', 'alice');
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: line, stderr: '' });
    expect(service.commands).toEqual([{ incidentId: args[1], actor: 'alice', ...event }]);
  });

  it('a command that changes nothing says so and exits 0', async () => {
    const { code, stdout } = await incident('attempt', 'INC-3', '--as', 'bob');
    expect(code).toBe(0);
    expect(stdout).toBe('INC-3: nothing changed — incident INC-3 is resolved');
  });

  it('forbidden is one line and exit 1', async () => {
    const { code, stderr } = await incident('approve', 'INC-4', 'switch-to-cached', '--as', 'bob');
    expect(code).toBe(1);
    expect(stderr).toBe('lifeline: forbidden: bob may not answer step switch-to-cached');
  });

  it('without --as or LIFELINE_ACTOR it is a usage error and sends nothing', async () => {
    const { code, stderr } = await incident('ack', 'INC-1');
    expect(code).toBe(2);
    expect(stderr).toContain('who is acting? Pass --as PERSON');
    expect(service.commands).toEqual([]);
  });

  it('a missing argument is a usage error', async () => {
    const { code, stderr } = await incident('assign', 'INC-1', '--as', 'alice');
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'person'");
  });

  it('an exception in the daemon is one line without a stack trace', async () => {
    service.failNext = new Error('disk I/O error');
    const { code, stderr } = await incident('ack', 'INC-1', '--as', 'alice');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^lifeline: internal: the daemon failed to handle the request; see its log \(request req-\w+\)$/,
    );
    expect(stderr).not.toMatch(STACK_TRACE);
  });
});

describe('reaching the daemon', () => {
  it('an unreachable daemon is a clear message and exit 1', async () => {
    const closed = createHttpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}`;
    const { code, stdout, stderr } = await cli({ LIFELINE_SERVER: url }, 'list');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `lifeline: cannot reach the Lifeline daemon at ${url} (ECONNREFUSED); is \`lifeline up\` running?`,
    );
  });

  it('something else listening on the port is named, not parsed', async () => {
    const other = createHttpServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>'),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const { code, stderr } = await cli({}, '--server', url, 'show', 'INC-1');
      expect(code).toBe(1);
      expect(stderr).toBe(
        `lifeline: ${url} does not answer like a Lifeline daemon (HTTP 404 with text/html, not the Lifeline API); check --server`,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('a --server that is not an http URL is a usage error', async () => {
    const { code, stderr } = await cli({}, '--server', 'localhost:4400', 'list');
    expect(code).toBe(2);
    expect(stderr).toContain('expected an http(s) URL');
  });

  it('a LIFELINE_SERVER that is not an http URL is a usage error', async () => {
    const { code, stderr } = await cli({ LIFELINE_SERVER: 'ftp://x' }, 'list');
    expect(code).toBe(2);
    expect(stderr).toBe('lifeline: LIFELINE_SERVER is not an http(s) URL: ftp://x');
  });
});

describe('help', () => {
  it('lifeline incident --help lists the subcommands and examples', async () => {
    const { code, stdout } = await cli({}, '--help');
    expect(code).toBe(0);
    for (const sub of [
      'list',
      'show',
      'ack',
      'mitigate',
      'resolve',
      'note',
      'assign',
      'attempt',
      'approve',
      'decline',
      'step-done',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+${sub}\\b`, 'm'));
    }
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('LIFELINE_ACTOR');
  });

  it('a subcommand --help shows the global --server and --as', async () => {
    const { code, stdout } = await cli({}, 'resolve', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('--note <text>');
    expect(stdout).toContain('--server <url>');
    expect(stdout).toContain('--as <person>');
  });
});
