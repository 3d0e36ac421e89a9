/**
 * `lifeline change …`: record a change (a deploy, a config change, a key rotation, a vendor notice, a feature
 * flag) with the running daemon, so incidents opened shortly after show it, and list recorded changes.
 * Through the daemon's HTTP API like `lifeline incident`: the integration is checked there, against the
 * workspace in use. Exit codes: 0 done, 1 the daemon refused or could not be reached, 2 usage errors.
 */
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CHANGE_KINDS, type ChangeKind, type ChangeRecord } from '../changes/change.js';
import type { ChangeInput } from '../changes/change-input.js';
import type { ApiClient, ChangeListParams } from '../server/api-client.js';
import { MAX_PAGE_SIZE } from '../server/schemas.js';
import { parseDuration } from '../workspace/values.js';
import { EXIT } from './exit-codes.js';
import {
  DEFAULT_SERVER,
  TOKEN_OPTION_HELP,
  formatTime,
  parseServerUrl,
  withClient,
} from './incident-command.js';
import { printJson, type Colors, type Output } from './output.js';

type Env = Readonly<Record<string, string | undefined>>;

interface RecordOptions {
  integration: string;
  kind: ChangeKind;
  ref: string;
  by?: string;
  at?: string;
  service?: string;
  team?: string;
  summary?: string;
  url?: string;
  id?: string;
  json?: boolean;
}

interface ListOptions {
  integration?: string;
  since: string;
  limit?: number;
  cursor?: string;
  json?: boolean;
}

/**
 * A time on the command line as ISO 8601: an ISO 8601 time as written, or `-5m` (a duration ago).
 *
 * @example parseWhen('-5m', Date.parse('2026-01-01T00:10:00Z')) // → '2026-01-01T00:05:00.000Z'
 */
export function parseWhen(value: string, now: number): string {
  if (value.startsWith('-')) {
    const ms = parseDuration(value.slice(1));
    if (ms === undefined) throw new InvalidArgumentError('expected a duration ago such as -5m or -2h');
    return new Date(now - ms).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value))) {
    return new Date(Date.parse(value)).toISOString();
  }
  throw new InvalidArgumentError('expected an ISO 8601 time (2026-01-01T10:00:00Z) or a time ago (-5m)');
}

/** `--since`: a duration back from now (`24h`, also `-24h`) or an ISO 8601 time. */
export function parseSince(value: string, now: number): string {
  const ms = parseDuration(value.replace(/^-/, ''));
  if (ms !== undefined) return new Date(now - ms).toISOString();
  return parseWhen(value, now);
}

