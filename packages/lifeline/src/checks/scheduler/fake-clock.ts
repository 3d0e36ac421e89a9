/**
 * A fake `Clock` for tests: time moves only when the test says so, and `advance` fires every timer due on the
 * way in order, letting promise callbacks settle at each instant before the next one. An hour of scheduling
 * runs in milliseconds, deterministically. Exported (not a test file) so other modules' tests can drive the
 * scheduler too.
 */
import type { Clock, TimerHandle } from './clock.js';
import { MinHeap } from './min-heap.js';

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Resolves after every microtask queued so far (and those they queue) has run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private live = 0;
  private readonly timers = new MinHeap<FakeTimer>((a, b) => a.at - b.at || a.seq - b.seq);

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    this.live++;
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as FakeTimer;
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** Timers armed and neither fired nor cleared. */
  get pendingTimers(): number {
    return this.live;
  }

  /**
   * Moves time forward by `ms`, firing due timers in (time, creation) order; after each instant's timers, waits
   * for promise callbacks to settle, so a run that resolves at t is processed before anything due after t.
   */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(targetMs: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.peekLive();
      if (next === undefined || next.at > targetMs) break;
      this.current = Math.max(this.current, next.at);
      const instant = this.current;
      for (let timer = this.peekLive(); timer !== undefined && timer.at <= instant; timer = this.peekLive()) {
        this.timers.pop();
        timer.cancelled = true;
        this.live--;
        timer.fn();
      }
      await settle();
    }
    this.current = Math.max(this.current, targetMs);
  }

  /**
   * Moves time forward without firing anything, as a blocked event loop or a sleeping machine does; the overdue
   * timers fire at the next `advance`.
   */
  jump(ms: number): void {
    this.current += ms;
  }

  /** Lets pending promise callbacks run without moving time. */
  flush(): Promise<void> {
    return settle();
  }

  private peekLive(): FakeTimer | undefined {
    let top = this.timers.peek();
    while (top !== undefined && top.cancelled) {
      this.timers.pop();
      top = this.timers.peek();
    }
    return top;
  }
}
