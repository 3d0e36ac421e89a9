/**
 * `lifeline playbook list [dir]` and `lifeline playbook plan ID [dir]`: the playbooks of a workspace, and what one
 * would do if its trigger fired now — the incident, response targets, escalation timeline and steps, as the
 * engine decides them — with static checks of what in it cannot work. Exit 0 when the plan is clean (warnings
 * allowed), 1 when a check found an error, 2 for usage errors, an invalid workspace or an unknown playbook.
 */
import { Command } from 'commander';
import { planPlaybook, stepLocator, type Plan, type PlanDiagnostic } from '../engine/plan/index.js';
import { formatSpan } from '../engine/signals/format.js';
import { ConfigError } from '../errors.js';
import type { Channel, Playbook, Workspace } from '../workspace/model.js';
import { ChannelSchema } from '../workspace/schema/response.js';
import type { ChannelMessage } from '../daemon/messages.js';
import { describeSignalRule } from '../engine/plan/describe.js';
import { EXIT } from './exit-codes.js';
import { loadForCommand } from './load-for-command.js';
import { formatDiagnostic, plural, printJson, type Colors, type Output } from './output.js';

// ─── loading ────────────────────────────────────────────────────────────────────────────────────────────────────

/** The workspace, or undefined after reporting why not (JSON on stdout with `--json`, diagnostics on stderr). */
async function workspaceFor(dir: string, json: boolean, output: Output): Promise<Workspace | undefined> {
  const { result, dir: workspaceDir } = await loadForCommand(dir, {});
  if (result.workspace) return result.workspace;
  if (json) printJson(output, { ok: false, diagnostics: result.diagnostics });
  else {
    for (const d of result.diagnostics) output.err(formatDiagnostic(d, workspaceDir, output.color));
    output.err('The workspace is invalid; fix the errors above (see `lifeline validate`).');
  }
  return undefined;
}

// ─── list ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface PlaybookSummary {
  id: string;
  name: string;
  integration: string;
  severity: string;
  trigger: string;
  steps: number;
}

/** `p95 latency above 800ms for 1m or 3 failures within 2m`, and the criteria's own `for`. */
export function triggerSummary(playbook: Playbook): string {
  const joiner = playbook.trigger.match === 'all' ? ' and ' : ' or ';
  const held = playbook.trigger.for ? ` (held ${formatSpan(playbook.trigger.for)})` : '';
  return playbook.trigger.when.map(describeSignalRule).join(joiner) + held;
}

export function summarize(workspace: Workspace): PlaybookSummary[] {
  return workspace.playbooks.map((p) => ({
    id: p.id,
    name: p.name,
    integration: p.integration,
    severity: p.severity,
    trigger: triggerSummary(p),
    steps: p.steps.length,
  }));
}

export async function runPlaybookList(
  dir: string,
  options: { json?: boolean },
  output: Output,
): Promise<number> {
  const workspace = await workspaceFor(dir, Boolean(options.json), output);
  if (!workspace) return EXIT.usage;
  const playbooks = summarize(workspace);
  if (options.json) {
    printJson(output, { playbooks });
    return EXIT.ok;
  }
  const c = output.color;
  if (playbooks.length === 0) {
    output.out(c.yellow(`${workspace.name}: no playbooks`));
    return EXIT.ok;
  }
  const width = (pick: (p: PlaybookSummary) => string) => Math.max(...playbooks.map((p) => pick(p).length));
  const [id, integration, severity] = [
    width((p) => p.id),
    width((p) => p.integration),
    width((p) => p.severity),
  ];
  for (const p of playbooks) {
    output.out(
      `${c.bold(p.id.padEnd(id))}  ${p.integration.padEnd(integration)}  ${p.severity.padEnd(severity)}  ${plural(p.steps, 'step').padEnd(8)}  ${p.name}`,
    );
    output.out(`${' '.repeat(id + 2)}${c.dim(`when ${p.trigger}`)}`);
  }
  output.out(c.dim(`${plural(playbooks.length, 'playbook')}; see one with \`lifeline playbook plan ID\``));
  return EXIT.ok;
}

// ─── plan ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface PlanCommandOptions {
  json?: boolean;
  value?: string[];
}

/** `--value k=v` pairs as template values; a malformed pair is a usage error. */
export function parseValues(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(pair);
    if (!match)
      throw new ConfigError(
        'invalid-value',
        `--value needs NAME=VALUE (e.g. --value value=1.4s), not \`${pair}\``,
      );
    values[match[1]!] = match[2]!;
  }
  return values;
}

