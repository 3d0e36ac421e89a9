/**
 * `lifeline catalog [dir]`: the service map — integrations, owners, auth methods, versions, endpoints, SLOs,
 * checks — and playbook coverage: which failure classes of which integration no playbook answers.
 */
import { Command } from 'commander';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { loadForCommand, requireWorkspace } from './load-for-command.js';
import { plural, printJson, type Colors, type Output } from './output.js';
import { buildServiceMap, type IntegrationEntry } from '../catalog/service-map.js';

export async function runCatalog(dir: string, options: { json?: boolean }, output: Output): Promise<number> {
  if (options.json) {
    // Scripts get one JSON document either way: the service map, or why there is none.
    const { result } = await loadForCommand(dir, {});
    if (!result.workspace) {
      printJson(output, { ok: false, diagnostics: result.diagnostics });
      return EXIT.failed;
    }
    printJson(output, buildServiceMap(result.workspace));
    return EXIT.ok;
  }
  const workspace = await requireWorkspace(dir, output);
  if (!workspace) {
    output.err('The workspace is invalid; fix the errors above (see `lifeline validate`).');
    return EXIT.failed;
  }
  const map = buildServiceMap(workspace);
  const c = output.color;
  const gaps = map.integrations.reduce((n, i) => n + i.coverage.gaps.length, 0);
  output.out(
    c.bold(
      `${map.workspace} — ${plural(map.integrations.length, 'integration')}, ${plural(workspace.playbooks.length, 'playbook')}`,
    ),
  );
  for (const entry of map.integrations) output.out(`\n${renderIntegration(entry, c)}`);
  output.out(
    `\n${gaps ? c.yellow(`${plural(gaps, 'failure class', 'failure classes')} without a playbook`) : c.green('every failure class the checks can report has a playbook')}`,
  );
  return EXIT.ok;
}

function renderIntegration(e: IntegrationEntry, c: Colors): string {
  const rows: [string, string][] = [
    ['owner', `${e.owner.name ?? e.owner.id} (${e.owner.id})`],
    ['base URL', e.baseUrl],
    [
      'auth',
      [e.auth.type, ...e.auth.secrets].join(' ') +
        (e.auth.rotateEvery
          ? c.dim(
              ` · rotate every ${e.auth.rotateEvery}${e.auth.lastRotated ? `, last ${e.auth.lastRotated}` : ''}`,
            )
          : ''),
    ],
  ];
  if (e.apiVersion)
    rows.push([
      'version',
      `${e.apiVersion.value} ${c.dim(`in ${e.apiVersion.in}${e.apiVersion.name ? ` ${e.apiVersion.name}` : ''}`)}`,
    ]);
  if (e.formats.length) rows.push(['formats', e.formats.join(', ')]);
  if (e.dependents.length) rows.push(['used by', e.dependents.join(', ')]);
  e.endpoints.forEach((ep, i) =>
    rows.push([
      i === 0 ? 'endpoints' : '',
      `${ep.method.padEnd(6)} ${ep.path} ${c.dim(`${ep.id}${ep.schema ? ` · ${ep.schema}` : ''}`)}`,
    ]),
  );
  if (e.slo) {
    const parts = [
      ...e.slo.latency.map((l) => `${l.percentile} < ${l.below}`),
      ...(e.slo.errorRateBelow ? [`errors < ${e.slo.errorRateBelow}`] : []),
      ...(e.slo.availability ? [`availability ${e.slo.availability}`] : []),
    ];
    rows.push(['SLO', `${parts.join(' · ')} ${c.dim(`over ${e.slo.window}`)}`]);
  }
  e.checks.forEach((k, i) =>
    rows.push([
      i === 0 ? 'checks' : '',
      `${k.kind.padEnd(10)} ${k.id} ${c.dim(`every ${k.every}${k.enabled ? '' : ' (disabled)'}`)}`,
    ]),
  );
  if (!e.checks.length) rows.push(['checks', c.yellow('none')]);
  e.playbooks.forEach((p, i) =>
    rows.push([
      i === 0 ? 'playbooks' : '',
      `${p.id} ${c.dim(`${p.severity}${p.covers.length ? ` · ${p.covers.join(', ')}` : ''}`)}`,
    ]),
  );
  if (!e.playbooks.length) rows.push(['playbooks', c.yellow('none')]);
  rows.push([
    'coverage',
    e.coverage.gaps.length
      ? c.yellow(`no playbook for: ${e.coverage.gaps.join(', ')}`)
      : c.green('all failure classes covered'),
  ]);
  const header = `${c.bold(e.id)}  ${e.name}${e.vendor ? c.dim(` (${e.vendor})`) : ''}`;
  return [header, ...rows.map(([k, v]) => `  ${c.dim(k.padEnd(10))} ${v}`)].join('\n');
}

export function catalogCommand(output: Output, done: (code: number) => void): Command {
  return new Command('catalog')
    .description(
      'Print the service map: integrations, owners, auth, versions, endpoints, SLOs, checks and playbook coverage.',
    )
    .argument('[dir]', 'workspace directory or root file', '.')
    .option('--json', 'print the service map as one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline catalog examples/acme
  $ lifeline catalog --json . | jq '.integrations[] | {id, gaps: .coverage.gaps}'
${EXIT_CODES_HELP}`,
    )
    .action(async (dir: string, options: { json?: boolean }) => done(await runCatalog(dir, options, output)));
}
