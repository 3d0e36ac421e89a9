/**
 * A binary min-heap over an array: the priority queue behind the scheduler's single timer (next due check on
 * top) and the fake clock's timer list. Deterministic and free of time and I/O, so it is tested on its own
 * against a sorted-array model. O(log n) push, pop and replaceTop; O(n) rebuild.
 */

/** Negative when `a` must come out before `b`. Must be a strict total order for deterministic output. */
export type Compare<T> = (a: T, b: T) => number;

export class MinHeap<T> {
  private items: T[] = [];

  constructor(private readonly compare: Compare<T>) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /**
   * Puts `item` where the top was and restores order; cheaper than pop + push. Also the way to re-sort after the
   * top item's key changed in place (pass the top itself).
   */
  replaceTop(item: T): void {
    if (this.items.length === 0) {
      this.items.push(item);
      return;
    }
    this.items[0] = item;
    this.siftDown(0);
  }

  /** Replaces the whole content (Floyd's heapify, O(n)). The array is copied, never kept. */
  rebuild(items: readonly T[]): void {
    this.items = items.slice();
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The items in heap order (not sorted); for inspection and tests. */
  toArray(): T[] {
    return this.items.slice();
  }

  private siftUp(index: number): void {
    const items = this.items;
    const item = items[index] as T;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (this.compare(item, parent) >= 0) break;
      items[i] = parent;
      i = parentIndex;
    }
    items[i] = item;
  }

  private siftDown(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index] as T;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.compare(items[right] as T, items[left] as T) < 0) child = right;
      if (this.compare(items[child] as T, item) >= 0) break;
      items[i] = items[child] as T;
      i = child;
    }
    items[i] = item;
  }
}