export async function runPlaybookPlan(
  id: string,
  dir: string,
  options: PlanCommandOptions,
  output: Output,
): Promise<number> {
  const values = parseValues(options.value ?? []);
  const workspace = await workspaceFor(dir, Boolean(options.json), output);
  if (!workspace) return EXIT.usage;
  const result = planPlaybook(workspace, id, {
    values,
    deliverableKinds: await deliverableChannelKinds(),
    locate: stepLocator(workspace),
  });
  if (result.kind === 'unknown-playbook') {
    const hint = result.hint ?? (workspace.playbooks.length ? undefined : 'the workspace has no playbooks');
    throw new ConfigError('unknown-playbook', `unknown playbook \`${id}\`${hint ? ` — ${hint}` : ''}`);
  }
  const { plan } = result;
  if (options.json) printJson(output, plan);
  else output.out(renderPlan(plan, output.color));
  return plan.checks.some((d) => d.severity === 'error') ? EXIT.failed : EXIT.ok;
}

// ─── which channel kinds the daemon delivers to ─────────────────────────────────────────────────────────────────

/** Thrown by the probe channel the moment a sender starts using it: the kind has a sender. */
class ProbeReached extends Error {
  override readonly name = 'ProbeReached';
}

/** What `deliverMessage` itself reads of a channel before handing it to the kind's sender. */
const ROUTING_KEYS = new Set<PropertyKey>([
  'id',
  'kind',
  'name',
  'fallback',
  'ratePerMinute',
  'timeout',
  'then',
]);

/**
 * The channel kinds the daemon can deliver to, asked of the channels module at plan time rather than listed here:
 * for each kind of the schema, `deliverMessage` gets a channel of that kind whose every setting throws when read,
 * a clock that throws and an aborted signal. A kind without a sender is refused with `NonRetriableError` before
 * any of that is touched; a kind with one reaches its sender, which stops at its first read. Nothing is sent.
 */
export async function deliverableChannelKinds(): Promise<string[]> {
  const { deliverMessage } = await import('../channels/deliver.js');
  const kinds = ChannelSchema.anyOf.map((schema) => String(schema.properties.kind.const));
  const deliverable: string[] = [];
  for (const kind of kinds) {
    const id = `probe-${kind}`;
    const channel = new Proxy(
      { id, kind },
      {
        get(target, key) {
          if (typeof key === 'symbol' || ROUTING_KEYS.has(key))
            return (target as Record<PropertyKey, unknown>)[key];
          throw new ProbeReached(`the ${kind} sender read ${key}`);
        },
      },
    ) as unknown as Channel;
    const workspace = { dir: '.', channels: [channel], declarations: new Map() } as unknown as Workspace;
    const message = { effectId: id, incidentId: id, kind: 'escalation', channel: id, people: [] };
    try {
      await deliverMessage(workspace, message as unknown as ChannelMessage, {
        signal: AbortSignal.abort(),
        now: () => {
          throw new ProbeReached(`the ${kind} sender read the clock`);
        },
        idempotencyKey: id,
        env: {},
      });
      deliverable.push(kind);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NonRetriableError')) deliverable.push(kind);
    }
  }
  return deliverable;
}

// ─── rendering ──────────────────────────────────────────────────────────────────────────────────────────────────

function offset(ms: number): string {
  return ms === 0 ? '+0m' : `+${formatSpan(ms)}`;
}

function span(ms: number): string {
  return ms === 0 ? '0m' : formatSpan(ms);
}

function row(c: Colors, key: string, value: string, width = 12): string {
  return `  ${c.dim(key.padEnd(width))} ${value}`;
}

function audience(people: readonly string[], channels: readonly string[]): string {
  return [...people, ...channels.map((ch) => `#${ch}`)].join(', ') || 'nobody';
}

/** `file:line:col  severity  code  message — hint  [subject]`, like workspace diagnostics. */
export function formatPlanDiagnostic(d: PlanDiagnostic, c: Colors): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.col}` : ''}` : `playbook ${d.playbook}`;
  const level = d.severity === 'error' ? c.red('error') : c.yellow('warning');
  const hint = d.hint ? c.dim(` — ${d.hint}`) : '';
  return `${c.bold(where)}  ${level}  ${c.dim(d.code)}  ${d.message}${hint}  ${c.dim(`[${d.subject}]`)}`;
}