export function changeCommand(
  output: Output,
  done: (code: number) => void,
  env: Env = process.env,
  now: () => number = Date.now,
): Command {
  const change = new Command('change')
    .description('Record changes (deploys, config, key rotations, …) with a running daemon, and list them.')
    .option(
      '--server <url>',
      `the daemon's URL (env LIFELINE_SERVER, default ${DEFAULT_SERVER})`,
      parseServerUrl,
    )
    .option('--token <token>', TOKEN_OPTION_HELP)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline change record --integration payments --kind deploy --ref v2.14.0 --by alice
  $ lifeline change record --integration payments --kind key-rotation --ref stripe-key-7 --at -10m
  $ lifeline change list --integration payments --since 7d
  $ lifeline change list --json | jq '.items[].ref'

Exit codes:
  0  done
  1  the daemon refused (unknown integration, invalid input) or could not be reached
  2  usage error (bad flags or arguments)`,
    );

  change
    .command('record')
    .description('record a change; incidents opened in the look-back window after it list it')
    .requiredOption('--integration <id>', 'the integration it changed (checked by the daemon)')
    .addOption(new Option('--kind <kind>', 'what kind of change').choices(CHANGE_KINDS).makeOptionMandatory())
    .requiredOption('--ref <ref>', 'what changed: a version, a commit sha, a key id, a notice id')
    .option('--by <who>', 'who made it')
    .option('--at <time>', 'when it took effect: ISO 8601 or a time ago such as -5m (default now)')
    .option('--service <name>', 'the internal service or component it changed')
    .option('--team <id>', "the team it belongs to (default the integration's owner)")
    .option('--summary <text>', 'one line about it')
    .option('--url <url>', 'where to read more')
    .option('--id <id>', 'your id for it: recording the same id again changes nothing')
    .option('--json', 'print the recorded change as JSON')
    .action(async (options: RecordOptions, command: Command) => {
      let input: ChangeInput;
      try {
        input = recordInput(options, now());
      } catch (error) {
        output.err(`lifeline: --at: ${error instanceof Error ? error.message : String(error)}`);
        return done(EXIT.usage);
      }
      done(
        await withClient(command, output, env, async (client) => {
          const recorded = await client.recordChange(input);
          if (options.json) printJson(output, recorded);
          else output.out(`recorded ${describeChange(recorded, output.color)}`);
          return EXIT.ok;
        }),
      );
    });

  change
    .command('list')
    .description('list recorded changes, newest first')
    .option('--integration <id>', 'only changes of this integration')
    .option('--since <when>', 'changes since: a duration ago (24h, 7d) or an ISO 8601 time', '24h')
    .option('--limit <n>', `at most this many (1-${MAX_PAGE_SIZE})`, parseLimit)
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--json', 'print {"items": [change…], "nextCursor"?}')
    .action(async (options: ListOptions, command: Command) => {
      let since: string;
      try {
        since = parseSince(options.since, now());
      } catch (error) {
        output.err(`lifeline: --since: ${error instanceof Error ? error.message : String(error)}`);
        return done(EXIT.usage);
      }
      done(await withClient(command, output, env, (client) => listChanges(client, options, since, output)));
    });

  return change;
}

function recordInput(options: RecordOptions, now: number): ChangeInput {
  return {
    integration: options.integration,
    kind: options.kind,
    ref: options.ref,
    source: 'cli',
    ...(options.at !== undefined ? { at: parseWhen(options.at, now) } : {}),
    ...(options.by !== undefined ? { by: options.by } : {}),
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.team !== undefined ? { team: options.team } : {}),
    ...(options.summary !== undefined ? { summary: options.summary } : {}),
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.id !== undefined ? { id: options.id } : {}),
  };
}

async function listChanges(
  client: ApiClient,
  options: ListOptions,
  since: string,
  output: Output,
): Promise<number> {
  const query: ChangeListParams = {
    since,
    ...(options.integration !== undefined ? { integration: options.integration } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
  };
  const page = await client.listChanges(query);
  if (options.json) {
    printJson(output, page);
    return EXIT.ok;
  }
  const c = output.color;
  if (page.items.length === 0) output.out(c.dim(`no changes since ${formatTime(Date.parse(since))} UTC`));
  else output.out(renderTable(page.items, c));
  if (page.nextCursor) {
    const filters = [
      options.integration !== undefined ? ` --integration ${options.integration}` : '',
      ` --since ${since}`,
      options.limit !== undefined ? ` --limit ${options.limit}` : '',
    ].join('');
    output.out(c.dim(`more: lifeline change list${filters} --cursor ${page.nextCursor}`));
  }
  return EXIT.ok;
}

function renderTable(changes: readonly ChangeRecord[], c: Colors): string {
  const table = new Table({
    head: ['at (UTC)', 'kind', 'integration', 'service', 'ref', 'by', 'source', 'id'].map((h) => c.bold(h)),
    style: { head: [], border: [] },
  });
  for (const change of changes) {
    table.push([
      formatTime(change.at),
      change.kind,
      change.integration ?? '',
      change.service ?? '',
      change.ref,
      change.by ?? '',
      change.source,
      change.id,
    ]);
  }
  return table.toString();
}

function describeChange(change: ChangeRecord, c: Colors): string {
  const subject = change.integration ?? change.service ?? 'everything';
  const by = change.by ? ` by ${change.by}` : '';
  return `${change.kind} of ${c.bold(subject)} ${change.ref}${by} at ${formatTime(change.at)} UTC ${c.dim(`(${change.id})`)}`;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return n;
}
