/**
 * The event hub on a fake clock: ids unique per run and increasing, resuming replays exactly the missed events,
 * an id overwritten in the ring or from another run gets a reset, incidents are sent only when what a listener
 * sees changed, check results only on status changes, heartbeats every 15 s while someone listens, and close
 * lets every listener go.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../checks/scheduler/index.js';
import { makeIncident } from '../server/test-support/fake-incident-service.js';
import { EventHub, type HubSignal } from './event-hub.js';
import type { LiveEvent } from './live-event.js';
import { checkResult } from './test-support/check-results.js';

const T0 = Date.UTC(2026, 0, 1);

function hub(options: { capacity?: number; runId?: string } = {}): { hub: EventHub; clock: FakeClock } {
  const clock = new FakeClock(T0);
  return { hub: new EventHub({ clock, runId: 'run1', ...options }), clock };
}

function publishN(events: EventHub, n: number): LiveEvent[] {
  return Array.from({ length: n }, (_, i) =>
    events.publish({ type: 'integration-status', data: { integration: `i${i}`, status: 'up', at: i } }),
  );
}

describe('EventHub ids and resuming', () => {
  it('numbers events <run>-<seq> from 1', () => {
    const { hub: events } = hub();
    expect(events.lastEventId).toBe('run1-0');
    expect(publishN(events, 3).map((e) => e.id)).toEqual(['run1-1', 'run1-2', 'run1-3']);
  });

  it('derives the run from the start time and a random part by default, so two runs differ', () => {
    const clock = new FakeClock(T0);
    const a = new EventHub({ clock });
    const b = new EventHub({ clock });
    expect(a.runId.startsWith(T0.toString(36))).toBe(true);
    expect(a.runId).not.toBe(b.runId);
    expect(a.runId).not.toContain('-');
  });

  it('replays exactly the events after the last id', () => {
    const { hub: events } = hub();
    const sent = publishN(events, 5);
    expect(events.resume('run1-2')).toEqual({ kind: 'replay', events: sent.slice(2) });
    expect(events.resume('run1-5')).toEqual({ kind: 'replay', events: [] });
    expect(events.resume('run1-0')).toEqual({ kind: 'replay', events: sent });
    expect(events.resume(undefined)).toEqual({ kind: 'live' });
    expect(events.resume('')).toEqual({ kind: 'live' });
  });

  it('resets a client whose last id was overwritten in the ring', () => {
    const { hub: events } = hub({ capacity: 3 });
    const sent = publishN(events, 5);
    // Ring holds 3..5: resuming after 2 still works (nothing missing), after 1 does not.
    expect(events.resume('run1-2')).toEqual({ kind: 'replay', events: sent.slice(2) });
    expect(events.resume('run1-1')).toEqual({ kind: 'reset', reason: 'too-old', lastEventId: 'run1-5' });
    expect(events.resume('run1-0')).toEqual({ kind: 'reset', reason: 'too-old', lastEventId: 'run1-5' });
  });

  it('resets a client whose last id is from another run, from the future or not an id', () => {
    const { hub: events } = hub();
    publishN(events, 2);
    for (const id of ['run0-1', 'run1-3', 'run1-x', 'run1', '-1', 'run1-1.0', 'run1--1', 'run1-'])
      expect(events.resume(id), id).toEqual({ kind: 'reset', reason: 'unknown-id', lastEventId: 'run1-2' });
  });

  it('gives a listener opened with a last id the missed events, then the live ones, none twice', () => {
    const { hub: events } = hub();
    const sent = publishN(events, 2);
    const heard: HubSignal[] = [];
    const { resume } = events.open('run1-1', (signal) => heard.push(signal));
    const live = publishN(events, 1)[0];
    expect(resume).toEqual({ kind: 'replay', events: [sent[1]] });
    expect(heard).toEqual([{ kind: 'event', event: live }]);
  });
});

describe('EventHub publishing', () => {
  it('sends an incident after a commit only when its status, severity or problem changed', () => {
    const { hub: events, clock } = hub();
    const heard: LiveEvent[] = [];
    events.open(undefined, (s) => s.kind === 'event' && heard.push(s.event));
    const incident = makeIncident('INC-1', { integration: 'payments', severity: 'sev2', problem: 'slow' });
    events.publishIncident(incident);
    clock.jump(1000);
    events.publishIncident(incident);
    events.publishIncident({ ...incident, status: 'acknowledged' });
    expect(heard).toEqual([
      {
        id: 'run1-1',
        type: 'incident',
        data: {
          id: 'INC-1',
          integration: 'payments',
          status: 'triggered',
          severity: 'sev2',
          problem: 'slow',
          updatedAt: T0,
        },
      },
      {
        id: 'run1-2',
        type: 'incident',
        data: {
          id: 'INC-1',
          integration: 'payments',
          status: 'acknowledged',
          severity: 'sev2',
          problem: 'slow',
          updatedAt: T0 + 1000,
        },
      },
    ]);
  });

  it('sends check and integration statuses only when they change', () => {
    const { hub: events } = hub();
    events.publishCheckResult(checkResult({ startedAt: 1 }));
    events.publishCheckResult(checkResult({ startedAt: 2 }));
    events.publishCheckResult(
      checkResult({ startedAt: 3, ok: false, class: 'credential', message: 'HTTP 401' }),
    );
    const all = events.resume('run1-0');
    expect(all.kind === 'replay' && all.events.map((e) => [e.type, e.data.status])).toEqual([
      ['check-status', 'up'],
      ['integration-status', 'up'],
      ['check-status', 'down'],
      ['integration-status', 'down'],
    ]);
  });
});

describe('EventHub heartbeats and closing', () => {
  it('beats every 15 s while a listener is connected, and arms no timer without one', async () => {
    const { hub: events, clock } = hub();
    expect(clock.pendingTimers).toBe(0);
    const heard: HubSignal[] = [];
    const listener = events.open(undefined, (s) => heard.push(s));
    await clock.advance(14_999);
    expect(heard).toEqual([]);
    await clock.advance(1);
    expect(heard).toEqual([{ kind: 'heartbeat' }]);
    await clock.advance(30_000);
    expect(heard).toHaveLength(3);
    listener.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('closes every listener, and a listener opened afterwards at once', async () => {
    const { hub: events, clock } = hub();
    const heard: HubSignal[] = [];
    events.open(undefined, (s) => heard.push(s));
    events.close();
    expect(heard).toEqual([{ kind: 'closed' }]);
    expect(events.listenerCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    const late: HubSignal[] = [];
    events.open(undefined, (s) => late.push(s));
    await clock.flush();
    expect(late).toEqual([{ kind: 'closed' }]);
    expect(events.listenerCount).toBe(0);
  });
});
