/**
 * The engine shell's index of pending timers in due order, so finding the next wake-up and the timers due now
 * costs O(log n) per timer instead of a scan of every timer in the state after each commit (with 10,000 open
 * incidents that is ~100,000 timers per decision). A binary min-heap on (dueAt, id) with lazy deletion: timers
 * are added when a commit leaves them pending and are dropped only when they reach the top and the state no
 * longer has them pending (fired, cancelled, pruned) — the state stays the one source of truth.
 */
import type { Timer } from '../engine/index.js';

/** Whether a timer taken from the queue still counts: pending in the current state with the same due time. */
export type TimerLive = (timer: Timer) => boolean;

export class TimerQueue {
  private readonly heap: Timer[] = [];

  constructor(timers: Iterable<Timer> = []) {
    // Bottom-up heap construction: O(n) for a restarted daemon's tens of thousands of timers, not O(n log n).
    for (const timer of timers) if (timer.status === 'pending') this.heap.push(timer);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Entries held, stale ones included (for tests and diagnostics). */
  get size(): number {
    return this.heap.length;
  }

  /** Adds a pending timer; anything else is ignored. A timer added twice comes out once per `takeDue`. */
  push(timer: Timer): void {
    if (timer.status !== 'pending') return;
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** The earliest live timer, dropping stale entries on the way; undefined when none is left. */
  peek(live: TimerLive): Timer | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (live(top)) return top;
      this.pop();
    }
    return undefined;
  }

  /** Removes and returns the live timers due at or before `now`, in (dueAt, id) order, each id once. */
  takeDue(now: number, live: TimerLive): Timer[] {
    const due: Timer[] = [];
    const taken = new Set<string>();
    for (let next = this.peek(live); next && next.dueAt <= now; next = this.peek(live)) {
      this.pop();
      if (taken.has(next.id)) continue;
      taken.add(next.id);
      due.push(next);
    }
    return due;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(from: number): void {
    const heap = this.heap;
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

/** (dueAt, id) order, the order the shell delivers timers in. */
function before(a: Timer, b: Timer): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}
