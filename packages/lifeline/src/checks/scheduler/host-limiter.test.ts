// Unit tests of the per-host concurrency bookkeeping: slots, FIFO hand-over, removal, drain.
import { describe, expect, it } from 'vitest';
import { HostLimiter } from './host-limiter.js';

describe('HostLimiter', () => {
  it('grants up to max slots per host, then queues in FIFO order and hands the slot over on release', () => {
    const limiter = new HostLimiter<string>(2);
    expect(limiter.acquireOrEnqueue('a:443', 'a1')).toBe(true);
    expect(limiter.acquireOrEnqueue('a:443', 'a2')).toBe(true);
    expect(limiter.acquireOrEnqueue('a:443', 'a3')).toBe(false);
    expect(limiter.acquireOrEnqueue('a:443', 'a4')).toBe(false);
    expect(limiter.acquireOrEnqueue('b:443', 'b1')).toBe(true);
    expect(limiter.waiting).toBe(2);
    expect(limiter.release('a:443')).toBe('a3');
    expect(limiter.inFlightOn('a:443')).toBe(2);
    expect(limiter.release('a:443')).toBe('a4');
    expect(limiter.release('a:443')).toBeUndefined();
    expect(limiter.release('a:443')).toBeUndefined();
    expect(limiter.inFlightOn('a:443')).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('removes a waiting item and drains the rest', () => {
    const limiter = new HostLimiter<string>(1);
    limiter.acquireOrEnqueue('a', 'x');
    for (const item of ['y', 'z', 'w']) limiter.acquireOrEnqueue('a', item);
    expect(limiter.removeWaiting('a', 'z')).toBe(true);
    expect(limiter.removeWaiting('a', 'z')).toBe(false);
    expect(limiter.waiting).toBe(2);
    expect(limiter.drainWaiting()).toEqual(['y', 'w']);
    expect(limiter.waiting).toBe(0);
    expect(limiter.release('a')).toBeUndefined();
  });

  it('keeps FIFO order through many hand-overs (queue compaction)', () => {
    const limiter = new HostLimiter<number>(1);
    limiter.acquireOrEnqueue('h', -1);
    for (let i = 0; i < 200; i++) limiter.acquireOrEnqueue('h', i);
    const order: number[] = [];
    for (let next = limiter.release('h'); next !== undefined; next = limiter.release('h')) {
      order.push(next);
      if (next % 3 === 0) limiter.acquireOrEnqueue('h', 1000 + next);
    }
    expect(order.slice(0, 200)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(order.length).toBe(200 + 67);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new HostLimiter(0)).toThrow(RangeError);
  });
});