export function renderPlan(plan: Plan, c: Colors): string {
  const p = plan.playbook;
  const where = p.position ? c.dim(`  (${p.position.file}:${p.position.line}:${p.position.col})`) : '';
  const given = Object.entries(plan.trigger.values).map(([k, v]) => `${k}=${v}`);
  const samples = Object.entries(plan.trigger.samples).map(([k, v]) => `${k}=${v} ${c.dim('(sample)')}`);
  const lines = [
    `${c.bold(p.id)} — ${p.name}${where}`,
    row(c, 'trigger', plan.trigger.signals.join(c.dim(' or '))),
    row(c, 'values', [...given, ...samples].join(', ') || 'none'),
    '',
    ...incidentSection(plan, c),
    '',
    ...targetsSection(plan, c),
    '',
    ...escalationSection(plan, c),
    '',
    ...stepsSection(plan, c),
    '',
    ...checksSection(plan, c),
  ];
  return lines.join('\n');
}

function incidentSection(plan: Plan, c: Colors): string[] {
  const i = plan.incident;
  const affected = [
    i.affected.integration,
    ...i.affected.endpoints,
    ...(i.affected.dependents.length ? [`used by ${i.affected.dependents.join(', ')}`] : []),
  ].join(c.dim(' · '));
  return [
    c.bold('Incident'),
    row(c, 'severity', `${i.severity.id} ${c.dim(i.severity.name)}`),
    row(c, 'problem', i.problem),
    row(c, 'affects', affected),
    ...(i.impact ? [row(c, 'impact', i.impact)] : []),
    row(c, 'owner', `${i.ownerTeam.id}${i.ownerTeam.name ? c.dim(` (${i.ownerTeam.name})`) : ''}`),
    row(c, 'escalation', i.escalationPolicy ?? c.yellow('none: nobody is paged')),
  ];
}

const TARGET_LABEL = { acknowledge: 'acknowledge', firstAction: 'first action', resolve: 'resolve' } as const;

function targetsSection(plan: Plan, c: Colors): string[] {
  if (plan.responseTargets.length === 0) return [c.bold('Response targets'), c.dim('  none')];
  return [
    c.bold('Response targets'),
    ...plan.responseTargets.map((t) =>
      row(
        c,
        TARGET_LABEL[t.kind],
        `within ${span(t.durationMs).padEnd(7)} ${c.dim(`at risk ${offset(t.atRiskMs)}, due ${offset(t.dueMs)}${t.source === 'default' ? ', built-in default' : ''}`)}`,
        14,
      ),
    ),
  ];
}

function escalationSection(plan: Plan, c: Colors): string[] {
  const e = plan.escalation;
  if (!e.policy) return [c.bold('Escalation'), c.yellow('  no policy: nobody is paged')];
  const about = [
    e.repeat ? `repeats ${plural(e.repeat, 'time')}` : 'no repeat',
    ...(e.repeat && e.cyclePeriodMs ? [`every ${span(e.cyclePeriodMs)}`] : []),
    ...(e.fallbackChannel ? [`fallback #${e.fallbackChannel}`] : []),
  ].join(', ');
  const lines = [c.bold(`Escalation  ${e.policy.id}`) + c.dim(`  (${about})`)];
  for (const level of e.levels) {
    const targets = level.targets
      .map((t) =>
        t.channel
          ? `#${t.channel}`
          : t.person
            ? `person ${t.person}`
            : `team ${t.team}${t.role ? ` (role ${t.role})` : ''}`,
      )
      .join(', ');
    const when = `after ${span(level.afterMs)}${level.unless ? ` unless ${level.unless}` : ''}`;
    lines.push(
      `  level ${level.level + 1}  ${when.padEnd(28)} ${targets} ${c.dim(`→ ${audience(level.audience.people, level.audience.channels)}`)}`,
    );
  }
  lines.push(c.dim('  if nobody responds:'));
  const events = [
    ...e.notifications.map((n) => ({
      at: n.atMs,
      text: `level ${n.level + 1}${n.cycle ? ` (repeat ${n.cycle})` : ''} notifies ${audience(n.people, n.channels)}${n.reason === 'breach' ? c.yellow(` early: ${TARGET_LABEL[n.target ?? 'acknowledge']} target breached`) : ''}`,
    })),
    ...e.clock.map((event) => ({
      at: event.atMs,
      text:
        event.kind === 'target-breached' || event.kind === 'severity-changed'
          ? c.yellow(event.text)
          : c.dim(event.text),
    })),
  ].sort((a, b) => a.at - b.at);
  for (const event of events) lines.push(`    ${offset(event.at).padEnd(8)} ${event.text}`);
  return lines;
}

