/**
 * Hysteresis of one signal: the small state machine that turns a raw condition, sampled at arbitrary times, into
 * an `active` flag that does not flap. A signal becomes active once its condition has held continuously for
 * `forMs`, and stays active until its clear condition has held continuously for `clearForMs`.
 */

/**
 * What the shell persists per signal (see `signal-key.ts`). Plain JSON; absent times mean "not holding".
 * - `conditionSince`: epoch ms since which the raw condition has held without interruption.
 * - `clearSince`: epoch ms since which the clear condition has held (tracked only while active).
 */
export interface SignalState {
  active: boolean;
  conditionSince?: number;
  clearSince?: number;
}

export const INITIAL_SIGNAL_STATE: SignalState = { active: false };

/** How long the condition must hold to fire, and how long the clear condition must hold to clear. */
export interface HoldTimes {
  forMs: number;
  clearForMs: number;
}

/**
 * One sample of a signal with data. `clear` is the clear condition as measured; it counts only while the raw
 * condition does not hold, so even a clear threshold on the wrong side of the raw one cannot make the signal
 * flap. The `…Since` hints are evidence from the measurements that a condition began earlier than this sample
 * (e.g. the first result of a run of failures), used when the state has no time of its own yet.
 */
export interface Evidence {
  condition: boolean;
  clear: boolean;
  conditionSince?: number;
  clearSince?: number;
}

/** Since when a condition holds: kept while it holds, started (at the hint, never in the future) when it begins. */
function holdingSince(
  holds: boolean,
  previous: number | undefined,
  hint: number | undefined,
  now: number,
): number | undefined {
  if (!holds) return undefined;
  return previous ?? Math.min(now, hint ?? now);
}

function state(active: boolean, conditionSince?: number, clearSince?: number): SignalState {
  // Absent rather than `undefined` keys: the state is persisted as JSON and compared in tests.
  return {
    active,
    ...(conditionSince !== undefined && { conditionSince }),
    ...(clearSince !== undefined && { clearSince }),
  };
}

/**
 * The next state after a sample taken at `now`. `evidence` undefined means no data: `active` is kept (no data
 * neither fires nor clears) and both hold times restart, since a gap cannot prove continuity.
 *
 * @example
 * advance({ active: false }, { condition: true, clear: false }, { forMs: 60_000, clearForMs: 60_000 }, 0)
 * // → { active: false, conditionSince: 0 }; the same at now = 60_000 → { active: true, conditionSince: 0 }
 */
export function advance(
  previous: SignalState,
  evidence: Evidence | undefined,
  hold: HoldTimes,
  now: number,
): SignalState {
  if (evidence === undefined) return state(previous.active);
  const conditionSince = holdingSince(
    evidence.condition,
    previous.conditionSince,
    evidence.conditionSince,
    now,
  );
  if (!previous.active) {
    const fires = conditionSince !== undefined && now - conditionSince >= hold.forMs;
    return state(fires, conditionSince);
  }
  const clears = evidence.clear && !evidence.condition;
  const clearSince = holdingSince(clears, previous.clearSince, evidence.clearSince, now);
  if (clearSince !== undefined && now - clearSince >= hold.clearForMs) return state(false);
  return state(true, conditionSince, clearSince);
}
