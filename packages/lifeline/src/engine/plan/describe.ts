/**
 * The words of a plan: one line for what a step does, what undoes it, when it runs, and what a signal watches —
 * written from the playbook as declared (durations in ms, percentages as fractions), so people can check the
 * plan against the YAML they wrote.
 */
import type { Signal, Step } from '../../workspace/model.js';
import { assertNever } from '../assert-never.js';
import { formatLatency, formatPercent, formatSpan } from '../signals/format.js';
import type { Compensation } from '../types.js';

/** E.g. `payments-charges-up: p95 latency above 800ms over 2m for 1m`. */
export function describeSignalRule(signal: Signal): string {
  const subject = signal.check ?? signal.integration;
  const prefix = subject === undefined ? '' : `${subject}: `;
  return prefix + ruleOf(signal);
}

function span(label: string, ms: number | undefined): string {
  return ms === undefined || ms === 0 ? '' : ` ${label} ${formatSpan(ms)}`;
}

function bound<T>(above: T | undefined, below: T | undefined, format: (value: T) => string): string {
  if (above !== undefined) return `above ${format(above)}`;
  if (below !== undefined) return `below ${format(below)}`;
  return 'with no threshold';
}

function ruleOf(signal: Signal): string {
  switch (signal.signal) {
    case 'latency':
      return `${signal.percentile} latency ${bound(signal.above, signal.below, formatLatency)}${span('over', signal.window)}${span('for', signal.for)}`;
    case 'error-rate':
      return `error rate ${bound(signal.above, signal.below, formatPercent)}${span('over', signal.window)}${span('for', signal.for)}`;
    case 'burn-rate': {
      const pair = (name: string, p: { window: number; factor: number } | undefined) =>
        p ? `${name} ${formatSpan(p.window)} × ${p.factor}` : undefined;
      const pairs = [pair('fast', signal.fast), pair('slow', signal.slow)].filter(Boolean);
      return `error-budget burn rate${pairs.length ? ` (${pairs.join(', ')})` : ' (default windows)'}`;
    }
    case 'failures': {
      const classes = signal.classes?.length ? ` (${signal.classes.join(', ')})` : '';
      return `${signal.count} ${signal.count === 1 ? 'failure' : 'failures'}${classes} within ${formatSpan(signal.within)}`;
    }
    case 'failure-class': {
      const classes = Array.isArray(signal.class) ? signal.class : [signal.class];
      return `latest result is ${classes.join(' or ')}${span('for', signal.for)}`;
    }
    case 'tls-days-left':
      return `certificate expires in fewer than ${signal.below} days`;
    case 'alert':
      return `alert ${signal.alert} firing`;
    default:
      return assertNever(signal, 'signal');
  }
}

/** What a step or a compensation does, in one line. */
export function describeAction(action: Step | Compensation, playbookIntegration: string): string {
  switch (action.action) {
    case 'run-check':
      return `run check ${action.check}`;
    case 'http': {
      const expect = action.expectStatus?.length ? ` (expect ${action.expectStatus.join(', ')})` : '';
      return `${action.method} ${action.url}${expect}`;
    }
    case 'command':
      return `run ${action.argv.join(' ')}${action.cwd ? ` in ${action.cwd}` : ''}`;
    case 'set-client-mode': {
      const rate = action.rate ? ` at ${action.rate}` : '';
      const ttl = action.ttl !== undefined ? ` for ${formatSpan(action.ttl)}` : '';
      return `switch ${action.integration ?? playbookIntegration} clients to ${action.mode}${rate}${ttl}`;
    }
    case 'notify': {
      const to = [
        ...(action.channels ?? []).map((c) => `#${c}`),
        ...(action.teams ?? []).map((t) => `team ${t}`),
      ];
      return `notify ${to.length ? to.join(', ') : 'the owner team'}`;
    }
    case 'ticket':
      return `open a ticket in #${action.channel}`;
    case 'wait':
      return `wait until ${describeSignalRule(action.until)}${action.timeout !== undefined ? ` (give up after ${formatSpan(action.timeout)})` : ''}`;
    case 'manual':
      return action.assignee
        ? `manual step for ${teamRole(action.assignee)}`
        : 'manual step (anyone may mark it done)';
    case 'approval':
      return `approval by ${teamRole(action.approvers)}`;
    case 'rollback':
      return action.steps?.length
        ? `undo ${action.steps.join(', ')} (newest first)`
        : 'undo every step done so far (newest first)';
    default:
      return assertNever(action, 'action');
  }
}

export function teamRole(who: { team: string; role?: string }): string {
  return who.role ? `team ${who.team} (role ${who.role})` : `team ${who.team}`;
}

/** A step's `if`, in words; undefined without one. */
export function describeCondition(step: Step): string | undefined {
  const condition = step.if;
  if (!condition) return undefined;
  const parts: string[] = [];
  if (condition.step !== undefined) parts.push(`step ${condition.step} ${condition.outcome ?? 'succeeded'}`);
  if (condition.holds) parts.push(`${describeSignalRule(condition.holds)} holds`);
  return `only if ${parts.join(' and ')}`;
}

/** A compensation that can run: declared, and not a rollback (which the engine never runs as an undo). */
export function usableCompensation(step: Step): Compensation | undefined {
  return step.compensate && step.compensate.action !== 'rollback' ? step.compensate : undefined;
}
