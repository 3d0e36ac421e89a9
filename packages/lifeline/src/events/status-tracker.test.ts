/**
 * Status changes from check results, by the shared health rules (`checks/health-status.ts`): one change per status (or class) change, never per result; the
 * integration takes the worst of its checks; out-of-order results do not flip a status back; forgetting a
 * removed check lets its integration recover.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStatus, combinedStatus } from '../checks/health-status.js';
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
      integrations: [{ integration: 'payments', status: 'up', at: 1 }],
    });
    expect(tracker.observe(checkResult({ startedAt: 2 }))).toEqual({ integrations: [] });
    const down = tracker.observe(
      checkResult({ startedAt: 3, ok: false, class: 'server-error', message: 'HTTP 503' }),
    );
    expect(down.check).toMatchObject({
      status: 'down',
      previous: 'up',
      class: 'server-error',
      message: 'HTTP 503',
    });
    expect(down.integrations).toEqual([{ integration: 'payments', status: 'down', previous: 'up', at: 3 }]);
    expect(tracker.observe(checkResult({ startedAt: 4, ok: false, class: 'server-error' }))).toEqual({
      integrations: [],
    });
    // Same status, another class: the check changes, its integration does not.
    const timeout = tracker.observe(checkResult({ startedAt: 5, ok: false, class: 'timeout' }));
    expect(timeout.check).toMatchObject({ status: 'down', previous: 'down', class: 'timeout' });
    expect(timeout.integrations).toEqual([]);
  });

  it('makes the integration down when all its checks are, degraded when only some are', () => {
    const tracker = new StatusTracker();
    tracker.observe(checkResult({ check: 'a', startedAt: 1 }));
    tracker.observe(checkResult({ check: 'b', startedAt: 1 }));
    expect(
      tracker.observe(checkResult({ check: 'a', class: 'slow', startedAt: 2 })).integrations[0],
    ).toMatchObject({
      status: 'degraded',
      previous: 'up',
    });
    // `b` down, `a` only slow: still degraded, no integration event.
    const bDown = tracker.observe(checkResult({ check: 'b', class: 'unreachable', startedAt: 3 }));
    expect(bDown.check).toMatchObject({ status: 'down' });
    expect(bDown.integrations).toEqual([]);
    expect(
      tracker.observe(checkResult({ check: 'a', class: 'timeout', startedAt: 4 })).integrations[0],
    ).toMatchObject({
      status: 'down',
      previous: 'degraded',
    });
    expect(tracker.observe(checkResult({ check: 'a', startedAt: 5 })).integrations[0]).toMatchObject({
      status: 'degraded',
      previous: 'down',
    });
    expect(tracker.observe(checkResult({ check: 'b', startedAt: 6 })).integrations[0]).toMatchObject({
      status: 'up',
      previous: 'degraded',
    });
  });

  it('ignores a result older than the newest seen for the check', () => {
    const tracker = new StatusTracker();
    tracker.observe(checkResult({ startedAt: 10, class: 'timeout' }));
    expect(tracker.observe(checkResult({ startedAt: 5 }))).toEqual({ integrations: [] });
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

  it('gives every integration the worst of its checks, whatever the order and moves (property)', () => {
    const classes = ['ok', 'slow', 'timeout', 'server-error', 'tls'] as const;
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('result' as const),
        check: fc.constantFrom('a', 'b', 'c', 'd'),
        integration: fc.constantFrom('payments', 'shipping', 'identity'),
        class: fc.constantFrom(...classes),
        startedAt: fc.integer({ min: 0, max: 50 }),
      }),
      fc.record({ kind: fc.constant('retain' as const), keep: fc.subarray(['a', 'b', 'c', 'd']) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const tracker = new StatusTracker();
        // The model: each check's newest result, and each integration's last reported status.
        const latest = new Map<string, { integration: string; class: string; startedAt: number }>();
        const reported = new Map<string, string>();
        const expected = (integration: string) =>
          combinedStatus(
            [...latest.values()]
              .filter((c) => c.integration === integration)
              .map((c) => checkStatus(checkResult({ class: c.class as (typeof classes)[number] }))),
          ) ?? 'up';
        for (const s of steps) {
          const changes =
            s.kind === 'result'
              ? tracker.observe(
                  checkResult({
                    check: s.check,
                    integration: s.integration,
                    class: s.class,
                    startedAt: s.startedAt,
                  }),
                ).integrations
              : tracker.retain(new Set(s.keep), 99);
          if (s.kind === 'result') {
            const before = latest.get(s.check);
            if (!before || before.startedAt <= s.startedAt) latest.set(s.check, s);
          } else {
            for (const id of [...latest.keys()]) if (!s.keep.includes(id)) latest.delete(id);
          }
          for (const change of changes) reported.set(change.integration, change.status);
          for (const [integration, status] of reported) expect(status).toBe(expected(integration));
        }
      }),
      { numRuns: 300 },
    );
  });
});
