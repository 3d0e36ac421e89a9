// Hysteresis and `for` durations through evaluateSignal with a fake clock: the latency scenario of the
// playbook docs (fires above 800ms, stays active at 600ms, clears below 500ms only after clear.for).
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../workspace/model.js';
import type { SignalDefaults } from './defaults.js';
import { evaluateSignal, type SignalEvaluation } from './evaluate.js';
import { fakeMeasurements } from './fake-measurements.js';
import { INITIAL_SIGNAL_STATE } from './signal-state.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const defaults: SignalDefaults = { integration: 'payments', slos: new Map() };

/** Evaluates the signal at each (minute, p95 latency) sample, carrying the state like the shell does. */
function play(
  signal: Signal,
  samples: readonly [minute: number, latency: number | undefined][],
): SignalEvaluation[] {
  let state = INITIAL_SIGNAL_STATE;
  return samples.map(([minute, latency]) => {
    const measurements = fakeMeasurements({ latencyPercentile: () => latency });
    const result = evaluateSignal(signal, defaults, measurements, state, T0 + minute * MIN);
    state = result.state;
    return result;
  });
}

const latency: Signal = {
  signal: 'latency',
  percentile: 'p95',
  above: 800,
  for: MIN,
  clear: { below: 500, for: 3 * MIN },
};

describe('latency with hysteresis: 900 → 600 → 450 ms', () => {
  const results = play(latency, [
    [0, 900],
    [1, 900],
    [2, 600],
    [5, 600],
    [6, 450],
    [8, 450],
    [9, 450],
    [10, 450],
  ]);
  const lines = results.map((r) => [r.holds, r.description]);

  it('fires above 800ms once held for `for`', () => {
    expect(lines[0]).toEqual([false, 'p95 latency 900ms above 800ms; fires after 1m']);
    expect(lines[1]).toEqual([true, 'p95 latency 900ms above 800ms for 1m']);
  });

  it('stays active at 600ms, in the dead band', () => {
    expect(lines[2]).toEqual([true, 'p95 latency 600ms, not above 800ms; active until below 500ms']);
    expect(lines[3]?.[0]).toBe(true);
  });

  it('clears below 500ms only after clear.for', () => {
    expect(lines[4]).toEqual([true, 'p95 latency 450ms, not above 800ms; below 500ms, clears after 3m']);
    expect(lines[5]).toEqual([
      true,
      'p95 latency 450ms, not above 800ms; below 500ms for 2m, clears after 3m',
    ]);
    expect(lines[6]).toEqual([false, 'p95 latency 450ms, not above 800ms; cleared']);
    expect(lines[7]).toEqual([false, 'p95 latency 450ms, not above 800ms']);
    expect(results[6]?.state).toEqual({ active: false });
  });

  it('a return to the dead band restarts the clear hold', () => {
    const bounce = play(latency, [
      [0, 900],
      [1, 900],
      [2, 450],
      [4, 450],
      [5, 600],
      [6, 450],
      [8, 450],
      [9, 450],
    ]);
    expect(bounce.map((r) => r.holds)).toEqual([false, true, true, true, true, true, true, false]);
  });
});

describe('`for` durations', () => {
  it('describes how long it has held: p95 latency 1.2s above 800ms for 2m', () => {
    const results = play({ signal: 'latency', percentile: 'p95', above: 800, for: 2 * MIN }, [
      [0, 1200],
      [1, 1200],
      [2, 1200],
    ]);
    expect(results.map((r) => r.holds)).toEqual([false, false, true]);
    expect(results[2]?.description).toBe('p95 latency 1.2s above 800ms for 2m');
  });

  it('a dip below the threshold restarts `for`', () => {
    const results = play({ signal: 'latency', percentile: 'p95', above: 800, for: 2 * MIN }, [
      [0, 1200],
      [1.5, 700],
      [2, 1200],
      [3, 1200],
      [4, 1200],
    ]);
    expect(results.map((r) => r.holds)).toEqual([false, false, false, false, true]);
  });

  it('without `clear`, clears on the negation held for `for`', () => {
    const results = play({ signal: 'latency', percentile: 'p95', above: 800, for: 2 * MIN }, [
      [0, 1200],
      [2, 1200],
      [3, 800],
      [4, 700],
      [5, 700],
    ]);
    expect(results.map((r) => r.holds)).toEqual(
      [true, true, true, true, false].map((v, i) => (i === 0 ? false : v)),
    );
  });

  it('without `for`, fires and clears on the sample', () => {
    const results = play({ signal: 'latency', percentile: 'p95', above: 800 }, [
      [0, 900],
      [0.5, 700],
      [1, 900],
    ]);
    expect(results.map((r) => r.holds)).toEqual([true, false, true]);
  });

  it('a failure class run that began before the first evaluation counts toward `for`', () => {
    const signal: Signal = { signal: 'failure-class', class: 'credential', for: 2 * MIN };
    const measurements = fakeMeasurements({
      latestClass: () => ({ class: 'credential', since: T0 - 3 * MIN }),
    });
    const result = evaluateSignal(signal, defaults, measurements, INITIAL_SIGNAL_STATE, T0);
    expect(result.holds).toBe(true);
    expect(result.description).toBe('latest result credential for 3m');
  });
});

describe('no data in the middle', () => {
  it('keeps an active signal active and an inactive one inactive', () => {
    const results = play(latency, [
      [0, 900],
      [1, 900],
      [2, undefined],
      [3, 450],
      [4, undefined],
      [5, 450],
      [7, 450],
      [8, 450],
    ]);
    // The gap at minute 4 restarts the clear hold begun at minute 3: it clears 3 minutes after minute 5.
    expect(results.map((r) => r.holds)).toEqual([false, true, true, true, true, true, true, false]);
  });
});
