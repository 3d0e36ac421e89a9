/**
 * Test fixture (used by the tests only): the acme example workspace, loaded once per test file, and a way to add
 * playbooks to it for scenarios acme does not have (retries, timeouts, rollback steps, signal conditions).
 */
import { fileURLToPath } from 'node:url';
import { loadWorkspace } from '../workspace/load-workspace.js';
import type { EscalationPolicy, Playbook, Severity, Workspace } from '../workspace/model.js';

const ACME = fileURLToPath(new URL('../../../../examples/acme/', import.meta.url));

let loading: Promise<Workspace> | undefined;

export function loadAcme(): Promise<Workspace> {
  loading ??= loadWorkspace(ACME, { env: {} }).then((result) => {
    if (!result.workspace) throw new Error(`acme does not load: ${JSON.stringify(result.diagnostics)}`);
    return result.workspace;
  });
  return loading;
}

export interface Additions {
  playbooks?: Playbook[];
  policies?: EscalationPolicy[];
  severities?: Severity[];
}

/** The workspace with extra playbooks, policies and severities (replacing same-id severities). */
export function extend(workspace: Workspace, add: Additions): Workspace {
  const severities = add.severities ?? [];
  return {
    ...workspace,
    playbooks: [...workspace.playbooks, ...(add.playbooks ?? [])],
    escalationPolicies: [...workspace.escalationPolicies, ...(add.policies ?? [])],
    severities: [
      ...workspace.severities.filter((s) => !severities.some((n) => n.id === s.id)),
      ...severities,
    ],
  };
}
