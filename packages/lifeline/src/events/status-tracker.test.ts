/**
 * Status changes from check results, by the shared health rules (`checks/health-status.ts`): one change per status (or class) change, never per result; the
 * integration takes the worst of its checks; out-of-order results do not flip a status back; forgetting a
 * removed check lets its integration recover.
 */
import { describe, expect, it } from 'vitest';
import { StatusTracker } from './status-tracker.js';
import { checkResult } from './test-support/check-results.js';

describe('StatusTracker', () => {
  it('reports the first result, then only changes', () => {
    const tracker = new StatusTracker();
    expect(tracker.observe(checkResult({ startedAt: 1 }))).toEqual({
      check: {
        integration: 'payments',
        check: 'charges-up',
        status: 'up',
        class: 'ok',
        message: 'ok',
        at: 1,
      },
      integration: { integration: 'payments', status: 'up', at: 1 },
    });
    expect(tracker.observe(checkResult({ startedAt: 2 }))).toEqual({});
    const down = tracker.observe(
      checkResult({ startedAt: 3, ok: false, class: 'server-error', message: 'HTTP 503' }),
    );
    expect(down.check).toMatchObject({
      status: 'down',
      previous: 'up',
      class: 'server-error',
      message: 'HTTP 503',
    });
    expect(down.integration).toEqual({ integration: 'payments', status: 'down', previous: 'up', at: 3 });
    expect(tracker.observe(checkResult({ startedAt: 4, ok: false, class: 'server-error' }))).toEqual({});
    // Same status, another class: the check changes, its integration does not.
    const timeout = tracker.observe(checkResult({ startedAt: 5, ok: false, class: 'timeout' }));
    expect(timeout.check).toMatchObject({ status: 'down', previous: 'down', class: 'timeout' });
    expect(timeout.integration).toBeUndefined();
  });

  it('makes the integration down when all its checks are, degraded when only some are', () => {
    const tracker = new StatusTracker();
    tracker.observe(checkResult({ check: 'a', startedAt: 1 }));
    tracker.observe(checkResult({ check: 'b', startedAt: 1 }));
    expect(
      tracker.observe(checkResult({ check: 'a', class: 'slow', startedAt: 2 })).integration,
    ).toMatchObject({
      status: 'degraded',
      previous: 'up',
    });
    // `b` down, `a` only slow: still degraded, no integration event.
    const bDown = tracker.observe(checkResult({ check: 'b', class: 'unreachable', startedAt: 3 }));
    expect(bDown.check).toMatchObject({ status: 'down' });
    expect(bDown.integration).toBeUndefined();
    expect(
      tracker.observe(checkResult({ check: 'a', class: 'timeout', startedAt: 4 })).integration,
    ).toMatchObject({
      status: 'down',
      previous: 'degraded',
    });
    expect(tracker.observe(checkResult({ check: 'a', startedAt: 5 })).integration).toMatchObject({
      status: 'degraded',
      previous: 'down',
    });
    expect(tracker.observe(checkResult({ check: 'b', startedAt: 6 })).integration).toMatchObject({
      status: 'up',
      previous: 'degraded',
    });
  });

  it('ignores a result older than the newest seen for the check', () => {
    const tracker = new StatusTracker();
    tracker.observe(checkResult({ startedAt: 10, class: 'timeout' }));
    expect(tracker.observe(checkResult({ startedAt: 5 }))).toEqual({});
    expect(tracker.observe(checkResult({ startedAt: 11 })).check).toMatchObject({ status: 'up' });
  });

  it('forgets removed checks, and their integration recovers without them', () => {
    const tracker = new StatusTracker();
    tracker.observe(checkResult({ check: 'a', startedAt: 1 }));
    tracker.observe(checkResult({ check: 'gone', class: 'tls', startedAt: 1 }));
    expect(tracker.retain(new Set(['a']), 9)).toEqual([
      { integration: 'payments', status: 'up', previous: 'degraded', at: 9 },
    ]);
    expect(tracker.retain(new Set(['a']), 10)).toEqual([]);
    tracker.observe(checkResult({ integration: 'shipping', check: 's', class: 'slow', startedAt: 1 }));
    // Forgetting every check: payments was up already (no change), shipping recovers.
    expect(tracker.retain(new Set(), 11)).toEqual([
      { integration: 'shipping', status: 'up', previous: 'degraded', at: 11 },
    ]);
  });
});
