/**
 * `summaryOf`: the list's view of an incident keeps who, what, when and where it stands, and leaves the
 * timeline, the run's steps and the measured values to the detail.
 */
import { describe, expect, it } from 'vitest';
import { T0, makeIncident } from '../server/test-support/fake-incident-service.js';
import { summaryOf } from './incident-summary.js';

const target = (
  kind: 'acknowledge' | 'firstAction' | 'resolve',
  dueAt: number,
  status = 'pending' as const,
) => ({
  kind,
  durationMs: dueAt - T0,
  startedAt: T0,
  atRiskAt: T0 + (dueAt - T0) * 0.8,
  dueAt,
  status,
});

describe('summaryOf', () => {
  it('keeps the list fields and drops the timeline, the run steps and the values', () => {
    const summary = summaryOf(
      makeIncident('INC-7', {
        status: 'acknowledged',
        assignee: 'bob',
        acknowledgedAt: T0 + 60_000,
        acknowledgedBy: 'alice',
        occurrences: 3,
        lastOccurredAt: T0 + 120_000,
        run: {
          number: 1,
          status: 'running',
          cursor: 1,
          startedAt: T0,
          steps: [
            { stepId: 'check-vendor', status: 'succeeded', attempt: 1 },
            { stepId: 'failover', status: 'waiting', attempt: 1 },
          ],
        },
      }),
    );
    expect(summary).toEqual({
      id: 'INC-7',
      playbookId: 'payments-latency',
      integration: 'payments',
      severity: 'sev2',
      status: 'acknowledged',
      problem: 'Payments API p95 latency is 1.2s (threshold 800ms)',
      ownerTeam: 'payments-team',
      assignee: 'bob',
      openedAt: T0,
      triggeredAt: T0,
      acknowledgedAt: T0 + 60_000,
      acknowledgedBy: 'alice',
      episode: 1,
      occurrences: 3,
      lastOccurredAt: T0 + 120_000,
      run: { status: 'running', stepId: 'failover' },
    });
  });

  it('names the running response target that falls due first, skipping met and breached ones', () => {
    const summary = summaryOf(
      makeIncident('INC-1', {
        targets: [
          { ...target('acknowledge', T0 + 5 * 60_000), status: 'met', metAt: T0 + 60_000 },
          target('resolve', T0 + 60 * 60_000),
          { ...target('firstAction', T0 + 15 * 60_000), status: 'at-risk' },
        ],
      }),
    );
    expect(summary.nextTarget).toEqual({ kind: 'firstAction', dueAt: T0 + 15 * 60_000 });
  });

  it('has no next target when none is running and no step id once the run got to the end', () => {
    const summary = summaryOf(
      makeIncident('INC-2', {
        status: 'resolved',
        resolvedAt: T0 + 600_000,
        targets: [{ ...target('acknowledge', T0 + 300_000), status: 'breached', breachedAt: T0 + 300_000 }],
        run: {
          number: 1,
          status: 'completed',
          cursor: 1,
          startedAt: T0,
          finishedAt: T0 + 500_000,
          steps: [{ stepId: 'check-vendor', status: 'succeeded', attempt: 1 }],
        },
      }),
    );
    expect(summary.nextTarget).toBeUndefined();
    expect(summary.run).toEqual({ status: 'completed' });
    expect(summary.resolvedAt).toBe(T0 + 600_000);
  });
});
