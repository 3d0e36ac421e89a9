/**
 * `lifeline incident …`: see and act on the incidents of a running daemon through its HTTP API. Reads print a
 * table or the incident with its steps and timeline (`--json` for scripts); commands print one line saying what
 * happened. Whatever goes wrong is one line on stderr: the daemon's problem (`lifeline: conflict: …`) or why
 * it could not be asked. Exit codes: 0 done, 1 the daemon refused or could not be reached, 2 usage errors.
 */
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { IncidentWithChanges, LinkedChange } from '../changes/rank-changes.js';
import type { SimilarIncident } from '../daemon/similar-incidents.js';
import type { IncidentQuery, IncidentSummary } from '../daemon/incident-service.js';
import type { IncidentStatus } from '../engine/index.js';
import {
  createApiClient,
  isApiClientError,
  isApiProblemError,
  type ApiClient,
  type ApiClientError,
} from '../server/api-client.js';
import type { CommandAction, CommandBody, CommandResponse } from '../server/command-actions.js';
import { INCIDENT_STATUSES, MAX_PAGE_SIZE } from '../server/schemas.js';
import { EXIT } from './exit-codes.js';
import { plural, printJson, type Colors, type Output } from './output.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:4400';

type Env = Readonly<Record<string, string | undefined>>;

interface ConnectionOptions {
  server?: string;
  as?: string;
  token?: string;
}

/** `--token` on the API commands: the daemon asks for one once any token exists (`lifeline token create`). */
export const TOKEN_OPTION_HELP =
  'API token for the daemon (env LIFELINE_TOKEN); needed once the daemon has tokens';

interface ListOptions {
  status?: IncidentStatus;
  severity?: string;
  integration?: string;
  limit?: number;
  cursor?: string;
  json?: boolean;
}

/** One acting subcommand: its operands after the incident id, and how they fill the request. */
interface ActionSpec {
  action: CommandAction;
  operand?: { name: string; description: string; field: 'text' | 'assignee' | 'step' };
  description: string;
  /** What happened, for the one line printed on success. */
  done: (incident: CommandResponse, operand: string, c: Colors) => string;
}

const ACTIONS: readonly ActionSpec[] = [
  {
    action: 'ack',
    description: 'acknowledge: you are on it (stops the escalation)',
    done: (i, _, c) => `${c.bold(i.id)} acknowledged by ${i.acknowledgedBy ?? 'you'}`,
  },
  {
    action: 'mitigate',
    description: 'mark mitigated: the impact is contained',
    done: (i, _, c) => `${c.bold(i.id)} mitigated`,
  },
  {
    action: 'resolve',
    description: 'mark resolved: the problem is fixed',
    done: (i, _, c) => `${c.bold(i.id)} resolved`,
  },
  {
    action: 'note',
    operand: { name: 'text', description: 'the note', field: 'text' },
    description: 'add a note to the timeline',
    done: (i, _, c) => `note added to ${c.bold(i.id)}`,
  },
  {
    action: 'assign',
    operand: { name: 'person', description: 'a person id from the workspace', field: 'assignee' },
    description: 'make someone the assignee',
    done: (i, person, c) => `${c.bold(i.id)} assigned to ${person}`,
  },
  {
    action: 'attempt',
    description: 'record a remediation attempt (it counts as the first action)',
    done: (i, _, c) => `attempt recorded on ${c.bold(i.id)}`,
  },
  {
    action: 'approve',
    operand: { name: 'step', description: 'the id of the approval step', field: 'step' },
    description: 'approve a playbook step that waits for approval',
    done: (i, step, c) => `step ${step} of ${c.bold(i.id)} approved`,
  },
  {
    action: 'decline',
    operand: { name: 'step', description: 'the id of the approval step', field: 'step' },
    description: 'decline a playbook step that waits for approval',
    done: (i, step, c) => `step ${step} of ${c.bold(i.id)} declined`,
  },
  {
    action: 'step-done',
    operand: { name: 'step', description: 'the id of the manual step', field: 'step' },
    description: 'mark a manual playbook step as done',
    done: (i, step, c) => `step ${step} of ${c.bold(i.id)} marked done`,
  },
];

