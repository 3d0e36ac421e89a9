// The scheduler at scale, on a fake clock: 10,000 checks spread over their interval, and a one-hour simulation
// of a busy process that must finish in well under a second of real time.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../check-result.js';
import { hashId } from './due-time.js';
import { FakeClock } from './fake-clock.js';
import { Scheduler, type ScheduleEntry } from './scheduler.js';
import { okResult } from './test-fixtures.js';

const T0 = 1_800_000_000_000 + 4_321;

describe('Scheduler at scale', () => {
  it('spreads 10,000 checks at 30 s: every check starts once per interval, no second above twice its share', async () => {
    const clock = new FakeClock(T0);
    const startsPerSecond = new Map<number, number>();
    const startsPerCheck = new Map<string, number>();
    let maxLag = 0;
    const scheduler = new Scheduler({
      clock,
      onResult: (_result, lagMs) => (maxLag = Math.max(maxLag, lagMs)),
    });
    const entries: ScheduleEntry[] = Array.from({ length: 10_000 }, (_, i) => {
      const id = `check-${i}`;
      return {
        id,
        host: `vendor-${i % 50}.test:443`,
        intervalMs: 30_000,
        timeoutMs: 10_000,
        run: (_signal, scheduledAt) => {
          const second = Math.floor(clock.now() / 1000);
          startsPerSecond.set(second, (startsPerSecond.get(second) ?? 0) + 1);
          startsPerCheck.set(id, (startsPerCheck.get(id) ?? 0) + 1);
          return Promise.resolve(okResult(id, clock.now(), scheduledAt));
        },
      };
    });
    scheduler.schedule(entries);
    scheduler.start();
    await clock.advance(29_999);

    expect(startsPerCheck.size).toBe(10_000);
    expect(Math.max(...startsPerCheck.values())).toBe(1);
    const share = 10_000 / 30;
    expect(Math.max(...startsPerSecond.values())).toBeLessThanOrEqual(share * 2);
    expect(maxLag).toBe(0);
    expect(scheduler.stats()).toMatchObject({ scheduled: 10_000, completed: 10_000, skippedOverruns: 0 });
    await scheduler.stop();
  });

  it('simulates an hour of 24 checks on 4 hosts (latencies, overruns, a reschedule) in well under a second', async () => {
    const clock = new FakeClock(T0);
    const intervals = [10_000, 30_000, 60_000, 300_000];
    let results = 0;
    // Runs here ignore their signal and settle on their own, so cancelled ones are waited for, not abandoned.
    const scheduler = new Scheduler({ clock, onResult: () => results++, abandonAfterMs: 600_000 });
    const entries: ScheduleEntry[] = Array.from({ length: 24 }, (_, i) => {
      const id = `check-${i}`;
      const intervalMs = intervals[i % intervals.length]!;
      // Mostly fast, a few slower than their interval (overruns), all deterministic from the id.
      const latencyMs = i % 13 === 0 ? intervalMs + 5_000 : 20 + (hashId(id) % 800);
      return {
        id,
        host: `vendor-${i % 4}.test:443`,
        intervalMs,
        timeoutMs: intervalMs * 2,
        run: (_signal, scheduledAt) =>
          new Promise<CheckResult>((resolve) => {
            const startedAt = clock.now();
            clock.setTimeout(() => resolve(okResult(id, startedAt, scheduledAt, latencyMs)), latencyMs);
          }),
      };
    });
    const began = performance.now();
    scheduler.schedule(entries);
    scheduler.start();
    await clock.advance(1_800_000);
    scheduler.schedule(entries.slice(0, 20));
    await clock.advance(1_800_000);
    const stopping = scheduler.stop();
    await clock.advance(400_000);
    await stopping;
    const elapsedMs = performance.now() - began;

    const stats = scheduler.stats();
    const expectedSlots = entries.reduce(
      (sum, e, i) => sum + (3_600_000 / e.intervalMs) * (i < 20 ? 1 : 0.5),
      0,
    );
    // Every slot either ran or was skipped as an overrun (up to ±1 per check for the phase at the edges).
    const accounted = stats.completed + stats.skippedOverruns + stats.running;
    expect(Math.abs(accounted - expectedSlots)).toBeLessThanOrEqual(entries.length * 2);
    expect(stats.completed).toBe(results);
    expect(stats.completed).toBeGreaterThan(2_500);
    expect(stats.skippedOverruns).toBeGreaterThan(0);
    expect(stats).toMatchObject({ failed: 0, missedSlots: 0, running: 0, waiting: 0, abandoned: 0 });
    expect(clock.pendingTimers).toBe(0);
    expect(elapsedMs).toBeLessThan(1_000);
  });
});
