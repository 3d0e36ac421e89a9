/**
 * `lifeline validate [dir]`: loads the workspace and reports every problem, for people (file:line:col) and for
 * scripts (`--json`). Exit 0 when valid (warnings allowed), 1 when invalid.
 */
import { Command } from 'commander';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { loadForCommand } from './load-for-command.js';
import { formatDiagnostic, plural, printJson, type Output } from './output.js';
import { checksOf } from '../workspace/model.js';

export interface ValidateOptions {
  json?: boolean;
  strict?: boolean;
}

export async function runValidate(dir: string, options: ValidateOptions, output: Output): Promise<number> {
  const { result, dir: workspaceDir } = await loadForCommand(dir, options);
  if (options.json) {
    printJson(output, { ok: result.ok, diagnostics: result.diagnostics });
    return result.ok ? EXIT.ok : EXIT.failed;
  }
  const c = output.color;
  for (const d of result.diagnostics) output.out(formatDiagnostic(d, workspaceDir, c));
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (result.ok && result.workspace) {
    const ws = result.workspace;
    const summary = `${plural(ws.integrations.length, 'integration')}, ${plural(checksOf(ws).length, 'check')}, ${plural(ws.playbooks.length, 'playbook')} in ${plural(ws.files.length, 'file')}`;
    output.out(
      `${c.green('✔')} ${ws.name}: valid — ${summary}${warnings ? c.yellow(` (${plural(warnings, 'warning')})`) : ''}`,
    );
    return EXIT.ok;
  }
  output.out(
    `${c.red('✘')} invalid: ${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}`,
  );
  return EXIT.failed;
}

export function validateCommand(output: Output, done: (code: number) => void): Command {
  return new Command('validate')
    .description(
      'Check a workspace: syntax, shape, references, secret references. Lists every problem with file:line:col.',
    )
    .argument('[dir]', 'workspace directory or root file', '.')
    .option(
      '--json',
      'print one JSON object: {"ok", "diagnostics": [{code, severity, file, line, col, message, hint?, subject?}]}',
    )
    .option('--strict', 'treat unresolved secret references (unset env vars, missing files) as errors')
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline validate examples/acme
  $ lifeline validate --json --strict . | jq '.diagnostics[] | select(.severity == "error")'
${EXIT_CODES_HELP}`,
    )
    .action(async (dir: string, options: ValidateOptions) => done(await runValidate(dir, options, output)));
}
