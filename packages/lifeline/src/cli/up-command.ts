/**
 * `lifeline up [dir]`: runs the daemon — checks on schedule, incidents, escalation, playbooks, deliveries — and
 * its HTTP API until SIGTERM or Ctrl-C, then shuts down cleanly (deliveries in flight finish, buffered results
 * are written). SIGHUP reloads the workspace, as does saving a workspace file; an invalid edit is refused and the
 * last good workspace stays in use. `--sandbox` also runs the bundled sandbox vendor, for the example workspace.
 * Exit codes: 0 after a clean shutdown, 1 when something failed while running, 2 on usage errors or an invalid
 * workspace at start.
 */
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { startDaemon, type RunningDaemon } from '../daemon/daemon.js';
import type { DaemonLogger, LogFields } from '../daemon/logger.js';
import { bindDecision, bindMessage } from '../auth/bind-rule.js';
import { defaultStorePath, isStoreError, openSqliteStore, type SqliteStore } from '../store/index.js';
import { LifelineMetrics } from '../metrics/lifeline-metrics.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import type { ServerOptions } from '../server/create-server.js';
import { createTracing } from '../telemetry/tracing.js';
import { findRootFile } from '../workspace/load-workspace.js';
import { EXIT } from './exit-codes.js';
import { formatDiagnostic, type Output } from './output.js';
import { parsePort } from './sandbox-command.js';

export const DEFAULT_PORT = 4400;
export const DEFAULT_HOST = '127.0.0.1';

export interface UpOptions {
  port: number;
  host: string;
  store?: string;
  sandbox?: boolean;
  /** Listen on a non-loopback address although no API token exists (decision 008). */
  insecure?: boolean;
}

/** What ends or reloads a running `up`: process signals in production, plain callbacks in tests. */
export interface UpControl {
  /** Resolves when the daemon should shut down (SIGTERM, SIGINT). */
  stopped: Promise<void>;
  /** Registers what a reload request (SIGHUP) does; returns how to unregister it. */
  onReload(reload: () => void): () => void;
}

export interface UpDeps {
  createServer: (options: ServerOptions) => FastifyInstance;
  /** Called once everything listens, with where (tests read the port from it). */
  onReady?: (ready: { apiUrl: string; daemon: RunningDaemon; sandbox?: RunningSandbox }) => void;
}

