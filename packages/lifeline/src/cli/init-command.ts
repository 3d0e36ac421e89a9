/**
 * `lifeline init [dir]`: writes a small, commented, valid workspace to start from. Never overwrites.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import type { Output } from './output.js';

const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url));

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : Promise.resolve([join(prefix, e.name)]),
    ),
  );
  return nested.flat().sort();
}

export async function runInit(dir: string, output: Output): Promise<number> {
  const files = await listFiles(TEMPLATE_DIR);
  const clashes = files.filter((f) => existsSync(join(dir, f)));
  if (clashes.length) {
    throw new ConfigError(
      'init-would-overwrite',
      `not overwriting existing ${clashes.map((f) => `\`${join(dir, f)}\``).join(', ')}; choose an empty directory`,
    );
  }
  await mkdir(dir, { recursive: true });
  await cp(TEMPLATE_DIR, dir, { recursive: true, errorOnExist: true, force: false });
  const c = output.color;
  const shown = relative(process.cwd(), dir) || '.';
  for (const f of files) output.out(`${c.green('created')} ${join(shown, f)}`);
  output.out(`\nNext:\n  lifeline validate ${shown}\n  lifeline catalog ${shown}`);
  return EXIT.ok;
}

export function initCommand(output: Output, done: (code: number) => void): Command {
  return new Command('init')
    .description(
      'Create a small, commented, valid workspace (lifeline.yaml and one integration) to start from.',
    )
    .argument('[dir]', 'directory to create it in', '.')
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline init my-integrations && lifeline validate my-integrations
${EXIT_CODES_HELP}`,
    )
    .action(async (dir: string) => done(await runInit(dir, output)));
}
