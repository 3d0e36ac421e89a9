// Property tests of the binary min-heap against a sorted-array model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';

const numeric = (a: number, b: number): number => a - b;

type Op = { kind: 'push'; value: number } | { kind: 'pop' } | { kind: 'replaceTop'; value: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), value: fc.integer({ min: -1000, max: 1000 }) }),
  fc.record({ kind: fc.constant('pop' as const) }),
  fc.record({ kind: fc.constant('replaceTop' as const), value: fc.integer({ min: -1000, max: 1000 }) }),
);

describe('MinHeap', () => {
  it('behaves like a sorted array under any sequence of push, pop and replaceTop', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const heap = new MinHeap<number>(numeric);
        let model: number[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            heap.push(o.value);
            model.push(o.value);
          } else if (o.kind === 'pop') {
            expect(heap.pop()).toBe(model[0]);
            model = model.slice(1);
          } else {
            heap.replaceTop(o.value);
            model = [...model.slice(1), o.value];
          }
          model.sort(numeric);
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe(model[0]);
        }
      }),
    );
  });

  it('rebuild heapifies any array and drains it in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap<number>(numeric);
        heap.rebuild(values);
        const out: number[] = [];
        for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
        expect(out).toEqual([...values].sort(numeric));
      }),
    );
  });

  it('re-sorts after the top key changed in place (replaceTop with the top itself)', () => {
    const items = [{ at: 1 }, { at: 5 }, { at: 3 }];
    const heap = new MinHeap<{ at: number }>((a, b) => a.at - b.at);
    heap.rebuild(items);
    const top = heap.peek()!;
    top.at = 10;
    heap.replaceTop(top);
    expect(heap.peek()?.at).toBe(3);
    expect(
      heap
        .toArray()
        .map((i) => i.at)
        .sort(numeric),
    ).toEqual([3, 5, 10]);
  });

  it('pop on an empty heap is undefined', () => {
    expect(new MinHeap<number>(numeric).pop()).toBeUndefined();
  });
});
