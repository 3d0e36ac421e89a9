/**
 * Evaluation of a playbook's criteria (trigger, success, rollback): its signals, each with its own hysteresis
 * state, combined by `match` (any or all) and held for the criteria's own `for`. Also yields the values a
 * problem statement template is filled with, from the first holding signal.
 */
import type { Playbook } from '../../workspace/model.js';
import type { SignalDefaults } from './defaults.js';
import { evaluateSignal, measurementKeyOf, type SignalEvaluation } from './evaluate.js';
import { formatSpan } from './format.js';
import type { Measurements } from './measurements.js';
import type { SignalSense } from './observation.js';
import { INITIAL_SIGNAL_STATE, type SignalState } from './signal-state.js';

export type Criteria = Playbook['trigger'];
/** The default differs by use: `any` for trigger and rollback, `all` for success. */
export type Match = NonNullable<Criteria['match']>;

/**
 * What the shell persists per criteria: one state per signal of `when`, by index (see `signal-key.ts` to store
 * them one by one), and since when the combination has held.
 */
export interface CriteriaState {
  signals: readonly SignalState[];
  since?: number;
}

export const INITIAL_CRITERIA_STATE: CriteriaState = { signals: [] };

/** The `{{…}}` values of a problem statement template. */
export interface ProblemValues {
  /** The measured value, formatted (`1.2s`, `12.5%`, `credential`); `no data` when the signal holds from before a gap. */
  value: string;
  threshold: string;
  /** The signal's description, e.g. `p95 latency 1.2s above 800ms for 2m`. */
  signal: string;
  /** The integration the signal measures. */
  integration: string;
  /** Further values the signal names (an alert's `alert`, `labels`, `summary`, …). */
  extra?: Readonly<Record<string, string>>;
}

export interface CriteriaEvaluation {
  state: CriteriaState;
  /** The combination has held for the criteria's `for`. */
  holds: boolean;
  signals: readonly SignalEvaluation[];
  /** From the first holding signal, whenever one holds (also while the criteria's `for` is still running). */
  values?: ProblemValues;
  description: string;
}

/**
 * Evaluates `criteria` at `now`. `defaultMatch` applies when the criteria does not say (`any` for a trigger,
 * `all` for success), `sense` is `resolves` for success criteria (see `SignalSense`). The combination must hold
 * continuously for `criteria.for` (default 0); unlike a signal it has no hysteresis of its own: its signals
 * already have theirs.
 */
export function evaluateCriteria(
  criteria: Criteria,
  defaultMatch: Match,
  defaults: SignalDefaults,
  measurements: Measurements,
  previous: CriteriaState,
  now: number,
  sense: SignalSense = 'fires',
): CriteriaEvaluation {
  const signals = criteria.when.map((signal, index) =>
    // A playbook edited to have more signals starts the new ones afresh.
    evaluateSignal(
      signal,
      defaults,
      measurements,
      previous.signals[index] ?? INITIAL_SIGNAL_STATE,
      now,
      sense,
    ),
  );
  const match = criteria.match ?? defaultMatch;
  const combined = match === 'all' ? signals.every((s) => s.holds) : signals.some((s) => s.holds);
  const since = combined ? (previous.since ?? now) : undefined;
  const forMs = criteria.for ?? 0;
  const holds = since !== undefined && now - since >= forMs;
  const first = signals.findIndex((s) => s.holds);
  const holding = signals[first];
  const state: CriteriaState = {
    signals: signals.map((s) => s.state),
    ...(since !== undefined && { since }),
  };
  return {
    state,
    holds,
    signals,
    ...(holding && {
      values: {
        value: holding.valueText ?? 'no data',
        threshold: holding.thresholdText ?? '',
        signal: holding.description,
        integration: measurementKeyOf(criteria.when[first]!, defaults).integration,
        ...(holding.values && { extra: holding.values }),
      },
    }),
    description: describeCriteria(match, signals, combined, holds, since, forMs, now),
  };
}

function describeCriteria(
  match: Match,
  signals: readonly SignalEvaluation[],
  combined: boolean,
  holds: boolean,
  since: number | undefined,
  forMs: number,
  now: number,
): string {
  const scope = signals.length === 1 ? '' : ` (${match} of ${signals.length})`;
  if (!combined) return `does not hold${scope}: ${signals.map((s) => s.description).join('; ')}`;
  const shown = signals
    .filter((s) => s.holds)
    .map((s) => s.description)
    .join('; ');
  const held = since !== undefined && now - since >= 1000 ? ` for ${formatSpan(now - since)}` : '';
  if (holds) return `holds${scope}${held}: ${shown}`;
  return `holds${scope}${held}, needs ${formatSpan(forMs)}: ${shown}`;
}
