/**
 * At most N runs in flight per host (`host:port`), the rest waiting in a FIFO per host. It protects vendors (and
 * our own sockets) from a burst when many checks of one integration fall due together, without letting one busy
 * host hold back checks of another: each host has its own slots and its own queue.
 *
 * Plain bookkeeping, no timers and no I/O: the scheduler decides what to start, this only counts.
 */

interface HostState<T> {
  inFlight: number;
  /** Waiting items; `head` is the next to start, so dequeue is O(1) without `Array#shift`. */
  queue: T[];
  head: number;
}

export class HostLimiter<T> {
  private readonly hosts = new Map<string, HostState<T>>();
  private waitingCount = 0;

  constructor(readonly maxPerHost: number) {
    if (!Number.isInteger(maxPerHost) || maxPerHost < 1) {
      throw new RangeError(`maxPerHost must be a positive integer, got ${maxPerHost}`);
    }
  }

  /** Items queued behind a full host, over all hosts. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Takes a slot on `host` if one is free; otherwise queues `item` and returns false. */
  acquireOrEnqueue(host: string, item: T): boolean {
    const state = this.stateOf(host);
    if (state.inFlight < this.maxPerHost) {
      state.inFlight++;
      return true;
    }
    state.queue.push(item);
    this.waitingCount++;
    return false;
  }

  /**
   * Gives back a slot on `host`. If an item was waiting, the slot passes straight to it and it is returned: the
   * caller must start it now.
   */
  release(host: string): T | undefined {
    const state = this.hosts.get(host);
    if (state === undefined || state.inFlight === 0) return undefined;
    if (state.head < state.queue.length) {
      const next = state.queue[state.head] as T;
      state.head++;
      this.waitingCount--;
      this.compact(state);
      return next;
    }
    state.inFlight--;
    if (state.inFlight === 0) this.hosts.delete(host);
    return undefined;
  }

  /** Takes a waiting item out of its queue (its check was removed). Returns whether it was waiting. */
  removeWaiting(host: string, item: T): boolean {
    const state = this.hosts.get(host);
    if (state === undefined) return false;
    const index = state.queue.indexOf(item, state.head);
    if (index < 0) return false;
    state.queue.splice(index, 1);
    this.waitingCount--;
    return true;
  }

  /** Empties every queue and returns what was waiting, in FIFO order per host; in-flight slots stay taken. */
  drainWaiting(): T[] {
    const drained: T[] = [];
    for (const state of this.hosts.values()) {
      drained.push(...state.queue.slice(state.head));
      state.queue = [];
      state.head = 0;
    }
    this.waitingCount = 0;
    return drained;
  }

  inFlightOn(host: string): number {
    return this.hosts.get(host)?.inFlight ?? 0;
  }

  private stateOf(host: string): HostState<T> {
    let state = this.hosts.get(host);
    if (state === undefined) {
      state = { inFlight: 0, queue: [], head: 0 };
      this.hosts.set(host, state);
    }
    return state;
  }

  /** Drops the consumed prefix once it is most of the array, keeping dequeue amortised O(1). */
  private compact(state: HostState<T>): void {
    if (state.head === state.queue.length) {
      state.queue = [];
      state.head = 0;
    } else if (state.head > 32 && state.head * 2 > state.queue.length) {
      state.queue = state.queue.slice(state.head);
      state.head = 0;
    }
  }
}
