/** The failed-authentication limit on a fake clock: a sliding window per client address. */
import { describe, expect, it } from 'vitest';
import { FailureLimiter } from './failure-limiter.js';

function limiter(maxClients?: number) {
  let now = 1_000_000;
  const l = new FailureLimiter({
    now: () => now,
    maxFailures: 3,
    windowMs: 60_000,
    ...(maxClients !== undefined ? { maxClients } : {}),
  });
  return { l, advance: (ms: number) => (now += ms) };
}

describe('FailureLimiter', () => {
  it('refuses a client after maxFailures in the window, until the oldest failure leaves it', () => {
    const { l, advance } = limiter();
    l.fail('10.0.0.1');
    advance(10_000);
    l.fail('10.0.0.1');
    expect(l.retryAfterMs('10.0.0.1')).toBe(0);
    l.fail('10.0.0.1');
    expect(l.retryAfterMs('10.0.0.1')).toBe(50_000);
    expect(l.retryAfterMs('10.0.0.2')).toBe(0);
    advance(49_999);
    expect(l.retryAfterMs('10.0.0.1')).toBe(1);
    advance(1);
    expect(l.retryAfterMs('10.0.0.1')).toBe(0);
    // Two failures are still in the window: one more refuses again.
    l.fail('10.0.0.1');
    expect(l.retryAfterMs('10.0.0.1')).toBeGreaterThan(0);
    advance(60_000);
    expect(l.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('remembers at most maxClients clients, forgetting the least recently failing', () => {
    const { l } = limiter(2);
    for (const client of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) l.fail(client);
    expect(l.retryAfterMs('a')).toBe(0);
    expect(l.retryAfterMs('b')).toBeGreaterThan(0);
    expect(l.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
