/**
 * The `lifeline` command: builds the command tree, maps outcomes to documented exit codes, and makes sure a
 * user sees a clear message, never a stack trace (set LIFELINE_DEBUG=1 to get one).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isConfigError } from '../errors.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import { validateCommand } from './validate-command.js';
import { catalogCommand } from './catalog-command.js';
import { playbookCommand } from './playbook-command.js';
import { initCommand } from './init-command.js';
import { sandboxCommand } from './sandbox-command.js';
import { checkCommand } from './check-command.js';
import { incidentCommand } from './incident-command.js';
import { changeCommand } from './change-command.js';
import { upCommand } from './up-command.js';
import { tokenCommand } from './token-command.js';

export function lifelineVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(output: Output, done: (code: number) => void): Command {
  const program = new Command('lifeline')
    .description(
      'API integration playbooks as code: catalog, checks, incidents, playbooks and escalation for the third-party APIs you depend on.',
    )
    .version(lifelineVersion(), '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline init my-integrations       create a workspace to start from
  $ lifeline validate examples/acme     check it; every problem with file:line:col
  $ lifeline catalog examples/acme      the service map and playbook coverage
  $ lifeline playbook plan payments-latency examples/acme   what a playbook would do, with checks
  $ lifeline check examples/acme --sandbox   run every check once against the sandbox vendor
  $ lifeline up examples/acme --sandbox the daemon: checks, incidents, escalation, API on :4400
  $ lifeline incident list              open incidents of the running daemon
  $ lifeline change record --integration payments --kind deploy --ref v42   link a deploy to incidents
  $ lifeline token create --name alice --role responder   an API token (shown once)
  $ lifeline sandbox                    fake vendors on loopback, for demos and tests
${EXIT_CODES_HELP}

Environment:
  NO_COLOR        no colours (colours are only used on a terminal anyway)
  LIFELINE_DEBUG  print stack traces of unexpected errors`,
    );
  for (const command of [
    initCommand(output, done),
    validateCommand(output, done),
    catalogCommand(output, done),
    playbookCommand(output, done),
    checkCommand(output, done),
    upCommand(output, done),
    incidentCommand(output, done),
    changeCommand(output, done),
    tokenCommand(output, done),
    sandboxCommand(output, done),
  ]) {
    program.addCommand(command);
  }
  program.commands.forEach((c) =>
    c.exitOverride().configureOutput({
      writeOut: (s) => output.out(s.trimEnd()),
      writeErr: (s) => output.err(s.trimEnd()),
    }),
  );
  program.exitOverride();
  return program;
}

/** Runs the CLI with `argv` (as process.argv: node, script, args…) and returns the exit code. */
export async function run(argv: string[], output: Output = processOutput()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(output, (c) => {
    code = c;
  });
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isConfigError(error)) {
      output.err(`lifeline: ${error.message}`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.err(`lifeline: unexpected error: ${message}`);
    if (process.env.LIFELINE_DEBUG) output.err(error instanceof Error ? (error.stack ?? message) : message);
    else output.err('Set LIFELINE_DEBUG=1 for details, and please report it.');
    return EXIT.failed;
  }
}
