// Unit and property tests of the pure due-time arithmetic: stable, spread phases and fixed-rate slots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstDueAt, hashId, missedSlots, nextDueAt, stableOffset } from './due-time.js';

const epochMs = fc.integer({ min: 0, max: 4_000_000_000_000 });
const intervalMs = fc.integer({ min: 1, max: 86_400_000 });

describe('stableOffset', () => {
  it('is the same in every call (a restart keeps the phase) and lies in [0, interval)', () => {
    fc.assert(
      fc.property(fc.string(), intervalMs, (id, interval) => {
        const offset = stableOffset(id, interval);
        expect(offset).toBe(stableOffset(id, interval));
        expect(Number.isInteger(offset)).toBe(true);
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(offset).toBeLessThan(interval);
      }),
    );
  });

  it('pins known values so an accidental change of the hash (which moves every phase) fails loudly', () => {
    expect(hashId('')).toBe(3338908027751811);
    expect(hashId('charges-up')).toBe(hashId('charges-up'));
    expect(stableOffset('charges-up', 30_000)).toBe(hashId('charges-up') % 30_000);
    expect(hashId('check-1')).not.toBe(hashId('check-2'));
  });

  it('spreads 10,000 sequential ids over a 30 s interval: no second holds more than twice its share', () => {
    const perSecond = new Array<number>(30).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const second = Math.floor(stableOffset(`check-${i}`, 30_000) / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    }
    const share = 10_000 / 30;
    expect(Math.max(...perSecond)).toBeLessThan(share * 1.3);
    expect(Math.min(...perSecond)).toBeGreaterThan(share * 0.7);
  });
});

describe('firstDueAt', () => {
  it('is the first slot at or after now: on phase, within one interval', () => {
    fc.assert(
      fc.property(epochMs, intervalMs, fc.nat(), (now, interval, rawOffset) => {
        const offset = rawOffset % interval;
        const due = firstDueAt(now, interval, offset);
        expect(due).toBeGreaterThanOrEqual(now);
        expect(due - now).toBeLessThan(interval);
        expect((((due - offset) % interval) + interval) % interval).toBe(0);
      }),
    );
  });

  it('returns now itself when now is a slot', () => {
    expect(firstDueAt(60_000, 30_000, 0)).toBe(60_000);
    expect(firstDueAt(60_001, 30_000, 0)).toBe(90_000);
    expect(firstDueAt(61_000, 30_000, 1_000)).toBe(61_000);
  });
});

describe('nextDueAt', () => {
  it('is the following slot when on time', () => {
    expect(nextDueAt(30_000, 30_000, 30_000)).toBe(60_000);
    expect(nextDueAt(30_000, 30_000, 59_999)).toBe(60_000);
    expect(missedSlots(30_000, 60_000, 30_000)).toBe(0);
  });

  it('skips the slots a stall passed over instead of firing them in a burst', () => {
    expect(nextDueAt(30_000, 30_000, 60_000)).toBe(90_000);
    expect(nextDueAt(30_000, 30_000, 125_000)).toBe(150_000);
    expect(missedSlots(30_000, 150_000, 30_000)).toBe(3);
  });

  it('is always a later slot on the same phase, strictly after now', () => {
    fc.assert(
      fc.property(epochMs, intervalMs, fc.nat({ max: 10_000_000 }), (due, interval, late) => {
        const now = due + late;
        const next = nextDueAt(due, interval, now);
        expect(next).toBeGreaterThan(now);
        expect(next - now).toBeLessThanOrEqual(interval);
        expect((next - due) % interval).toBe(0);
        expect(missedSlots(due, next, interval)).toBe(Math.max(0, Math.floor(late / interval)));
      }),
    );
  });
});