export function incidentCommand(
  output: Output,
  done: (code: number) => void,
  env: Env = process.env,
): Command {
  const incident = new Command('incident')
    .description('See and act on the incidents of a running daemon (`lifeline up`).')
    .option(
      '--server <url>',
      `the daemon's URL (env LIFELINE_SERVER, default ${DEFAULT_SERVER})`,
      parseServerUrl,
    )
    .option('--as <person>', 'who is acting: a person id from the workspace (env LIFELINE_ACTOR)')
    .option('--token <token>', TOKEN_OPTION_HELP)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline incident list --status triggered
  $ lifeline incident show INC-3
  $ export LIFELINE_ACTOR=alice
  $ lifeline incident ack INC-3
  $ lifeline incident note INC-3 "vendor status page reports degraded performance"
  $ lifeline incident approve INC-3 switch-to-cached
  $ lifeline incident resolve INC-3 --note "vendor fixed their gateway"
  $ lifeline incident list --json --server http://lifeline.internal:4400 | jq '.items[].id'

Exit codes:
  0  done
  1  the daemon refused (not found, conflict, forbidden, invalid) or could not be reached
  2  usage error (bad flags or arguments, no --as or token for a command)

With an API token (--token or LIFELINE_TOKEN), the daemon takes the actor from the token's name and --as is
not needed.`,
    );

  // Subcommands created with `.command()` inherit exitOverride and the output configuration set above.
  incident
    .command('list')
    .description('list incidents (filtered, one page at a time)')
    .addOption(new Option('--status <status>', 'only incidents with this status').choices(INCIDENT_STATUSES))
    .option('--severity <id>', 'only incidents of this severity')
    .option('--integration <id>', 'only incidents of this integration')
    .option('--limit <n>', `at most this many (1-${MAX_PAGE_SIZE})`, parseLimit)
    .option('--cursor <cursor>', 'continue after the previous page')
    .option('--json', 'print {"items": [incident…], "nextCursor"?}')
    .action(async (options: ListOptions, command: Command) =>
      done(await withClient(command, output, env, (client) => listIncidents(client, options, output))),
    );

  incident
    .command('show')
    .description('show an incident with its steps and timeline')
    .argument('<id>', 'incident id, e.g. INC-3')
    .option('--json', 'print the incident as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) =>
      done(await withClient(command, output, env, (client) => showIncident(client, id, options, output))),
    );

  for (const spec of ACTIONS) addAction(incident, spec, output, done, env);
  return incident;
}

function addAction(
  parent: Command,
  spec: ActionSpec,
  output: Output,
  done: (code: number) => void,
  env: Env,
): void {
  const command = parent.command(spec.action).description(spec.description).argument('<id>', 'incident id');
  if (spec.operand) command.argument(`<${spec.operand.name}>`, spec.operand.description);
  if (spec.action !== 'note') command.option('--note <text>', 'a note for the timeline');
  command.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    const [id = '', operand = ''] = self.args;
    const { note } = self.opts<{ note?: string }>();
    const actor = self.optsWithGlobals<ConnectionOptions>().as ?? env.LIFELINE_ACTOR;
    if (!actor && !tokenOf(self, env)) {
      output.err(
        'lifeline: who is acting? Pass --as PERSON (a person id from the workspace) or set LIFELINE_ACTOR, or use an API token (--token, LIFELINE_TOKEN).',
      );
      return done(EXIT.usage);
    }
    // With a token and no --as, the daemon fills in the actor from the token.
    const body = {
      ...(actor ? { actor } : {}),
      ...(note !== undefined ? { text: note } : {}),
    } as CommandBody;
    if (spec.operand && spec.action !== 'step-done') body[spec.operand.field] = operand;
    const code = await withClient(self, output, env, async (client) => {
      const response = await client.command(
        spec.action,
        id,
        body,
        spec.action === 'step-done' ? operand : undefined,
      );
      const line = spec.done(response, operand, output.color);
      output.out(response.note ? `${response.id}: nothing changed — ${response.note}` : line);
      return EXIT.ok;
    });
    done(code);
  });
}

/** Runs `work` with a client for the daemon, printing why it failed as one line; returns the exit code. */
export async function withClient(
  command: Command,
  output: Output,
  env: Env,
  work: (client: ApiClient) => Promise<number>,
): Promise<number> {
  const flag = command.optsWithGlobals<ConnectionOptions>().server;
  const server = flag ?? env.LIFELINE_SERVER ?? DEFAULT_SERVER;
  if (flag === undefined && !isHttpUrl(server)) {
    output.err(`lifeline: LIFELINE_SERVER is not an http(s) URL: ${server}`);
    return EXIT.usage;
  }
  const token = tokenOf(command, env);
  const client = createApiClient({ baseUrl: server, ...(token ? { token } : {}) });
  try {
    return await work(client);
  } catch (error) {
    if (isApiProblemError(error)) {
      output.err(`lifeline: ${error.kind ?? error.problem.title.toLowerCase()}: ${error.problem.detail}`);
      return EXIT.failed;
    }
    if (isApiClientError(error)) {
      output.err(`lifeline: ${clientErrorLine(error)}`);
      return EXIT.failed;
    }
    throw error;
  } finally {
    await client.close();
  }
}

/** The API token from `--token` or LIFELINE_TOKEN (empty counts as none). */
function tokenOf(command: Command, env: Env): string | undefined {
  const token = command.optsWithGlobals<ConnectionOptions>().token ?? env.LIFELINE_TOKEN;
  return token ? token : undefined;
}

function clientErrorLine(error: ApiClientError): string {
  switch (error.code) {
    case 'unreachable':
      return `cannot reach the Lifeline daemon at ${error.baseUrl} (${error.reason}); is \`lifeline up\` running?`;
    case 'timeout':
      return `the Lifeline daemon at ${error.baseUrl} did not answer (${error.reason})`;
    case 'unexpected-response':
      return `${error.baseUrl} does not answer like a Lifeline daemon (${error.reason}); check --server`;
  }
}

