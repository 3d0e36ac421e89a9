/** Which changes an incident links and in what order: relevance first, then nearness to the trigger. */
import { describe, expect, it } from 'vitest';
import type { ChangeRecord } from './change.js';
import { rankChanges, relevanceOf, type IncidentScope } from './rank-changes.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TRIGGER = Date.UTC(2026, 0, 1, 12);

const scope: IncidentScope = {
  integration: 'payments',
  components: ['checkout', 'billing'],
  ownerTeam: 'payments-team',
  triggeredAt: TRIGGER,
};
const window = { lookBackMs: 24 * HOUR, until: TRIGGER + HOUR };

function change(id: string, minutesFromTrigger: number, fields: Partial<ChangeRecord> = {}): ChangeRecord {
  return { id, kind: 'deploy', ref: id, at: TRIGGER + minutesFromTrigger * MINUTE, source: 'api', ...fields };
}

describe('relevanceOf', () => {
  it('names why a change is linked, or undefined when it is about something else', () => {
    expect(relevanceOf(scope, change('a', 0, { integration: 'payments', team: 'other' }))).toBe(
      'integration',
    );
    expect(relevanceOf(scope, change('b', 0, { service: 'checkout' }))).toBe('component');
    expect(relevanceOf(scope, change('c', 0, { integration: 'shipping', team: 'payments-team' }))).toBe(
      'team',
    );
    expect(relevanceOf(scope, change('d', 0))).toBe('global');
    expect(
      relevanceOf(scope, change('e', 0, { integration: 'shipping', team: 'logistics' })),
    ).toBeUndefined();
    expect(relevanceOf(scope, change('f', 0, { service: 'search' }))).toBeUndefined();
  });
});

describe('rankChanges', () => {
  it('puts the same integration first, then the team, then global; nearest before the trigger first', () => {
    const ranked = rankChanges(
      scope,
      [
        change('global-near', -1),
        change('team-near', -2, { integration: 'shipping', team: 'payments-team' }),
        change('own-far', -300, { integration: 'payments' }),
        change('own-near', -5, { integration: 'payments' }),
        change('component', -60, { service: 'billing' }),
        change('unrelated', -1, { integration: 'shipping', team: 'logistics' }),
      ],
      window,
    );
    expect(ranked.map((c) => c.id)).toEqual(['own-near', 'component', 'own-far', 'team-near', 'global-near']);
    expect(ranked[0]).toMatchObject({ relevance: 'integration', afterTrigger: false, ref: 'own-near' });
  });

  it('keeps changes after the trigger up to the end of the window, after those before it, marked', () => {
    const ranked = rankChanges(
      scope,
      [
        change('after-late', 50, { integration: 'payments' }),
        change('after-soon', 10, { integration: 'payments' }),
        change('before', -30, { integration: 'payments' }),
        change('past-the-end', 61, { integration: 'payments' }),
      ],
      window,
    );
    expect(ranked.map((c) => [c.id, c.afterTrigger])).toEqual([
      ['before', false],
      ['after-soon', true],
      ['after-late', true],
    ]);
  });

  it('drops changes older than the look-back, keeps one exactly at its start, and breaks ties by id', () => {
    const ranked = rankChanges(
      scope,
      [
        change('too-old', -24 * 60 - 1, { integration: 'payments' }),
        change('edge', -24 * 60, { integration: 'payments' }),
        change('b-tie', -10, { integration: 'payments' }),
        change('a-tie', -10, { integration: 'payments' }),
        change('at-trigger', 0, { integration: 'payments' }),
      ],
      window,
    );
    expect(ranked.map((c) => c.id)).toEqual(['at-trigger', 'a-tie', 'b-tie', 'edge']);
    expect(ranked[0]?.afterTrigger).toBe(false);
  });

  it('links nothing from an empty list or a list of unrelated changes', () => {
    expect(rankChanges(scope, [], window)).toEqual([]);
    expect(rankChanges(scope, [change('x', -1, { integration: 'shipping' })], window)).toEqual([]);
  });
});
