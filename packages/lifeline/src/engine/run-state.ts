/**
 * Bookkeeping of the current playbook run shared by step sequencing and compensation: where a step is defined,
 * its record in the run, which actions count as remediation, and ending a run.
 */
import type { Step } from '../workspace/model.js';
import { cancelTimers, record, type Draft } from './draft.js';
import { templateVars } from './templates.js';
import type { RunStatus, StepRecord, StepStatus, TemplateVars } from './types.js';

/**
 * Actions that are a remediation attempt: starting one meets the first-action target. Checking (`run-check`),
 * telling (`notify`), waiting and asking are not.
 */
export const REMEDIATION_ACTIONS: ReadonlySet<Step['action']> = new Set<Step['action']>([
  'set-client-mode',
  'http',
  'command',
  'ticket',
  'rollback',
]);

/** The step as the playbook defines it now; undefined if the playbook no longer has it. */
export function stepDefinition(draft: Draft, stepId: string): Step | undefined {
  return draft.config.playbooks.get(draft.incident.playbookId)?.playbook.steps.find((s) => s.id === stepId);
}

export function stepRecord(draft: Draft, stepId: string): StepRecord | undefined {
  return draft.incident.run.steps.find((r) => r.stepId === stepId);
}

export function isFinished(status: StepStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'skipped' || status === 'cancelled';
}

/** The variables the incident's templates are rendered with. */
export function varsOf(draft: Draft): TemplateVars {
  const { incident, config } = draft;
  return templateVars({
    integrationName: config.playbooks.get(incident.playbookId)?.integration.name ?? incident.integration,
    playbookId: incident.playbookId,
    incidentId: incident.id,
    severity: incident.severity,
    values: incident.values,
  });
}

const TIMELINE_OF_END = {
  completed: 'run-completed',
  aborted: 'run-aborted',
  'rolled-back': 'run-aborted',
  cancelled: 'run-cancelled',
} as const;

/**
 * Ends the run if it is still running: a step in flight is cancelled (a late result of it is ignored), its
 * timeout is dropped, and unless the run completed normally the guard windows close too.
 */
export function stopRun(draft: Draft, status: Exclude<RunStatus, 'running'>, why: string): void {
  const run = draft.incident.run;
  if (run.status !== 'running') return;
  for (const step of run.steps) {
    if (isFinished(step.status) || step.status === 'pending') continue;
    step.status = 'cancelled';
    step.finishedAt = draft.now;
    step.detail = why;
  }
  run.status = status;
  run.finishedAt = draft.now;
  cancelTimers(
    draft,
    (t) =>
      (t.kind === 'step-timeout' && t.run === run.number) ||
      (status !== 'completed' && t.kind === 'guard-window' && t.run === run.number),
  );
  record(draft, TIMELINE_OF_END[status], `playbook run ${run.number} ${status}: ${why}`);
}