async function listIncidents(client: ApiClient, options: ListOptions, output: Output): Promise<number> {
  const query: IncidentQuery = {};
  for (const key of ['status', 'severity', 'integration', 'limit', 'cursor'] as const) {
    if (options[key] !== undefined) Object.assign(query, { [key]: options[key] });
  }
  const page = await client.listIncidents(query);
  if (options.json) {
    printJson(output, page);
    return EXIT.ok;
  }
  const c = output.color;
  if (page.items.length === 0) output.out(c.dim('no incidents'));
  else output.out(renderTable(page.items, c));
  if (page.nextCursor) {
    // The next page only makes sense with the same filters, so the hint repeats them.
    const filters = Object.entries(query)
      .filter(([key]) => key !== 'cursor')
      .map(([key, value]) => ` --${key} ${String(value)}`)
      .join('');
    output.out(c.dim(`more: lifeline incident list${filters} --cursor ${page.nextCursor}`));
  }
  return EXIT.ok;
}

async function showIncident(
  client: ApiClient,
  id: string,
  options: { json?: boolean },
  output: Output,
): Promise<number> {
  const incident = await client.getIncident(id);
  if (options.json) printJson(output, incident);
  else output.out(renderIncident(incident, output.color));
  return EXIT.ok;
}

function renderTable(incidents: readonly IncidentSummary[], c: Colors): string {
  const table = new Table({
    head: ['id', 'severity', 'status', 'integration', 'opened (UTC)', 'problem'].map((h) => c.bold(h)),
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, null, null, null, 60],
  });
  for (const i of incidents) {
    table.push([
      i.id,
      i.severity,
      paintStatus(i.status, c),
      i.integration,
      formatTime(i.openedAt),
      i.problem,
    ]);
  }
  return table.toString();
}

