// Properties of hysteresis: a value oscillating within the dead band never changes `active`; transitions are
// spaced by at least `for` (on) and `clear.for` (off) whatever the values; evaluation is deterministic and does
// not touch its inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../workspace/model.js';
import type { SignalDefaults } from './defaults.js';
import { evaluateSignal } from './evaluate.js';
import { fakeMeasurements } from './fake-measurements.js';
import type { Measurements } from './measurements.js';
import { INITIAL_SIGNAL_STATE, type SignalState } from './signal-state.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const defaults: SignalDefaults = { integration: 'payments', slos: new Map() };
const RUNS = { numRuns: 200 };

/** Both threshold kinds, with the same reading used as latency (ms) or error rate (per mille). */
function thresholdSignal(
  kind: 'latency' | 'error-rate',
  above: number,
  below: number,
  forMs: number,
  clearForMs: number,
): Signal {
  return kind === 'latency'
    ? { signal: 'latency', percentile: 'p95', above, for: forMs, clear: { below, for: clearForMs } }
    : {
        signal: 'error-rate',
        above: above / 1000,
        for: forMs,
        clear: { below: below / 1000, for: clearForMs },
      };
}

function reading(value: number | undefined): Measurements {
  return fakeMeasurements({
    latencyPercentile: () => value,
    errorRate: () => (value === undefined ? undefined : { rate: value / 1000, count: 100 }),
  });
}

interface Sample {
  delayMs: number;
  value: number | undefined;
}

/** Evaluates the samples in order, carrying the state; returns the `active` flag and time after each. */
function play(
  signal: Signal,
  start: SignalState,
  samples: readonly Sample[],
): { at: number; active: boolean }[] {
  let state = start;
  let now = T0;
  return samples.map(({ delayMs, value }) => {
    now += delayMs;
    state = evaluateSignal(signal, defaults, reading(value), state, now).state;
    return { at: now, active: state.active };
  });
}

const kind = fc.constantFrom('latency' as const, 'error-rate' as const);
const holdMs = fc.integer({ min: 0, max: 10 * MIN });
const delayMs = fc.integer({ min: 1, max: 5 * MIN });
/** A dead band [below, above] of at least 1 with both ends inside (0, 1000). */
const band = fc
  .tuple(fc.integer({ min: 1, max: 998 }), fc.integer({ min: 1, max: 998 }))
  .map(([a, b]): readonly [below: number, above: number] =>
    a === b ? [a, a + 1] : [Math.min(a, b), Math.max(a, b)],
  );

describe('hysteresis never flaps', () => {
  it('a value oscillating within the dead band (or missing) never changes `active`', () => {
    fc.assert(
      fc.property(
        kind,
        band,
        holdMs,
        holdMs,
        fc.boolean(),
        fc.array(fc.record({ delayMs, position: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) }), {
          minLength: 1,
          maxLength: 40,
        }),
        (k, [below, above], forMs, clearForMs, active, steps) => {
          const signal = thresholdSignal(k, above, below, forMs, clearForMs);
          const samples = steps.map(({ delayMs: d, position }) => ({
            delayMs: d,
            // Inclusive ends: `above` does not hold at the threshold, `clear.below` does not either.
            value: position === null ? undefined : below + position * (above - below),
          }));
          const start: SignalState = active
            ? { active: true, conditionSince: T0 - forMs }
            : INITIAL_SIGNAL_STATE;
          expect(play(signal, start, samples).every((s) => s.active === active)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('turns on at least `for` after it turned off, and off at least `clear.for` after it turned on', () => {
    fc.assert(
      fc.property(
        kind,
        band,
        holdMs,
        holdMs,
        fc.array(
          fc.record({ delayMs, value: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }) }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (k, [below, above], forMs, clearForMs, samples) => {
          const signal = thresholdSignal(k, above, below, forMs, clearForMs);
          const trace = play(signal, INITIAL_SIGNAL_STATE, samples);
          // Until the first sample nothing can have held: count from it.
          let lastChange = trace[0]!.at;
          let active = false;
          for (const { at, active: now } of trace) {
            if (now === active) continue;
            expect(at - lastChange).toBeGreaterThanOrEqual(now ? forMs : clearForMs);
            if (now) expect(at).toBeGreaterThanOrEqual(trace[0]!.at + forMs);
            lastChange = at;
            active = now;
          }
        },
      ),
      RUNS,
    );
  });
});

describe('determinism', () => {
  const signals: fc.Arbitrary<Signal> = fc.oneof(
    fc.constant<Signal>({
      signal: 'latency',
      percentile: 'p95',
      above: 800,
      for: MIN,
      clear: { below: 500 },
    }),
    fc.constant<Signal>({ signal: 'error-rate', below: 0.01, for: 2 * MIN }),
    fc.constant<Signal>({ signal: 'burn-rate' }),
    fc.constant<Signal>({ signal: 'failures', count: 3, within: 5 * MIN }),
    fc.constant<Signal>({ signal: 'failure-class', class: ['timeout', 'unreachable'], for: MIN }),
    fc.constant<Signal>({ signal: 'tls-days-left', below: 14 }),
    fc.constant<Signal>({ signal: 'alert', alert: 'HighErrorRate', labels: { env: 'prod' } }),
  );
  const state: fc.Arbitrary<SignalState> = fc.record(
    {
      active: fc.boolean(),
      conditionSince: fc.integer({ min: T0 - 20 * MIN, max: T0 }),
      clearSince: fc.integer({ min: T0 - 20 * MIN, max: T0 }),
    },
    { requiredKeys: ['active'] },
  );

  it('gives the same result for the same inputs, and leaves the previous state as it was', () => {
    fc.assert(
      fc.property(
        signals,
        state,
        fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
        (signal, previous, value) => {
          const measurements: Measurements = {
            latencyPercentile: () => value,
            errorRate: () => (value === undefined ? undefined : { rate: value / 2000, count: 10 }),
            failures: () => (value === undefined ? undefined : value % 5),
            latestClass: () =>
              value === undefined ? undefined : { class: value % 2 ? 'timeout' : 'ok', since: T0 - value },
            tlsDaysLeft: () => (value === undefined ? undefined : value / 50),
            firingAlerts: () =>
              value === undefined
                ? undefined
                : value % 2 === 0
                  ? [
                      {
                        name: 'HighErrorRate',
                        labels: { env: 'prod' },
                        annotations: {},
                        startsAt: T0 - value,
                      },
                    ]
                  : [],
          };
          const slos = new Map([['payments', { availability: 0.99 }]]);
          const frozen = Object.freeze({ ...previous });
          const first = evaluateSignal(signal, { ...defaults, slos }, measurements, frozen, T0);
          const second = evaluateSignal(signal, { ...defaults, slos }, measurements, frozen, T0);
          expect(second).toEqual(first);
          expect(frozen).toEqual(previous);
        },
      ),
      RUNS,
    );
  });
});
