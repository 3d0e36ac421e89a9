/**
 * Stable keys under which the shell persists signal states: a signal is identified by the playbook, where it is
 * used (trigger, success or rollback criteria, or a step's `wait`, `if` or `guard`) and its position. Ids cannot
 * contain `/` (see `ID_PATTERN`), so keys are unambiguous and parse back.
 *
 * Keys of success and rollback criteria are per playbook; a shell that runs one playbook for several incidents
 * at once prefixes them with the incident id.
 */
import { assertNever } from '../assert-never.js';

export type CriteriaRole = 'trigger' | 'success' | 'rollback';
export type StepSignalUse = 'until' | 'if' | 'guard';

export type SignalOwner =
  | { kind: 'criteria'; playbook: string; role: CriteriaRole; index: number }
  | { kind: 'step'; playbook: string; step: string; use: StepSignalUse };

const ROLES: readonly string[] = ['trigger', 'success', 'rollback'] satisfies CriteriaRole[];
const USES: readonly string[] = ['until', 'if', 'guard'] satisfies StepSignalUse[];

/** The key of a criteria as a whole, e.g. `payments-latency/trigger`. */
export function criteriaKey(playbook: string, role: CriteriaRole): string {
  return `${playbook}/${role}`;
}

/**
 * The key of one signal's state.
 *
 * @example
 * signalKey({ kind: 'criteria', playbook: 'payments-latency', role: 'trigger', index: 0 }) // 'payments-latency/trigger/0'
 * signalKey({ kind: 'step', playbook: 'payments-latency', step: 'recovered', use: 'until' }) // 'payments-latency/step/recovered/until'
 */
export function signalKey(owner: SignalOwner): string {
  switch (owner.kind) {
    case 'criteria':
      return `${criteriaKey(owner.playbook, owner.role)}/${owner.index}`;
    case 'step':
      return `${owner.playbook}/step/${owner.step}/${owner.use}`;
    default:
      return assertNever(owner);
  }
}

/** The owner a key was made for; undefined for anything `signalKey` cannot have produced. */
export function parseSignalKey(key: string): SignalOwner | undefined {
  const parts = key.split('/');
  const [playbook, second, third, fourth] = parts;
  if (!playbook || !second || !third) return undefined;
  if (parts.length === 3 && ROLES.includes(second) && /^(0|[1-9][0-9]*)$/.test(third)) {
    return { kind: 'criteria', playbook, role: second as CriteriaRole, index: Number(third) };
  }
  if (parts.length === 4 && second === 'step' && fourth !== undefined && USES.includes(fourth)) {
    return { kind: 'step', playbook, step: third, use: fourth as StepSignalUse };
  }
  return undefined;
}