function stepsSection(plan: Plan, c: Colors): string[] {
  if (plan.steps.length === 0) return [c.bold('Steps'), c.dim('  none')];
  const lines = [c.bold('Steps')];
  for (const s of plan.steps) {
    const flags = [
      s.reachable === false ? c.red('never runs') : '',
      s.happyPath === 'waits-forever' ? c.red('waits for ever') : '',
      s.remediation ? c.dim('remediation') : '',
    ].filter(Boolean);
    lines.push(
      `  ${String(s.index + 1).padStart(2)}. ${c.bold(s.id)}  ${s.action}${s.name ? c.dim(` — ${s.name}`) : ''}${flags.length ? `  ${flags.join(' ')}` : ''}`,
    );
    const detail = (key: string, value: string) =>
      lines.push(row(c, key, value, 10).replace(/^ {2}/, '      '));
    detail('does', s.summary);
    if (s.condition) detail('if', s.condition);
    if (s.text !== undefined)
      detail(s.action === 'approval' ? 'prompt' : s.action === 'manual' ? 'asks' : 'text', s.text);
    if (s.who) {
      const team = s.who.team ? `team ${s.who.team}${s.who.role ? ` (role ${s.who.role})` : ''}` : 'anyone';
      const people = s.who.people.length ? s.who.people.join(', ') : c.red('nobody');
      detail(s.action === 'approval' ? 'approvers' : 'assignee', `${team} → ${people}`);
    }
    if (s.channels) detail('to', s.channels.map((ch) => `#${ch}`).join(', ') || c.red('nobody'));
    const limits = [
      ...(s.timeoutMs !== undefined ? [`timeout ${span(s.timeoutMs)}`] : []),
      ...(s.retries ? [plural(s.retries, 'retry', 'retries')] : []),
      `on failure ${s.onFailure}${s.onFailureDefault ? c.dim(' (default)') : ''}`,
    ];
    detail('runs', limits.join(', '));
    if (s.compensation) detail('undo', s.compensation);
    if (s.guard) detail('guard', `undo if ${s.guard.signal} within ${span(s.guard.withinMs)}`);
  }
  if (plan.followUps.length) {
    lines.push(c.dim('  follow-ups:'));
    for (const f of plan.followUps)
      lines.push(
        `    ${f.title}${f.owner ? c.dim(` — ${f.owner}`) : ''}${f.dueMs !== undefined ? c.dim(`, due ${span(f.dueMs)} after resolution`) : ''}`,
      );
  }
  return lines;
}

function checksSection(plan: Plan, c: Colors): string[] {
  const errors = plan.checks.filter((d) => d.severity === 'error').length;
  const warnings = plan.checks.length - errors;
  const lines = [c.bold('Checks'), ...plan.checks.map((d) => `  ${formatPlanDiagnostic(d, c)}`)];
  if (plan.checks.length === 0) lines.push(`  ${c.green('✔')} no problems found`);
  else
    lines.push(
      `  ${errors ? c.red('✘') : c.yellow('!')} ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    );
  return lines;
}

// ─── the command ────────────────────────────────────────────────────────────────────────────────────────────────

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function playbookCommand(output: Output, done: (code: number) => void): Command {
  const playbook = new Command('playbook')
    .description(
      'List playbooks, and plan one: what it would do if its trigger fired now, with static checks.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline playbook list examples/acme
  $ lifeline playbook plan payments-latency examples/acme
  $ lifeline playbook plan payments-latency examples/acme --value value=1.4s
  $ lifeline playbook plan payments-latency --json . | jq '.checks'

Exit codes:
  0  success; for plan: no check found an error (warnings allowed)
  1  plan: a static check found an error
  2  usage error, invalid workspace, or unknown playbook`,
    );

  // Subcommands created with `.command()` inherit exitOverride and the output configuration set above.
  playbook
    .command('list')
    .description('list the playbooks: id, integration, severity, steps, trigger')
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--json', 'print {"playbooks": [{id, name, integration, severity, trigger, steps}]}')
    .action(async (dir: string, options: { json?: boolean }) =>
      done(await runPlaybookList(dir, options, output)),
    );

  playbook
    .command('plan')
    .description('show what a playbook would do for a simulated trigger, with static checks')
    .argument('<id>', 'playbook id')
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--json', 'print the plan as one JSON object')
    .option('--value <name=value>', 'a simulated measured value, e.g. value=1.4s (repeatable)', collect)
    .action(async (id: string, dir: string, options: PlanCommandOptions) =>
      done(await runPlaybookPlan(id, dir, options, output)),
    );
  return playbook;
}
