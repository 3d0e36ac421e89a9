/**
 * The one human line that says what a signal measured and where it stands, e.g. `p95 latency 1.2s above 800ms
 * for 2m`, `p95 latency 600ms, not above 800ms; active until below 500ms`. Shown in timelines and the dashboard.
 */
import { formatSpan } from './format.js';
import type { Observation } from './observation.js';
import type { HoldTimes, SignalState } from './signal-state.js';

export interface DescribeInput {
  observation: Observation;
  previous: SignalState;
  state: SignalState;
  hold: HoldTimes;
  now: number;
}

/** ` for 2m`, or nothing for a condition that has only just begun. */
function heldFor(since: number | undefined, now: number): string {
  return since !== undefined && now - since >= 1000 ? ` for ${formatSpan(now - since)}` : '';
}

export function describeSignal({ observation, previous, state, hold, now }: DescribeInput): string {
  if (observation.kind === 'no-data') {
    return state.active ? `${observation.text}; still active until data returns` : observation.text;
  }
  if (observation.condition) {
    const pending = state.active ? '' : `; fires after ${formatSpan(hold.forMs)}`;
    return `${observation.holdsText}${heldFor(state.conditionSince, now)}${pending}`;
  }
  if (!state.active) return previous.active ? `${observation.unmetText}; cleared` : observation.unmetText;
  if (state.clearSince !== undefined) {
    // `…; below 500ms for 2m, clears after 3m` with a clear threshold; `…, not above 800ms for 1m, clears …` without.
    const rule = observation.clearRule ? `; ${observation.clearRule}` : '';
    const clearing = `${rule}${heldFor(state.clearSince, now)}`;
    return `${observation.unmetText}${clearing}, clears after ${formatSpan(hold.clearForMs)}`;
  }
  return `${observation.unmetText}; active until ${observation.clearRule ?? 'it clears'}`;
}
