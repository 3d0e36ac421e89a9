/**
 * `lifeline token create|list|revoke`: the API tokens of a workspace's daemon. These commands write to the
 * daemon's store directly (the same `--store`, or `<workspace>/.lifeline/lifeline.db`, as `lifeline up`), not
 * through the API: the first admin token must be made before anyone can call the API with one, and whoever can
 * write the store file owns the daemon anyway. A new token is printed once, alone on stdout (so
 * `TOKEN=$(lifeline token create …)` works); only its hash is stored. The daemon enforces tokens as soon as one
 * is live, without a restart. Each change is written to the audit trail as `cli:<user>`.
 * Exit codes: 0 done, 1 refused (a live token already has the name, no such token), 2 usage errors.
 */
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, TOKEN_NAME_PATTERN, type ApiToken, type Role } from '../auth/auth-records.js';
import { issueToken } from '../auth/issue-token.js';
import { defaultStorePath, isStoreError, openSqliteStore, type SqliteStore } from '../store/index.js';
import { findRootFile } from '../workspace/load-workspace.js';
import { EXIT } from './exit-codes.js';
import { formatTime } from './incident-command.js';
import { printJson, type Output } from './output.js';

interface StoreOptions {
  store?: string;
  json?: boolean;
}

export interface TokenCommandDeps {
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Who runs the command, for the audit trail; default the OS user. */
  user?: string;
}

export function tokenCommand(
  output: Output,
  done: (code: number) => void,
  deps: TokenCommandDeps = {},
): Command {
  const now = deps.now ?? Date.now;
  const actor = `cli:${deps.user ?? osUser()}`;
  const token = new Command('token')
    .description("Manage the API tokens of a workspace's daemon (written to its store directly).")
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline token create --name admin --role admin          the first token: prints it once
  $ export LIFELINE_TOKEN=$(lifeline token create --name alice --role responder)
  $ lifeline token list
  $ lifeline token revoke tok_3f9a2c1b7d04

Roles: viewer reads; responder also acks, resolves, notes, completes steps and approves (as the person named
like the token); admin also reads the audit trail. The daemon enforces tokens as soon as one exists.

Exit codes:
  0  done
  1  refused (a live token already has that name, no such token)
  2  usage error (bad flags or arguments, workspace not found)`,
    );

  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .argument('[dir]', 'workspace directory or root file', '.')
    .requiredOption(
      '--name <name>',
      'who the token acts as: a person id to approve as that person',
      parseName,
    )
    .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
    .option('--store <path>', 'SQLite file (default: <workspace>/.lifeline/lifeline.db)')
    .option('--json', 'print {"id", "name", "role", "createdAt", "token"}')
    .action(async (dir: string, options: StoreOptions & { name: string; role: Role }) =>
      done(
        await withStore(dir, options, output, async (store) => {
          const at = now();
          const issued = await issueToken(store, { name: options.name, role: options.role, now: at });
          await store.recordAudit({
            at,
            actor,
            action: 'token.create',
            target: issued.record.id,
            outcome: 'ok',
          });
          if (options.json) {
            printJson(output, { ...issued.record, token: issued.token });
          } else {
            output.out(issued.token);
            output.err(
              `${output.color.green('✔')} token ${issued.record.id} for ${issued.record.name} (${issued.record.role}) created; copy it now, it is not shown again.`,
            );
          }
          return EXIT.ok;
        }),
      ),
    );

  token
    .command('list')
    .description('list tokens, revoked ones included (never their secrets)')
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--store <path>', 'SQLite file (default: <workspace>/.lifeline/lifeline.db)')
    .option('--json', 'print {"items": [token…]}')
    .action(async (dir: string, options: StoreOptions) =>
      done(
        await withStore(dir, options, output, async (store) => {
          const items = await store.listApiTokens();
          if (options.json) printJson(output, { items });
          else
            output.out(items.length ? tokenTable(items) : 'No API tokens: the API is open on its address.');
          return EXIT.ok;
        }),
      ),
    );

  token
    .command('revoke')
    .description('revoke a token for good (the daemon refuses it from the next request)')
    .argument('<id>', 'token id, e.g. tok_3f9a2c1b7d04 (see `lifeline token list`)')
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--store <path>', 'SQLite file (default: <workspace>/.lifeline/lifeline.db)')
    .option('--json', 'print the token after revoking')
    .action(async (id: string, dir: string, options: StoreOptions) =>
      done(
        await withStore(dir, options, output, async (store) => {
          const at = now();
          const outcome = await store.revokeApiToken(id, at);
          switch (outcome.kind) {
            case 'not-found':
              output.err(`lifeline: no token ${id}; see \`lifeline token list\``);
              return EXIT.failed;
            case 'revoked':
              await store.recordAudit({ at, actor, action: 'token.revoke', target: id, outcome: 'ok' });
              if (options.json) printJson(output, outcome.token);
              else output.out(`token ${id} (${outcome.token.name}) revoked`);
              return EXIT.ok;
            case 'already-revoked':
              if (options.json) printJson(output, outcome.token);
              else output.out(`token ${id} (${outcome.token.name}) was already revoked`);
              return EXIT.ok;
          }
        }),
      ),
    );
  return token;
}

/** Opens the workspace's store for `work`, turning store failures into one line and an exit code. */
async function withStore(
  dir: string,
  options: StoreOptions,
  output: Output,
  work: (store: SqliteStore) => Promise<number>,
): Promise<number> {
  if (options.store !== undefined && /^postgres(ql)?:\/\//i.test(options.store)) {
    output.err('lifeline: PostgreSQL stores are not supported by this version yet; use a SQLite file path');
    return EXIT.usage;
  }
  const path =
    options.store !== undefined ? resolve(options.store) : defaultStorePath(dirname(findRootFile(dir)));
  let store: SqliteStore | undefined;
  try {
    store = await openSqliteStore({ path });
    return await work(store);
  } catch (error) {
    if (!isStoreError(error)) throw error;
    output.err(`lifeline: ${error.message}`);
    return error.code === 'store-invalid-input' ? EXIT.failed : EXIT.usage;
  } finally {
    await store?.close();
  }
}

function tokenTable(items: readonly ApiToken[]): string {
  const table = new Table({
    head: ['id', 'name', 'role', 'created', 'last used', 'revoked'],
    style: { head: [] },
  });
  for (const t of items) {
    table.push([
      t.id,
      t.name,
      t.role,
      formatTime(t.createdAt),
      t.lastUsedAt !== undefined ? formatTime(t.lastUsedAt) : '-',
      t.revokedAt !== undefined ? formatTime(t.revokedAt) : '-',
    ]);
  }
  return table.toString();
}

function parseName(value: string): string {
  if (!TOKEN_NAME_PATTERN.test(value)) {
    throw new InvalidArgumentError('use 1-100 letters, digits or ._@- starting with a letter or digit');
  }
  return value;
}

function osUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
