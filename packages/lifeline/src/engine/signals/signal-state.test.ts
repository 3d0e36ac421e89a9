// The hysteresis state machine on its own: `for`, `clear.for`, evidence hints and no data.
import { describe, expect, it } from 'vitest';
import { advance, INITIAL_SIGNAL_STATE, type Evidence, type SignalState } from './signal-state.js';

const MIN = 60_000;
const on: Evidence = { condition: true, clear: false };
const deadBand: Evidence = { condition: false, clear: false };
const off: Evidence = { condition: false, clear: true };
const hold = { forMs: 2 * MIN, clearForMs: 3 * MIN };

/** Feeds samples at the given minutes and returns the state after each. */
function run(
  samples: readonly [minute: number, evidence: Evidence | undefined][],
  start = INITIAL_SIGNAL_STATE,
) {
  const states: SignalState[] = [];
  let state = start;
  for (const [minute, evidence] of samples) {
    state = advance(state, evidence, hold, minute * MIN);
    states.push(state);
  }
  return states.map((s) => s.active);
}

describe('advance', () => {
  it('fires only after the condition held continuously for `for`', () => {
    expect(
      run([
        [0, on],
        [1, on],
        [2, on],
      ]),
    ).toEqual([false, false, true]);
    // An interruption restarts the hold.
    expect(
      run([
        [0, on],
        [1, deadBand],
        [2, on],
        [3, on],
        [4, on],
      ]),
    ).toEqual([false, false, false, false, true]);
  });

  it('clears only after the clear condition held for `clear.for`; the dead band keeps it active', () => {
    const active: SignalState = { active: true, conditionSince: 0 };
    expect(
      run(
        [
          [10, deadBand],
          [20, deadBand],
          [21, off],
          [23, off],
          [24, off],
        ],
        active,
      ),
    ).toEqual([true, true, true, true, false]);
  });

  it('a for of 0 fires and clears on the sample itself', () => {
    const instant = { forMs: 0, clearForMs: 0 };
    const fired = advance(INITIAL_SIGNAL_STATE, on, instant, 5);
    expect(fired).toEqual({ active: true, conditionSince: 5 });
    expect(advance(fired, off, instant, 6)).toEqual({ active: false });
  });

  it('no data neither fires nor clears, and restarts both holds', () => {
    expect(advance({ active: true, conditionSince: 0, clearSince: 5 }, undefined, hold, 10)).toEqual({
      active: true,
    });
    expect(advance({ active: false, conditionSince: 0 }, undefined, hold, 10 * MIN)).toEqual({
      active: false,
    });
    // After the gap the condition must hold for `for` again.
    expect(
      run([
        [0, on],
        [1, undefined],
        [2, on],
        [3, on],
        [4, on],
      ]),
    ).toEqual([false, false, false, false, true]);
  });

  it('uses evidence that the condition began earlier, but never in the future', () => {
    expect(advance(INITIAL_SIGNAL_STATE, { ...on, conditionSince: 0 }, hold, 2 * MIN).active).toBe(true);
    expect(advance(INITIAL_SIGNAL_STATE, { ...on, conditionSince: 9 * MIN }, hold, MIN)).toEqual({
      active: false,
      conditionSince: MIN,
    });
    // The state's own time wins over a later hint (the class changed within the condition).
    expect(
      advance({ active: false, conditionSince: 0 }, { ...on, conditionSince: MIN }, hold, 2 * MIN).active,
    ).toBe(true);
  });

  it('a clear condition that overlaps the raw one does not clear while the raw one holds', () => {
    const overlapping: Evidence = { condition: true, clear: true };
    expect(
      advance({ active: true, conditionSince: 0 }, overlapping, { forMs: 0, clearForMs: 0 }, 1).active,
    ).toBe(true);
  });
});
