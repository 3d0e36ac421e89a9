/**
 * Loads a workspace: the root `lifeline.yaml`, the files its `include:` globs name (recursively, cycles reported),
 * shape validation, decoding into the typed model, duplicate ids and cross-references. Every problem becomes a
 * diagnostic; nothing here throws for bad input. A workspace is returned when there is no error.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { DiagnosticList, type Diagnostic } from './diagnostics.js';
import { readSourceFile, positionOf, type SourceFile } from './source-file.js';
import { reportInlineSecrets, validateShape } from './shape.js';
import { decodeItems, type LoadedItem } from './decode.js';
import { checkReferences } from './references.js';
import { checkSecrets } from './secrets.js';
import { checkResponseSchemas } from './response-schemas.js';
import { COLLECTION_KEYS } from './schema/workspace-file.js';
import { DEFAULT_SEVERITIES, DEFAULTS, type Declaration, type Workspace } from './model.js';
import { ConfigError } from '../errors.js';

export const ROOT_FILE_NAMES = ['lifeline.yaml', 'lifeline.yml'] as const;

export interface LoadOptions {
  /** Missing environment variables and secret files become errors instead of warnings. */
  strict?: boolean;
  /** Environment used to check `${env:NAME}` references (default `process.env`). Values are never read out. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LoadResult {
  ok: boolean;
  /** Present when there is no error. */
  workspace?: Workspace;
  diagnostics: Diagnostic[];
}

/** Finds the root file of a workspace given a directory or a file path; throws ConfigError if there is none. */
export function findRootFile(target: string): string {
  const absolute = resolve(target);
  if (!existsSync(absolute)) {
    throw new ConfigError('workspace-not-found', `\`${target}\` does not exist`);
  }
  if (statSync(absolute).isFile()) return absolute;
  for (const name of ROOT_FILE_NAMES) {
    const candidate = resolve(absolute, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError(
    'workspace-not-found',
    `no lifeline.yaml in \`${target}\`; create one with \`lifeline init ${target}\``,
  );
}

interface FileSet {
  dir: string;
  files: SourceFile[];
  invalid: Map<SourceFile, Set<string>>;
}

export async function loadWorkspace(target: string, options: LoadOptions = {}): Promise<LoadResult> {
  const rootPath = findRootFile(target);
  const dir = dirname(rootPath);
  const diagnostics = new DiagnosticList();
  const set: FileSet = { dir, files: [], invalid: new Map() };
  await loadFile(rootPath, 'root', [], new Set(), set, diagnostics);

  const root = set.files.find((f) => f.path === rootPath);
  const items = decodeItems(set.files, set.invalid);
  const declarations = new Map<string, Declaration>();
  checkReferences(items, declarations, diagnostics);
  for (const { file, uses } of items.secrets) reportInlineSecrets(file, uses, diagnostics);
  checkSecrets(items.secrets, options, diagnostics);
  await checkResponseSchemas(items.integrations, diagnostics);

  const sorted = diagnostics.sorted();
  if (diagnostics.hasErrors || !root) return { ok: false, diagnostics: sorted };
  const rootData = root.data as {
    name?: string;
    defaults?: { checkInterval?: string; checkTimeout?: string; changeLookback?: string };
  };
  const values = <T>(list: LoadedItem<T>[]) => list.map((i) => i.value);
  const severities = values(items.severities);
  const workspace: Workspace = {
    dir,
    name: String(rootData.name ?? ''),
    files: set.files.map((f) => f.name),
    defaults: { ...DEFAULTS, ...items.defaults },
    integrations: values(items.integrations),
    teams: values(items.teams),
    channels: values(items.channels),
    severities: severities.length ? severities : [...DEFAULT_SEVERITIES],
    escalationPolicies: values(items.escalationPolicies),
    playbooks: values(items.playbooks),
    glossary: values(items.glossary),
    failureModes: values(items.failureModes),
    ...(items.alerts ? { alerts: items.alerts } : {}),
    ...(items.changes ? { changes: items.changes } : {}),
    declarations,
  };
  return { ok: true, workspace: deepFreeze(workspace), diagnostics: sorted };
}

async function loadFile(
  path: string,
  role: 'root' | 'included',
  chain: string[],
  visited: Set<string>,
  set: FileSet,
  diagnostics: DiagnosticList,
): Promise<void> {
  visited.add(path);
  const file = await readSourceFile(path, displayName(set.dir, path), diagnostics);
  if (!file) return;
  set.files.push(file);
  const { invalidItems } = validateShape(file, role, diagnostics);
  set.invalid.set(file, invalidItems);

  const patterns = (file.data as { include?: unknown }).include;
  if (!Array.isArray(patterns)) return;
  for (const [index, pattern] of patterns.entries()) {
    if (typeof pattern !== 'string' || pattern.length === 0) continue;
    const at = () => positionOf(file, ['include', index]);
    const matches = (await glob(pattern, { cwd: dirname(path), absolute: true, onlyFiles: true, dot: false }))
      .map((m) => resolve(m))
      .filter((m) => m !== path)
      .sort();
    if (matches.length === 0) {
      diagnostics.error('include-no-match', at(), `include pattern \`${pattern}\` matches no file`, {
        hint: 'patterns are relative to the including file, e.g. `integrations/*.yaml`',
      });
      continue;
    }
    for (const match of matches) {
      if (chain.includes(match) || match === path) {
        const cycle = [...chain, path, match].map((p) => displayName(set.dir, p)).join(' → ');
        diagnostics.error('include-cycle', at(), `include cycle: ${cycle}`, {
          hint: 'remove one of the includes that lead back',
        });
        continue;
      }
      if (visited.has(match)) continue;
      if (!/\.ya?ml$/i.test(match)) continue;
      await loadFile(match, 'included', [...chain, path], visited, set, diagnostics);
    }
  }
}

function displayName(dir: string, path: string): string {
  const rel = relative(dir, path);
  return (rel.startsWith('..') ? path : rel).split(sep).join('/');
}

export const WORKSPACE_COLLECTIONS = COLLECTION_KEYS;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !(value instanceof Map)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
