/**
 * `lifeline check [dir]`: the one-shot preflight before data exchange. Runs every check (or the named ones) once,
 * concurrently, shows progress on a terminal, prints a table, JSON or JUnit XML, and exits 0 when all passed,
 * 1 when any failed, 2 on usage errors or an invalid workspace.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import type { CheckResult } from '../checks/check-result.js';
import { runChecks } from '../checks/run-checks.js';
import { renderJunit } from '../reports/junit.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { suggestion } from '../workspace/diagnostics.js';
import { checksOf, type DeclaredCheck, type Workspace } from '../workspace/model.js';
import { ConfigError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { loadForCommand } from './load-for-command.js';
import { formatDiagnostic, plural, printJson, type Colors, type Output } from './output.js';

export interface CheckOptions {
  only?: string[];
  json?: boolean;
  junit?: string;
  concurrency?: number;
  sandbox?: boolean;
}

/** The `--json` shape of one result (documented in docs/cli.md). */
export function resultJson(r: CheckResult): Record<string, unknown> {
  return {
    integration: r.integration,
    check: r.check,
    kind: r.kind,
    ok: r.ok,
    class: r.class,
    ...(r.status !== undefined ? { status: r.status } : {}),
    latencyMs: Math.round(r.latencyMs),
    signature: r.signature,
    message: r.message,
    attempts: r.attempts,
    ...(r.errorCode ? { errorCode: r.errorCode } : {}),
    ...(r.retryAfterMs !== undefined ? { retryAfterMs: r.retryAfterMs } : {}),
    ...(r.tls ? { tls: r.tls } : {}),
    ...(r.drift ? { drift: r.drift } : {}),
  };
}

export function selectChecks(workspace: Workspace, only: readonly string[] | undefined): DeclaredCheck[] {
  const all = checksOf(workspace).filter(({ check }) => check.enabled !== false || only?.includes(check.id));
  if (!only?.length) return all;
  const ids = new Set(checksOf(workspace).map(({ check }) => check.id));
  for (const id of only) {
    if (!ids.has(id)) {
      const hint = suggestion(id, [...ids], 'check');
      throw new ConfigError('unknown-check', `unknown check \`${id}\`${hint ? ` — ${hint}` : ''}`);
    }
  }
  return all.filter(({ check }) => only.includes(check.id));
}

export async function runCheckCommand(dir: string, options: CheckOptions, output: Output): Promise<number> {
  const { result: loaded, dir: workspaceDir } = await loadForCommand(dir, {});
  const workspace = loaded.workspace;
  if (!workspace) {
    if (options.json) printJson(output, { ok: false, results: [], diagnostics: loaded.diagnostics });
    else for (const d of loaded.diagnostics) output.err(formatDiagnostic(d, workspaceDir, output.color));
    if (!options.json)
      output.err('The workspace is invalid; fix the errors above (see `lifeline validate`).');
    return EXIT.usage;
  }
  const selected = selectChecks(workspace, options.only);
  let sandbox: RunningSandbox | undefined;
  try {
    if (options.sandbox) sandbox = await startSandbox({ stateDir: join(workspace.dir, '.lifeline') });
    const progress = createProgress(output, selected.length, !options.json);
    const results = await runChecks(
      selected,
      { workspace, now: Date.now },
      {
        ...(options.concurrency ? { concurrency: options.concurrency } : {}),
        onResult: () => progress.tick(),
      },
    );
    progress.done();
    const ok = results.every((r) => r.ok);
    if (options.junit) await writeFile(options.junit, renderJunit(results, { timestamp: new Date() }));
    if (options.json) printJson(output, { ok, results: results.map(resultJson) });
    else output.out(renderTable(results, output.color));
    return ok ? EXIT.ok : EXIT.failed;
  } finally {
    await sandbox?.close();
  }
}

function createProgress(output: Output, total: number, enabled: boolean): { tick(): void; done(): void } {
  const live = enabled && Boolean(process.stderr.isTTY);
  let finished = 0;
  return {
    tick() {
      finished++;
      if (live) process.stderr.write(`\r${output.color.dim(`checking… ${finished}/${total}`)}`);
    },
    done() {
      if (live) process.stderr.write('\r\x1b[K');
    },
  };
}

function renderTable(results: readonly CheckResult[], c: Colors): string {
  const table = new Table({
    head: ['', 'integration', 'check', 'kind', 'class', 'status', 'latency', 'message'].map((h) => c.bold(h)),
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    colWidths: [3, null, null, null, null, null, null, 60],
  });
  const sorted = [...results].sort(
    (a, b) => a.integration.localeCompare(b.integration) || a.check.localeCompare(b.check),
  );
  for (const r of sorted) {
    const mark = r.ok ? c.green('✔') : c.red('✘');
    const klass = r.ok ? c.green(r.class) : c.red(r.class);
    const drift = r.drift?.length
      ? `\n${r.drift.map((d) => `${d.pointer} ${d.kind}: expected ${d.expected}, got ${d.actual}`).join('\n')}`
      : '';
    table.push([
      mark,
      r.integration,
      r.check,
      r.kind,
      klass,
      r.status ?? '',
      `${Math.round(r.latencyMs)} ms`,
      `${r.message}${drift}`,
    ]);
  }
  const failed = results.filter((r) => !r.ok).length;
  const summary = failed
    ? c.red(`${plural(failed, 'check')} failed, ${results.length - failed} passed`)
    : c.green(`all ${plural(results.length, 'check')} passed`);
  return `${table.toString()}\n${summary}`;
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000');
  return n;
}

export function checkCommand(output: Output, done: (code: number) => void): Command {
  return new Command('check')
    .description(
      'Run every check (or the named ones) once: availability, latency, TLS, credentials, schema drift.',
    )
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--only <ids...>', 'run only these checks (ids)')
    .option(
      '--json',
      'print {"ok", "results": [{integration, check, kind, ok, class, status?, latencyMs, signature, message, tls?, drift?}]}',
    )
    .option('--junit <file>', 'also write a JUnit XML report for CI systems')
    .option('--concurrency <n>', 'checks in flight at once', parseConcurrency)
    .option(
      '--sandbox',
      'start the bundled sandbox vendor for the duration of the run (for the example workspace)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline check examples/acme --sandbox
  $ lifeline check . --only payments-tls payments-credential --json | jq '.results[] | select(.ok | not)'
  $ lifeline check . --junit reports/lifeline.xml

Exit codes:
  0  every check passed
  1  at least one check failed
  2  usage error or invalid workspace
`,
    )
    .action(async (dir: string, options: CheckOptions) => done(await runCheckCommand(dir, options, output)));
}
