// Behaviour of the Scheduler shell driven by a fake clock: phases, overruns, per-host limits and lag, timeouts,
// abandonment, stop, removal, errors. Every timeline is in fake milliseconds; nothing waits for real.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../check-result.js';
import { stableOffset } from './due-time.js';
import { FakeClock } from './fake-clock.js';
import { Scheduler, type RunContext, type ScheduleEntry, type SchedulerOptions } from './scheduler.js';
import { hangingRun, okResult, timedRun, type RunFn } from './test-fixtures.js';

/** A multiple of every interval used here, so pinned offset 0 means slots at T0 + k × interval. */
const T0 = 1_800_000_000_000;

interface Harness {
  clock: FakeClock;
  scheduler: Scheduler;
  results: { result: CheckResult; lagMs: number }[];
  errors: { error: unknown; context: RunContext }[];
}

function harness(options: Partial<SchedulerOptions> = {}, start = T0): Harness {
  const clock = new FakeClock(start);
  const results: Harness['results'] = [];
  const errors: Harness['errors'] = [];
  const scheduler = new Scheduler({
    clock,
    onResult: (result, lagMs) => results.push({ result, lagMs }),
    onError: (error, context) => errors.push({ error, context }),
    ...options,
  });
  return { clock, scheduler, results, errors };
}

function entry(id: string, run: RunFn, overrides: Partial<ScheduleEntry> = {}): ScheduleEntry {
  return { id, host: 'api.acme.test:443', intervalMs: 30_000, timeoutMs: 10_000, run, ...overrides };
}

/** A run that resolves at once and notes when it started. */
function instant(clock: FakeClock, id: string, starts: number[]): RunFn {
  return (_signal, scheduledAt) => {
    starts.push(clock.now());
    return Promise.resolve(okResult(id, clock.now(), scheduledAt));
  };
}

const pinned = { offsetOf: () => 0 };

describe('Scheduler: phase', () => {
  it('runs each check on its stable phase at a fixed rate, and a new process keeps that phase', async () => {
    const { clock, scheduler, results } = harness({}, T0 + 12_345);
    const starts: Record<string, number[]> = { a: [], b: [] };
    scheduler.schedule([
      entry('a', instant(clock, 'a', starts.a!)),
      entry('b', instant(clock, 'b', starts.b!), { intervalMs: 60_000 }),
    ]);
    scheduler.start();
    await clock.advance(300_000);
    expect(starts.a).toHaveLength(10);
    expect(starts.b).toHaveLength(5);
    for (const at of starts.a!) expect(at % 30_000).toBe(stableOffset('a', 30_000));
    for (const at of starts.b!) expect(at % 60_000).toBe(stableOffset('b', 60_000));
    expect(results.every((r) => r.lagMs === 0)).toBe(true);
    await scheduler.stop();

    // A restart (new scheduler, later time) lands on the same phase.
    const restarted = harness({}, clock.now() + 7_777);
    const again: number[] = [];
    restarted.scheduler.schedule([entry('a', instant(restarted.clock, 'a', again))]);
    restarted.scheduler.start();
    await restarted.clock.advance(60_000);
    expect(again).toHaveLength(2);
    for (const at of again) expect(at % 30_000).toBe(stableOffset('a', 30_000));
  });

  it('keeps the phase (and does not run twice) across a reschedule; a changed interval moves to its new phase', async () => {
    const { clock, scheduler } = harness();
    const starts: number[] = [];
    const other: number[] = [];
    scheduler.schedule([entry('a', instant(clock, 'a', starts)), entry('b', instant(clock, 'b', other))]);
    scheduler.start();
    await clock.advance(45_000);
    const nextBefore = scheduler.nextDueOf('a');
    scheduler.schedule([
      entry('a', instant(clock, 'a', starts), { timeoutMs: 5_000 }),
      entry('b', instant(clock, 'b', other)),
    ]);
    expect(scheduler.nextDueOf('a')).toBe(nextBefore);
    await clock.advance(45_000);
    expect(starts).toHaveLength(3);
    expect(new Set(starts).size).toBe(3);

    scheduler.schedule([
      entry('a', instant(clock, 'a', starts), { intervalMs: 10_000 }),
      entry('b', instant(clock, 'b', other)),
    ]);
    expect(scheduler.nextDueOf('a')! % 10_000).toBe(stableOffset('a', 10_000));
    await clock.advance(30_000);
    expect(starts.slice(3)).toHaveLength(3);
    for (const at of starts.slice(3)) expect(at % 10_000).toBe(stableOffset('a', 10_000));
    expect(other).toHaveLength(4);
  });

  it('counts slots a stalled process passed over as missed, and fires once (late, with lag) rather than in a burst', async () => {
    const { clock, scheduler, results } = harness(pinned);
    const starts: number[] = [];
    scheduler.schedule([entry('a', instant(clock, 'a', starts))]);
    scheduler.start();
    await clock.advance(0);
    clock.jump(100_000);
    await clock.advance(0);
    expect(starts).toEqual([T0, T0 + 100_000]);
    expect(results[1]?.lagMs).toBe(70_000);
    expect(scheduler.stats().missedSlots).toBe(2);
    await clock.advance(20_000);
    expect(starts).toEqual([T0, T0 + 100_000, T0 + 120_000]);
  });
});

