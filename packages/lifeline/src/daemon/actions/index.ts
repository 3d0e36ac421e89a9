/**
 * Runs one automated action — a playbook step's attempt or a compensation — and says how it went. One file per
 * action kind that does I/O; the rest are a few lines here. `notify` and `ticket` are already outbox rows of the
 * same decision (see `outbox-rows.ts`), so executing them only confirms they were queued; `manual`, `approval`
 * and `rollback` are the engine's own business and never reach an executor as steps.
 */
import { assertNever, type Compensation } from '../../engine/index.js';
import type { Step } from '../../workspace/model.js';
import type { ActionContext, ActionOutcome } from './action-context.js';
import { runCommand } from './command-action.js';
import { runHttp } from './http-action.js';
import { runWait } from './wait-action.js';

export type { ActionContext, ActionOutcome, ClientModeDocument } from './action-context.js';

type Action = Step | Compensation;

export async function executeAction(action: Action, context: ActionContext): Promise<ActionOutcome> {
  switch (action.action) {
    case 'run-check': {
      const result = await context.runCheck(action.check, context.signal);
      if (!result)
        return { outcome: 'failed', detail: `check ${action.check} is not declared in the workspace` };
      return result.ok
        ? { outcome: 'succeeded', detail: `check ${action.check}: ${result.message}` }
        : { outcome: 'failed', detail: `check ${action.check} ${result.class}: ${result.message}` };
    }
    case 'http':
      return runHttp(action, context);
    case 'command':
      return runCommand(action, context);
    case 'set-client-mode': {
      const integration = action.integration ?? context.playbook.integration;
      const now = context.clock.now();
      await context.setClientMode(
        {
          integration,
          mode: action.mode,
          ...(action.rate !== undefined ? { rate: action.rate } : {}),
          setAt: now,
          ...(action.ttl !== undefined ? { until: now + action.ttl } : {}),
          incidentId: context.incidentId,
          stepId: context.stepId,
        },
        context.signal,
      );
      const rate = action.rate ? ` at ${action.rate}` : '';
      return { outcome: 'succeeded', detail: `${integration} clients switched to ${action.mode}${rate}` };
    }
    case 'notify':
    case 'ticket':
      return { outcome: 'succeeded', detail: 'queued for delivery' };
    case 'wait':
      return runWait({
        clock: context.clock,
        signal: context.signal,
        pollMs: context.pollMs,
        deadline: context.deadline,
        timeoutMs: action.timeout ?? 60_000,
        holds: () => context.signalHolds(action.until),
      });
    case 'manual':
      return { outcome: 'failed', detail: `needs a human: ${action.instructions}` };
    case 'approval':
      return { outcome: 'failed', detail: 'an approval cannot be carried out automatically' };
    case 'rollback':
      return { outcome: 'failed', detail: 'a rollback cannot be undone by another rollback' };
    default:
      return assertNever(action, 'action');
  }
}