function renderIncident(i: IncidentWithChanges, c: Colors): string {
  const by = (who: string | undefined) => (who ? ` by ${who}` : '');
  const when = (ms: number | undefined, rest = '') =>
    ms === undefined ? undefined : `${formatTime(ms)}${rest}`;
  const resolutionNote = i.resolution?.note ? `: ${i.resolution.note}` : '';
  const stepWidth = Math.max(0, ...i.run.steps.map((s) => s.stepId.length));
  const actorWidth = Math.max(0, ...i.timeline.map((e) => e.actor.length));
  const fields: [string, string | undefined][] = [
    ['opened', when(i.openedAt, ` (episode ${i.episode}, ${plural(i.occurrences, 'occurrence')})`)],
    ['acknowledged', when(i.acknowledgedAt, by(i.acknowledgedBy))],
    ['mitigated', when(i.mitigatedAt)],
    ['resolved', when(i.resolvedAt, `${by(i.resolution?.by)}${resolutionNote}`)],
    ['assignee', i.assignee],
    ['owner team', i.ownerTeam],
    ['playbook', i.playbookId],
    ['endpoints', i.affected.endpoints.join(', ') || undefined],
    ['dependents', i.affected.dependents.join(', ') || undefined],
  ];
  const lines = [
    `${c.bold(i.id)}  ${i.severity}  ${paintStatus(i.status, c)}  ${i.integration}`,
    i.problem,
    '',
    ...fields.filter(([, value]) => value).map(([name, value]) => `  ${c.dim(name.padEnd(13))}${value}`),
    ...(i.changes ? ['', c.bold('Changes (most likely cause first)'), ...renderChanges(i.changes, c)] : []),
    ...(i.similar
      ? ['', c.bold('Similar past incidents (most alike first)'), ...renderSimilar(i.similar, c)]
      : []),
    '',
    c.bold(`Steps (run ${i.run.number}, ${i.run.status})`),
    ...(i.run.steps.length === 0 ? [c.dim('  none')] : []),
    ...i.run.steps.map(
      (s) =>
        `  ${s.stepId.padEnd(stepWidth)}  ${s.status}${s.attempt > 1 ? `  attempt ${s.attempt}` : ''}${by(s.by)}` +
        (s.detail ? c.dim(`  ${s.detail}`) : ''),
    ),
    '',
    c.bold('Timeline (UTC)'),
    ...i.timeline.map(
      (e) =>
        `  ${c.dim(formatTime(e.at))}  ${e.actor.padEnd(actorWidth)}  ${e.kind}${e.text ? `  ${e.text}` : ''}`,
    ),
  ];
  return lines.join('\n');
}

/** One line per linked change: when, kind, what it changed, ref, who, and why it is linked. */
function renderChanges(changes: readonly LinkedChange[], c: Colors): string[] {
  if (changes.length === 0) return [c.dim('  none in the look-back window')];
  return changes.map((change) => {
    const subject = change.integration ?? change.service ?? change.team ?? 'everything';
    const by = change.by ? ` by ${change.by}` : '';
    const after = change.afterTrigger ? c.yellow('  after the trigger') : '';
    const summary = change.summary ? c.dim(`  ${change.summary}`) : '';
    return `  ${c.dim(formatTime(change.at))}  ${change.kind}  ${subject}  ${change.ref}${by}  ${c.dim(`(${change.relevance})`)}${after}${summary}`;
  });
}

/** One line per similar past incident: which, how alike, how it was resolved and what was done. */
function renderSimilar(similar: readonly SimilarIncident[], c: Colors): string[] {
  if (similar.length === 0) return [c.dim('  none resolved before')];
  return similar.map((other) => {
    const resolved = other.resolution
      ? `resolved ${other.resolution.automatic ? 'automatically' : `by ${other.resolution.by}`}` +
        (other.resolution.note ? `: ${other.resolution.note}` : '')
      : 'resolved';
    const steps = other.stepsSucceeded.length > 0 ? c.dim(`  steps: ${other.stepsSucceeded.join(', ')}`) : '';
    return `  ${other.id}  ${c.dim(formatTime(other.openedAt))}  ${c.dim(`(${other.match})`)}  ${resolved}${steps}`;
  });
}

function paintStatus(status: IncidentStatus, c: Colors): string {
  const paint = { triggered: c.red, acknowledged: c.yellow, mitigated: c.cyan, resolved: c.green }[status];
  return paint(status);
}

/** `2026-01-01 00:05`: minutes are what an incident timeline needs; UTC so teams across zones agree. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

export function parseServerUrl(value: string): string {
  if (!isHttpUrl(value))
    throw new InvalidArgumentError('expected an http(s) URL, e.g. http://127.0.0.1:4400');
  return value;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return n;
}