/** SIGTERM / SIGINT stop, SIGHUP reloads; handlers are removed once stopped. */
export function processControl(): UpControl {
  let reloader: (() => void) | undefined;
  const onHup = () => reloader?.();
  process.on('SIGHUP', onHup);
  const stopped = new Promise<void>((resolveStop) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      process.off('SIGHUP', onHup);
      resolveStop();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
  return {
    stopped,
    onReload(reload) {
      reloader = reload;
      return () => {
        reloader = undefined;
      };
    },
  };
}

/** The daemon's log lines on stderr: time, message, fields. */
export function terminalLogger(output: Output): DaemonLogger {
  const line = (level: string, message: string, fields?: LogFields) => {
    const time = new Date().toISOString().slice(11, 19);
    const extra = Object.entries(fields ?? {})
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    output.err(`${output.color.dim(time)} ${level}${message}${extra ? ` ${output.color.dim(extra)}` : ''}`);
  };
  return {
    info: (message, fields) => line('', message, fields),
    warn: (message, fields) => line(output.color.yellow('warning '), message, fields),
    error: (message, fields) => line(output.color.red('error '), message, fields),
  };
}

function describeUp(
  daemon: RunningDaemon,
  apiUrl: string,
  sandbox: RunningSandbox | undefined,
  c: Output['color'],
): string {
  const workspace = daemon.workspace();
  const lines = [
    `${c.green('●')} lifeline daemon running: ${c.bold(workspace.name || workspace.dir)} ${c.dim(`(${workspace.dir})`)}`,
    `  open     ${apiUrl}/   ${c.dim('the dashboard')}`,
    `  API      ${apiUrl}/api/v1/incidents   ${c.dim(`health: ${apiUrl}/healthz  metrics: ${apiUrl}/metrics`)}`,
    `  store    ${daemon.storePath}`,
  ];
  if (sandbox) {
    const https = sandbox.httpsUrl ? `, ${sandbox.httpsUrl.replace('127.0.0.1', 'localhost')}` : '';
    lines.push(`  sandbox  ${sandbox.httpUrl}${https}   ${c.dim('faults: PUT /_sandbox/faults/<vendor>')}`);
  }
  lines.push(c.dim(`Reload: edit the workspace, or kill -HUP ${process.pid}. Stop: Ctrl-C.`));
  return lines.join('\n');
}

export async function runUp(
  dir: string,
  options: UpOptions,
  output: Output,
  control: UpControl,
  deps: UpDeps,
): Promise<number> {
  if (options.store !== undefined && /^postgres(ql)?:\/\//i.test(options.store)) {
    output.err('lifeline: PostgreSQL stores are not supported by this version yet; use a SQLite file path');
    return EXIT.usage;
  }
  const root = findRootFile(dir);
  let sandbox: RunningSandbox | undefined;
  let daemon: RunningDaemon | undefined;
  let server: FastifyInstance | undefined;
  let authStore: SqliteStore | undefined;
  try {
    // The API's own connection to the daemon's store, for API tokens and the audit trail (decision 008); it is
    // read before anything starts, so a refused bind starts nothing.
    const storePath = options.store !== undefined ? resolve(options.store) : defaultStorePath(dirname(root));
    try {
      authStore = await openSqliteStore({ path: storePath });
      const liveTokens = (await authStore.activeApiTokens()).length;
      const decision = bindDecision({ host: options.host, liveTokens, insecure: options.insecure === true });
      const message = bindMessage(decision, options.host);
      if (message) output.err(decision.kind === 'open-local' ? output.color.dim(message) : message);
      if (decision.kind === 'refused') return EXIT.usage;
    } catch (error) {
      if (!isStoreError(error)) throw error;
      output.err(`lifeline: ${error.message}`);
      return EXIT.usage;
    }
    if (options.sandbox) {
      try {
        sandbox = await startSandbox({ stateDir: join(dirname(root), '.lifeline') });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        output.err(`lifeline: ${reason} (is another \`lifeline sandbox\` running on ports 4480/4481?)`);
        return EXIT.usage;
      }
    }
    const metrics = new LifelineMetrics();
    const logger = terminalLogger(output);
    // Off (and the SDK not even loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set; see docs/metrics.md#traces.
    const tracing = await createTracing(process.env, { logger });
    try {
      daemon = await startDaemon({
        workspace: root,
        metrics,
        tracing,
        ...(options.store !== undefined ? { storePath: resolve(options.store) } : {}),
        logger,
      });
    } catch (error) {
      await tracing.shutdown();
      if (!(error instanceof Error) || error.name !== 'WorkspaceInvalidError') throw error;
      const { diagnostics } = error as Error & { diagnostics: Parameters<typeof formatDiagnostic>[0][] };
      for (const d of diagnostics) output.err(formatDiagnostic(d, dirname(root), output.color));
      output.err('The workspace is invalid; fix the errors above (see `lifeline validate`).');
      return EXIT.usage;
    }
    const started = daemon;
    // Loaded here, as the server is: other commands need neither pino nor fastify.
    const { apiLogger } = await import('../server/api-logger.js');
    server = deps.createServer({
      logger: apiLogger(logger),
      service: daemon.service,
      changes: daemon.changes,
      alerts: daemon.alerts,
      metrics,
      auth: { store: authStore },
      events: daemon.events,
      read: daemon.read,
      reload: () => started.reload(),
    });
    try {
      await server.listen({ host: options.host, port: options.port });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      output.err(
        `lifeline: the API cannot listen on ${options.host}:${options.port}: ${reason}; pick another --port`,
      );
      return EXIT.usage;
    }
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const apiUrl = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    output.out(describeUp(daemon, apiUrl, sandbox, output.color));
    deps.onReady?.({ apiUrl, daemon, ...(sandbox ? { sandbox } : {}) });

    const running = daemon;
    const unregister = control.onReload(() => {
      void running.reload().then(
        (result) => {
          if (result.ok) {
            output.err(`${output.color.green('✔')} workspace reloaded`);
            return;
          }
          for (const d of result.diagnostics) output.err(formatDiagnostic(d, dirname(root), output.color));
          output.err('The edited workspace is invalid; still running on the last good one.');
        },
        (error: unknown) =>
          output.err(`lifeline: reload failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
    await control.stopped;
    unregister();
    output.err('stopping…');
    return EXIT.ok;
  } finally {
    await server?.close().catch(() => undefined);
    await daemon?.stop();
    await authStore?.close();
    await sandbox?.close();
    if (daemon) output.err('daemon stopped');
  }
}

export function upCommand(output: Output, done: (code: number) => void, deps?: Partial<UpDeps>): Command {
  return new Command('up')
    .description('Run the daemon: scheduled checks, incidents, escalation, playbooks and the HTTP API.')
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('-p, --port <port>', 'API port (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--host <host>', 'API listen address', DEFAULT_HOST)
    .option('--store <path>', 'SQLite file (default: <workspace>/.lifeline/lifeline.db)')
    .option('--sandbox', 'also run the bundled sandbox vendor (for the example workspace)')
    .option('--insecure', 'listen on a non-loopback --host although no API token exists')
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline up examples/acme --sandbox          the quickstart: daemon, API and sandbox vendor
  $ lifeline up . --port 8080 --host 0.0.0.0     listen on every interface (needs an API token first,
                                                 see \`lifeline token create\`, or --insecure)
  $ kill -HUP <pid>                              reload the workspace (saving a file does too)

Exit codes:
  0  stopped cleanly (SIGTERM or Ctrl-C)
  1  something failed while running
  2  usage error, or the workspace is invalid at start
`,
    )
    .action(async (dir: string, options: UpOptions) => {
      const createServer = deps?.createServer ?? (await import('../server/create-server.js')).createServer;
      done(
        await runUp(dir, options, output, processControl(), {
          createServer,
          ...(deps?.onReady ? { onReady: deps.onReady } : {}),
        }),
      );
    });
}
