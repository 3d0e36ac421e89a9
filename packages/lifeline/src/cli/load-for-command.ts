/**
 * Loads the workspace a command was pointed at and prints its diagnostics; shared by every command that reads
 * a workspace, so they all report problems the same way.
 */
import { loadWorkspace, type LoadResult } from '../workspace/load-workspace.js';
import type { Workspace } from '../workspace/model.js';
import { formatDiagnostic, type Output } from './output.js';
import { dirname } from 'node:path';
import { findRootFile } from '../workspace/load-workspace.js';

export interface LoadedForCommand {
  result: LoadResult;
  /** Directory of the root file, for displaying diagnostic paths. */
  dir: string;
}

export async function loadForCommand(
  target: string,
  options: { strict?: boolean },
): Promise<LoadedForCommand> {
  const root = findRootFile(target);
  const result = await loadWorkspace(root, { strict: options.strict ?? false });
  return { result, dir: dirname(root) };
}

/** Loads and, unless the caller prints JSON, prints diagnostics to stderr. Returns the workspace or undefined. */
export async function requireWorkspace(
  target: string,
  output: Output,
  options: { strict?: boolean; json?: boolean } = {},
): Promise<Workspace | undefined> {
  const { result, dir } = await loadForCommand(target, options);
  if (!options.json || !result.ok) {
    for (const d of result.diagnostics) output.err(formatDiagnostic(d, dir, output.color));
  }
  return result.workspace;
}
