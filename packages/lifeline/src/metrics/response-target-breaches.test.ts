/**
 * Breach counting from committed timelines: each `target-breached` entry counts exactly once, under the severity
 * before the decision that recorded it; incidents seen for the first time count only their newest entries;
 * resolved incidents are let go.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../engine/index.js';
import type { IncidentView } from './metric-sources.js';
import { ResponseTargetBreaches } from './response-target-breaches.js';

function entry(at: number, kind: TimelineEntry['kind'], target?: TimelineEntry['target']): TimelineEntry {
  return { at, actor: 'engine', kind, text: kind, episode: 1, ...(target ? { target } : {}) };
}

function counter(): { breaches: ResponseTargetBreaches; counted: string[] } {
  const counted: string[] = [];
  return { breaches: new ResponseTargetBreaches((s, t) => counted.push(`${s}/${t}`)), counted };
}

const opened: IncidentView = {
  id: 'INC-1',
  severity: 'SEV2',
  status: 'triggered',
  timeline: [entry(0, 'opened')],
};

describe('ResponseTargetBreaches', () => {
  it('counts each new breach once, under the severity before the decision that raised it', () => {
    const { breaches, counted } = counter();
    breaches.committed('INC-1', opened);
    const breached: IncidentView = {
      ...opened,
      severity: 'SEV1',
      timeline: [
        ...opened.timeline,
        entry(900, 'target-breached', 'acknowledge'),
        entry(900, 'severity-changed', 'acknowledge'),
      ],
    };
    breaches.committed('INC-1', breached);
    // A later decision on the same incident does not count the earlier breach again.
    const acknowledged: IncidentView = {
      ...breached,
      status: 'acknowledged',
      timeline: [...breached.timeline, entry(950, 'acknowledged')],
    };
    breaches.committed('INC-1', acknowledged);
    breaches.committed('INC-1', {
      ...acknowledged,
      timeline: [...acknowledged.timeline, entry(3600, 'target-breached', 'resolve')],
    });
    expect(counted).toEqual(['SEV2/acknowledge', 'SEV1/resolve']);
  });

  it('does not count breaches of incidents already in memory when tracking began', () => {
    const { breaches, counted } = counter();
    const old: IncidentView = {
      ...opened,
      timeline: [...opened.timeline, entry(10, 'target-breached', 'acknowledge')],
    };
    breaches.prime([old]);
    breaches.committed('INC-1', { ...old, timeline: [...old.timeline, entry(20, 'note')] });
    expect(counted).toEqual([]);
  });

  it('counts only the newest entries of an incident it has not seen (read back from the store)', () => {
    const { breaches, counted } = counter();
    breaches.committed('INC-7', {
      ...opened,
      id: 'INC-7',
      timeline: [
        entry(0, 'opened'),
        entry(10, 'target-breached', 'acknowledge'),
        entry(50, 'target-breached', 'firstAction'),
        entry(50, 'escalated'),
      ],
    });
    expect(counted).toEqual(['SEV2/firstAction']);
  });

  it('lets go of resolved incidents and of incidents no longer in memory', () => {
    const { breaches } = counter();
    breaches.committed('INC-1', opened);
    breaches.committed('INC-2', { ...opened, id: 'INC-2' });
    expect(breaches.size).toBe(2);
    breaches.committed('INC-1', {
      ...opened,
      status: 'resolved',
      timeline: [...opened.timeline, entry(5, 'resolved')],
    });
    breaches.committed('INC-2', undefined);
    expect(breaches.size).toBe(0);
  });
});
