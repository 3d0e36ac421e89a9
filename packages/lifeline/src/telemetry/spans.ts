/**
 * The spans Lifeline emits, named and attributed in one place so docs/metrics.md can promise them:
 * `check <integration>/<check>`, `step <playbook>/<step>` and `deliver <channel>`. Attributes are ids, kinds and
 * outcomes only — never a secret, a token, a message text or a URL.
 */
import type { CheckResult } from '../checks/check-result.js';
import { deliverMessage } from '../channels/deliver.js';
import type { Tracing } from './tracing.js';

/** The check a span is about: enough of a declared check to name it. */
export interface TracedCheck {
  integration: string;
  check: string;
  kind: string;
}

/** Runs one check in a `check <integration>/<check>` span; a result that is not ok marks the span ERROR. */
export function traceCheck(
  tracing: Tracing,
  check: TracedCheck,
  run: () => Promise<CheckResult>,
): Promise<CheckResult> {
  const attributes = {
    'lifeline.integration': check.integration,
    'lifeline.check': check.check,
    'lifeline.check.kind': check.kind,
  };
  return tracing.span(`check ${check.integration}/${check.check}`, attributes, async (span) => {
    const result = await run();
    span.setAttributes({
      'lifeline.result.class': result.class,
      'lifeline.result.ok': result.ok,
      'lifeline.check.latency_ms': result.latencyMs,
      'http.response.status_code': result.status,
    });
    if (!result.ok) span.fail(result.class);
    return result;
  });
}

/** The playbook step a span is about. `attempt` is absent for a compensation. */
export interface TracedStep {
  incidentId: string;
  playbookId: string;
  stepId: string;
  action: string;
  attempt?: number;
  compensation?: boolean;
}

/** Carries out one step attempt (or compensation) in a `step <playbook>/<step>` span, with its outcome. */
export function traceStep<T extends { outcome: string }>(
  tracing: Tracing,
  step: TracedStep,
  run: () => Promise<T>,
): Promise<T> {
  const attributes = {
    'lifeline.incident': step.incidentId,
    'lifeline.playbook': step.playbookId,
    'lifeline.step': step.stepId,
    'lifeline.step.action': step.action,
    'lifeline.step.attempt': step.attempt,
    'lifeline.step.compensation': step.compensation,
  };
  return tracing.span(`step ${step.playbookId}/${step.stepId}`, attributes, async (span) => {
    const result = await run();
    span.setAttributes({ outcome: result.outcome });
    if (result.outcome !== 'succeeded') span.fail(result.outcome);
    return result;
  });
}

/** `deliverMessage` with each delivery in a `deliver <channel>` span (outcome `delivered` or `failed`). */
export function tracedDeliver(tracing: Tracing): typeof deliverMessage {
  return (workspace, message, options) => {
    const channel = workspace.channels.find((c) => c.id === message.channel);
    const attributes = {
      'lifeline.channel': message.channel === '' ? '(none)' : message.channel,
      'lifeline.channel.kind': channel?.kind,
      'lifeline.incident': message.incidentId,
      'lifeline.message.kind': message.kind,
    };
    return tracing.span(`deliver ${attributes['lifeline.channel']}`, attributes, async (span) => {
      try {
        const receipt = await deliverMessage(workspace, message, options);
        span.setAttributes({ outcome: 'delivered' });
        return receipt;
      } catch (error) {
        span.setAttributes({ outcome: 'failed' });
        throw error;
      }
    });
  };
}
