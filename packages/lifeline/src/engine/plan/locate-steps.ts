/**
 * Where a playbook's steps are declared, for the plan's checks: the workspace records where each playbook is
 * (`playbook:ID` in its declarations) but not its steps, so this reads the declaring file again and finds the
 * step by id. The one part of the plan that touches the file system; the planner itself takes a `Locator`.
 * A file changed since the workspace was loaded, or a step that cannot be found, falls back to the playbook.
 */
import { readFileSync } from 'node:fs';
import { load as loadYaml, CORE_SCHEMA } from 'js-yaml';
import { positionOf, type SourceFile } from '../../workspace/source-file.js';
import type { Workspace } from '../../workspace/model.js';
import type { Locator, PlanPosition } from './plan-types.js';

interface PlaybookData {
  id?: unknown;
  steps?: { id?: unknown }[];
}

/** A locator over the workspace's declaring files; each file is read at most once. */
export function stepLocator(workspace: Pick<Workspace, 'declarations'>): Locator {
  const files = new Map<string, SourceFile | undefined>();
  const fileOf = (absolute: string, name: string): SourceFile | undefined => {
    if (!files.has(absolute)) {
      try {
        const text = readFileSync(absolute, 'utf8');
        files.set(absolute, { path: absolute, name, text, data: loadYaml(text, { schema: CORE_SCHEMA }) });
      } catch {
        files.set(absolute, undefined);
      }
    }
    return files.get(absolute);
  };
  return (playbookId, stepId) => {
    const declaration = workspace.declarations.get(`playbook:${playbookId}`);
    if (!declaration) return undefined;
    const own = declaration.locate();
    const playbookAt: PlanPosition = { file: own.file, line: own.line, col: own.col };
    if (stepId === undefined) return playbookAt;
    const file = fileOf(declaration.absoluteFile, declaration.file);
    const playbooks = (file?.data as { playbooks?: PlaybookData[] } | undefined)?.playbooks;
    if (!file || !Array.isArray(playbooks)) return playbookAt;
    const index = playbooks.findIndex((p) => p?.id === playbookId);
    const steps = playbooks[index]?.steps;
    const step = Array.isArray(steps) ? steps.findIndex((s) => s?.id === stepId) : -1;
    if (index < 0 || step < 0) return playbookAt;
    const at = positionOf(file, ['playbooks', index, 'steps', step]);
    return { file: at.file, line: at.line, col: at.col };
  };
}