describe('Scheduler: independence and limits', () => {
  it('skips the slots of a check whose previous run is still in flight, without delaying any other check', async () => {
    const { clock, scheduler, results } = harness(pinned);
    const slowStarts: number[] = [];
    scheduler.schedule([
      entry('slow', timedRun(clock, 'slow', 75_000, { onStart: (at) => slowStarts.push(at) }), {
        timeoutMs: 100_000,
      }),
      entry('fast-same-host', timedRun(clock, 'fast-same-host', 50)),
      entry('fast-other-host', timedRun(clock, 'fast-other-host', 50), { host: 'other.test:443' }),
    ]);
    scheduler.start();
    await clock.advance(299_999);
    expect(slowStarts).toEqual([T0, T0 + 90_000, T0 + 180_000, T0 + 270_000]);
    expect(scheduler.stats().skippedOverruns).toBe(6);
    const fast = results.filter((r) => r.result.check.startsWith('fast'));
    expect(fast).toHaveLength(20);
    expect(fast.every((r) => r.lagMs === 0)).toBe(true);
    expect(scheduler.stats()).toMatchObject({ running: 1, waiting: 0, completed: 23 });
  });

  it('holds at most maxPerHost runs per host, starts the excess in FIFO order, and measures the wait as lag', async () => {
    const { clock, scheduler, results } = harness({ ...pinned, maxPerHost: 2 });
    let inFlight = 0;
    let peak = 0;
    const startOrder: string[] = [];
    const tracked = (id: string): RunFn => {
      const inner = timedRun(clock, id, 10_000);
      return async (signal, scheduledAt) => {
        startOrder.push(id);
        peak = Math.max(peak, ++inFlight);
        try {
          return await inner(signal, scheduledAt);
        } finally {
          inFlight--;
        }
      };
    };
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5'];
    scheduler.schedule([
      ...ids.map((id) => entry(id, tracked(id), { intervalMs: 60_000, timeoutMs: 30_000 })),
      entry('elsewhere', timedRun(clock, 'elsewhere', 10_000), {
        host: 'other.test:443',
        intervalMs: 60_000,
      }),
    ]);
    scheduler.start();
    await clock.advance(0);
    expect(scheduler.stats()).toMatchObject({ running: 3, waiting: 3 });
    await clock.advance(59_999);
    expect(peak).toBe(2);
    const lagOf = (id: string): number | undefined => results.find((r) => r.result.check === id)?.lagMs;
    expect(ids.map(lagOf)).toEqual([0, 0, 10_000, 10_000, 20_000]);
    expect(startOrder).toEqual(ids);
    expect(lagOf('elsewhere')).toBe(0);
    const { lag } = scheduler.stats();
    expect(lag.max).toBeGreaterThanOrEqual(20_000);
    expect(lag.max).toBeLessThanOrEqual(20_000 * 1.01);
    expect(lag.p50).toBeLessThanOrEqual(10_000 * 1.01);
  });
});

