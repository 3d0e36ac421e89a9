/**
 * Workspace loading at scale: a generated workspace of 1,000 integrations and 5,000 checks across 100 files,
 * loaded and validated in a fresh process (the CLI's situation: schema compilation included). Baseline in the
 * same run: parsing the same files with `yaml` alone, i.e. the floor any YAML-based loader pays.
 *
 *   npm run build && npm run bench -- workspace-load [--integrations 1000] [--files 100] [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      integrations: { type: 'string', default: '1000' },
      files: { type: 'string', default: '100' },
      runs: { type: 'string', default: '5' },
    },
  });
  const integrations = Number(values.integrations);
  const files = Number(values.files);
  const runs = Number(values.runs);
  generatedIntegrations = integrations;
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-bench-ws-'));
  try {
    generateWorkspace(dir, integrations, files);
    const loadMs: number[] = [];
    const parseMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      loadMs.push(timeFreshProcess('load', dir));
      parseMs.push(timeFreshProcess('parse', dir));
    }
    const load = median(loadMs);
    const parse = median(parseMs);
    console.log(
      `workspace: ${integrations} integrations, ${integrations * 5} checks, ${integrations * 2} playbooks in ${files + 1} files`,
    );
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
    console.log(`loadWorkspace (fresh process, median of ${runs}): ${load.toFixed(0)} ms  [goal < 1000 ms]`);
    console.log(
      `  of which module loading ${median(phases.map((p) => p.importMs)).toFixed(0)} ms, reading + validating ${median(phases.map((p) => p.loadMs)).toFixed(0)} ms (medians)`,
    );
    console.log(`baseline yaml.parse of the same files:           ${parse.toFixed(0)} ms`);
    console.log(`ratio load / parse: ${(load / parse).toFixed(2)}x`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let generatedIntegrations = 0;
const phases: { importMs: number; loadMs: number }[] = [];

/** Runs one measurement in a child process so module loading and schema compilation are counted. */
function timeFreshProcess(mode: 'load' | 'parse', dir: string): number {
  const script = mode === 'load' ? LOAD_SCRIPT : PARSE_SCRIPT;
  // The built JavaScript, as users run it; every referenced secret is set, as in a deployed environment.
  const env: Record<string, string | undefined> = { ...process.env };
  for (let i = 0; i < generatedIntegrations; i++) {
    env[`VENDOR_${i}_TOKEN`] = 'bench-token';
  }
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, dir], {
    cwd: join(import.meta.dirname, '..', 'packages', 'lifeline'),
    encoding: 'utf8',
    env,
  });
  const result = JSON.parse(out.trim().split('\n').pop()!) as {
    ms: number;
    importMs?: number;
    loadMs?: number;
    ok?: boolean;
    diagnostics?: number;
  };
  if (mode === 'load' && !result.ok)
    throw new Error(`generated workspace did not validate (${result.diagnostics} diagnostics)`);
  if (result.importMs !== undefined) phases.push({ importMs: result.importMs, loadMs: result.loadMs ?? 0 });
  return result.ms;
}

const LOAD_SCRIPT = `
const start = performance.now();
const { loadWorkspace } = await import('./dist/workspace/load-workspace.js');
const imported = performance.now();
const result = await loadWorkspace(process.argv[1]);
const end = performance.now();
console.log(JSON.stringify({ ms: end - start, importMs: imported - start, loadMs: end - imported, ok: result.ok, diagnostics: result.diagnostics.length }));
`;

const PARSE_SCRIPT = `
const start = performance.now();
const { parse } = await import('yaml');
const { readdirSync, readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const dir = process.argv[1];
parse(readFileSync(join(dir, 'lifeline.yaml'), 'utf8'));
for (const f of readdirSync(join(dir, 'integrations'))) parse(readFileSync(join(dir, 'integrations', f), 'utf8'));
console.log(JSON.stringify({ ms: performance.now() - start }));
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function generateWorkspace(dir: string, integrations: number, files: number): void {
  mkdirSync(join(dir, 'integrations'));
  const teams = 20;
  writeFileSync(
    join(dir, 'lifeline.yaml'),
    [
      'version: 1',
      'name: bench',
      'include: [integrations/*.yaml]',
      'teams:',
      ...Array.from(
        { length: teams },
        (_, t) =>
          `  - { id: team-${t}, name: Team ${t}, escalation: default, members: [{ id: person-${t}, name: Person ${t}, roles: [lead] }] }`,
      ),
      'channels:',
      '  - { id: ops, kind: webhook, url: "https://hooks.example.com/ops" }',
      'escalationPolicies:',
      '  - id: default',
      '    levels:',
      '      - { after: 0m, notify: [{ channel: ops }] }',
      '      - { after: 15m, unless: acknowledged, notify: [{ team: team-0 }] }',
    ].join('\n'),
  );
  const perFile = Math.ceil(integrations / files);
  for (let f = 0; f < files; f++) {
    const lines = ['integrations:'];
    const playbooks = ['playbooks:'];
    for (let i = f * perFile; i < Math.min(integrations, (f + 1) * perFile); i++) {
      lines.push(integrationYaml(i, teams));
      playbooks.push(playbookYaml(i));
    }
    writeFileSync(
      join(dir, 'integrations', `file-${String(f).padStart(3, '0')}.yaml`),
      `${lines.join('\n')}\n${playbooks.join('\n')}\n`,
    );
  }
}

function integrationYaml(i: number, teams: number): string {
  return `  - id: vendor-${i}
    name: Vendor ${i}
    owner: team-${i % teams}
    baseUrl: https://api.vendor-${i}.example.com
    auth: { type: bearer, token: "\${env:VENDOR_${i}_TOKEN}" }
    apiVersion: { value: "2024-01-01", in: header, name: Api-Version }
    endpoints:
      - { id: list, method: GET, path: /v1/items }
      - { id: get, method: GET, path: "/v1/items/{id}" }
      - { id: create, method: POST, path: /v1/items }
    slo:
      latency: [{ percentile: p95, below: 800ms }]
      errorRate: { below: 1% }
    checks:
      - { id: v${i}-list, kind: http, endpoint: list, every: 30s, expect: { status: [200], maxLatency: 2s } }
      - { id: v${i}-get, kind: http, endpoint: get, every: 1m, request: { pathParams: { id: "1" } } }
      - { id: v${i}-create, kind: http, endpoint: create, every: 5m, expect: { status: [201] } }
      - { id: v${i}-tls, kind: tls, every: 1h }
      - { id: v${i}-cred, kind: credential, endpoint: list, every: 5m }`;
}

function playbookYaml(i: number): string {
  return `  - id: vendor-${i}-slow
    name: Vendor ${i} slow
    integration: vendor-${i}
    covers: [slow, timeout]
    severity: SEV2
    problem: "Vendor ${i} p95 is {{value}}"
    trigger: { when: [{ signal: latency, check: v${i}-list, percentile: p95, above: 800ms, for: 2m }] }
    steps:
      - { id: recheck, action: run-check, check: v${i}-list }
      - { id: tell, action: notify, channels: [ops] }
    success: { when: [{ signal: latency, check: v${i}-list, percentile: p95, below: 500ms }], for: 5m }
  - id: vendor-${i}-down
    name: Vendor ${i} down
    integration: vendor-${i}
    covers: [unreachable, server-error]
    severity: SEV1
    problem: "Vendor ${i} error rate {{value}}"
    trigger: { when: [{ signal: error-rate, above: 20%, window: 5m }] }
    steps:
      - { id: tell, action: notify, channels: [ops] }`;
}
