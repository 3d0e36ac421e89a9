/**
 * The shell's queue of pending timers: due order by (dueAt, id) whatever the insertion order, stale entries
 * (no longer pending in the state) dropped as they surface, and each timer taken once per `takeDue`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Timer } from '../engine/index.js';
import { TimerQueue } from './timer-queue.js';

function timer(id: string, dueAt: number, status: Timer['status'] = 'pending'): Timer {
  return { kind: 'guard-window', run: 1, stepId: 's', id, incidentId: 'INC-1', dueAt, status };
}

const always = () => true;

describe('TimerQueue', () => {
  it('takes the timers due by now in (dueAt, id) order, and leaves the later ones', () => {
    const queue = new TimerQueue([timer('c', 20), timer('b', 10), timer('a', 10), timer('d', 30)]);
    expect(queue.takeDue(20, always).map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(queue.peek(always)?.id).toBe('d');
    expect(queue.takeDue(29, always)).toEqual([]);
  });

  it('drops entries the state no longer has pending, and ignores timers that are not pending', () => {
    const pending = new Map([
      ['a', 10],
      ['b', 20],
    ]);
    const live = (t: Timer) => pending.get(t.id) === t.dueAt;
    const queue = new TimerQueue([timer('a', 10), timer('b', 20), timer('x', 5, 'fired')]);
    expect(queue.size).toBe(2);
    pending.delete('a');
    expect(queue.peek(live)?.id).toBe('b');
    expect(queue.size).toBe(1);
  });

  it('takes a timer queued twice once', () => {
    const queue = new TimerQueue([timer('a', 10)]);
    queue.push(timer('a', 10));
    expect(queue.takeDue(10, always).map((t) => t.id)).toEqual(['a']);
    expect(queue.peek(always)).toBeUndefined();
  });

  it('yields every live timer in sorted order for any insertion order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dueAt: fc.integer({ min: 0, max: 50 }), dead: fc.boolean() }), {
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 60 }),
        (entries, now) => {
          const timers = entries.map((e, i) => timer(`t${String(i).padStart(2, '0')}`, e.dueAt));
          const dead = new Set(timers.filter((_, i) => entries[i]!.dead).map((t) => t.id));
          const live = (t: Timer) => !dead.has(t.id);
          const queue = new TimerQueue();
          for (const t of timers) queue.push(t);
          const expected = timers
            .filter((t) => live(t) && t.dueAt <= now)
            .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1))
            .map((t) => t.id);
          expect(queue.takeDue(now, live).map((t) => t.id)).toEqual(expected);
          const next = queue.peek(live);
          if (next) expect(next.dueAt).toBeGreaterThan(now);
        },
      ),
    );
  });
});