describe('Scheduler: timeouts and abandonment', () => {
  it('aborts the signal with a TimeoutError at timeoutMs after the actual start and delivers the timeout result', async () => {
    const { clock, scheduler, results } = harness({ ...pinned, maxPerHost: 1 });
    let reason: unknown;
    let abortedAt = 0;
    const run: RunFn = (signal, scheduledAt) => {
      signal.addEventListener('abort', () => {
        reason = signal.reason;
        abortedAt = clock.now();
      });
      return timedRun(clock, 'slow', 60_000)(signal, scheduledAt);
    };
    scheduler.schedule([
      entry('blocker', timedRun(clock, 'blocker', 3_000)),
      entry('slow', run, { timeoutMs: 5_000, intervalMs: 60_000 }),
    ]);
    scheduler.start();
    await clock.advance(10_000);
    expect(abortedAt).toBe(T0 + 3_000 + 5_000);
    expect((reason as Error).name).toBe('TimeoutError');
    expect(results.find((r) => r.result.check === 'slow')).toMatchObject({
      lagMs: 3_000,
      result: { class: 'timeout', latencyMs: 5_000 },
    });
  });

  it('abandons a run that ignores its aborted signal: frees the host slot, reports it, runs the check again later', async () => {
    const { clock, scheduler, errors, results } = harness({ ...pinned, maxPerHost: 1, abandonAfterMs: 500 });
    const hangs: AbortSignal[] = [];
    scheduler.schedule([
      entry(
        'hang',
        hangingRun((signal) => hangs.push(signal)),
        { timeoutMs: 1_000 },
      ),
      entry('next', timedRun(clock, 'next', 10)),
    ]);
    scheduler.start();
    await clock.advance(1_499);
    expect(scheduler.stats()).toMatchObject({ running: 1, waiting: 1 });
    await clock.advance(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toMatchObject({ name: 'RunAbandonedError', checkId: 'hang' });
    expect(errors[0]?.context).toEqual({ checkId: 'hang', host: 'api.acme.test:443', scheduledAt: T0 });
    await clock.advance(10);
    expect(results).toEqual([expect.objectContaining({ lagMs: 1_500 })]);
    await clock.advance(28_500);
    expect(hangs).toHaveLength(2);
    expect(hangs[0]?.aborted).toBe(true);
    expect(scheduler.stats()).toMatchObject({ abandoned: 1, failed: 1, skippedOverruns: 0 });
  });
});

describe('Scheduler: stop, removal, errors', () => {
  it('stop aborts in-flight runs, drops waiting ones, resolves once they settle and delivers no result', async () => {
    const { clock, scheduler, results } = harness({ ...pinned, maxPerHost: 1 });
    const signals: AbortSignal[] = [];
    const run = (id: string): RunFn => {
      const inner = timedRun(clock, id, 20_000, { cleanupMs: 100 });
      return (signal, scheduledAt) => {
        signals.push(signal);
        return inner(signal, scheduledAt);
      };
    };
    scheduler.schedule([entry('a', run('a')), entry('b', run('b'))]);
    scheduler.start();
    await clock.advance(1_000);
    expect(scheduler.stats()).toMatchObject({ running: 1, waiting: 1 });
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect((signals[0]?.reason as Error).name).toBe('AbortError');
    await clock.advance(99);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(stopped).toBe(true);
    expect(results).toEqual([]);
    expect(scheduler.stats()).toMatchObject({ running: 0, waiting: 0, completed: 0, failed: 0 });
    expect(clock.pendingTimers).toBe(0);
    await clock.advance(3_600_000);
    expect(signals).toHaveLength(1);
  });

  it('stop resolves at once when nothing is in flight, and start resumes on the same phase', async () => {
    const { clock, scheduler } = harness();
    const starts: number[] = [];
    scheduler.schedule([entry('a', instant(clock, 'a', starts))]);
    scheduler.start();
    await clock.advance(30_000);
    await scheduler.stop();
    await clock.advance(100_000);
    expect(starts).toHaveLength(1);
    scheduler.start();
    await clock.advance(30_000);
    expect(starts).toHaveLength(2);
    for (const at of starts) expect(at % 30_000).toBe(stableOffset('a', 30_000));
  });

  it('removing a check aborts its running run, drops its waiting run and stops its slots', async () => {
    const { clock, scheduler, results } = harness({ ...pinned, maxPerHost: 1 });
    const signals: Record<string, AbortSignal[]> = { a: [], b: [], c: [] };
    const run = (id: string): RunFn => {
      const inner = timedRun(clock, id, 5_000);
      return (signal, scheduledAt) => {
        signals[id]!.push(signal);
        return inner(signal, scheduledAt);
      };
    };
    scheduler.schedule(['a', 'b', 'c'].map((id) => entry(id, run(id))));
    scheduler.start();
    await clock.advance(1_000);
    expect(scheduler.stats()).toMatchObject({ running: 1, waiting: 2 });
    scheduler.schedule([entry('c', run('c'))]);
    expect(signals.a?.[0]?.aborted).toBe(true);
    expect(scheduler.stats()).toMatchObject({ scheduled: 1, waiting: 1 });
    await clock.advance(88_999);
    expect(signals.a).toHaveLength(1);
    expect(signals.b).toHaveLength(0);
    expect(signals.c).toHaveLength(3);
    expect(results.map((r) => r.result.check)).toEqual(['c', 'c', 'c']);
    expect(results[0]?.lagMs).toBe(1_000);
  });

  it('reports rejected runs, throwing runs and a throwing onResult with context, and keeps going', async () => {
    const clock = new FakeClock(T0);
    const errors: { error: unknown; context: RunContext }[] = [];
    const delivered: string[] = [];
    const scheduler = new Scheduler({
      clock,
      ...pinned,
      onResult: (result) => {
        delivered.push(result.check);
        if (result.check === 'bad-consumer') throw new Error('consumer broke');
      },
      onError: (error, context) => {
        errors.push({ error, context });
        throw new Error('and the error handler too');
      },
    });
    scheduler.schedule([
      entry('rejects', () => Promise.reject(new Error('boom'))),
      entry('throws', () => {
        throw new TypeError('sync boom');
      }),
      entry('bad-consumer', (_s, at) => Promise.resolve(okResult('bad-consumer', clock.now(), at))),
      entry('good', (_s, at) => Promise.resolve(okResult('good', clock.now(), at))),
    ]);
    scheduler.start();
    await clock.advance(89_999);
    expect(delivered.filter((c) => c === 'good')).toHaveLength(3);
    const byCheck = (id: string): unknown[] =>
      errors.filter((e) => e.context.checkId === id).map((e) => e.error);
    expect(byCheck('rejects')).toHaveLength(3);
    expect(byCheck('throws')).toEqual([expect.any(TypeError), expect.any(TypeError), expect.any(TypeError)]);
    expect(byCheck('bad-consumer')).toHaveLength(3);
    expect(errors[0]?.context.scheduledAt).toBe(T0);
    expect(scheduler.stats()).toMatchObject({ completed: 6, failed: 6, running: 0 });
  });

  it('rejects an invalid schedule as a whole, listing every problem, and keeps the previous one', async () => {
    const { clock, scheduler } = harness();
    const starts: number[] = [];
    scheduler.schedule([entry('a', instant(clock, 'a', starts))]);
    const bad = [
      entry('a', instant(clock, 'a', starts), { intervalMs: 0 }),
      entry('b', instant(clock, 'b', starts), { timeoutMs: -1 }),
      entry('b', instant(clock, 'b', starts), { host: '' }),
    ];
    expect(() => scheduler.schedule(bad)).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        code: 'invalid-schedule',
        message: expect.stringMatching(
          /a: intervalMs.*b: timeoutMs.*b is scheduled twice.*b has an empty host/,
        ),
      }),
    );
    expect(scheduler.stats().scheduled).toBe(1);
    scheduler.start();
    await clock.advance(30_000);
    expect(starts).toHaveLength(1);
  });
});
