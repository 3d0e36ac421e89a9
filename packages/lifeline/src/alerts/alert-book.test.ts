/**
 * The alert book: firing and resolved pairs, expiry at `endsAt`, late resolves of an earlier episode, restoring
 * from persisted entries, and matching `alert` signals by name, label values and regexes, severity and
 * integration.
 */
import { describe, expect, it } from 'vitest';
import type { AlertSelector } from '../engine/signals/index.js';
import { alertKey, type InboundAlert } from './alert.js';
import { EMPTY_ALERT_BOOK, applyAlerts, matchAlerts, restoreAlertBook } from './alert-book.js';
import { parseLabelMatcher } from './label-matcher.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const MIN = 60_000;

function alert(overrides: Partial<InboundAlert> = {}): InboundAlert {
  return {
    source: 'alertmanager',
    fingerprint: 'fp-1',
    name: 'HighErrorRate',
    labels: { alertname: 'HighErrorRate', env: 'prod', service: 'checkout', severity: 'page' },
    annotations: { summary: 'Checkout fails' },
    status: 'firing',
    startsAt: T0,
    ...overrides,
  };
}

const selector = (overrides: Partial<AlertSelector> = {}): AlertSelector => ({
  name: 'HighErrorRate',
  labels: {},
  integration: 'checkout',
  ...overrides,
});

describe('applyAlerts', () => {
  it('keeps a firing alert until its resolve, and reports each change once', () => {
    const fired = applyAlerts(EMPTY_ALERT_BOOK, [alert()], T0);
    expect(fired.changes).toEqual([{ key: 'alertmanager:fp-1', alert: alert() }]);
    expect(matchAlerts(fired.book, selector(), T0 + MIN)).toEqual([alert()]);

    const again = applyAlerts(fired.book, [alert()], T0 + MIN);
    expect(again.changes).toEqual([]);
    expect(again.book).toBe(fired.book);

    const resolved = applyAlerts(
      fired.book,
      [alert({ status: 'resolved', endsAt: T0 + 2 * MIN })],
      T0 + 2 * MIN,
    );
    expect(resolved.changes).toEqual([{ key: 'alertmanager:fp-1', alert: null }]);
    expect(matchAlerts(resolved.book, selector(), T0 + 2 * MIN)).toEqual([]);
  });

  it('ignores a resolve of an alert it does not hold, and a late resolve of an earlier episode', () => {
    expect(applyAlerts(EMPTY_ALERT_BOOK, [alert({ status: 'resolved' })], T0).changes).toEqual([]);
    const second = applyAlerts(EMPTY_ALERT_BOOK, [alert({ startsAt: T0 + 10 * MIN })], T0 + 10 * MIN).book;
    const late = applyAlerts(
      second,
      [alert({ status: 'resolved', startsAt: T0, endsAt: T0 + 5 * MIN })],
      T0 + 11 * MIN,
    );
    expect(late.changes).toEqual([]);
    expect(matchAlerts(late.book, selector(), T0 + 11 * MIN)).toHaveLength(1);
  });

  it('lets a firing alert with a future endsAt expire then, so a lost resolve does not pin it', () => {
    const { book } = applyAlerts(EMPTY_ALERT_BOOK, [alert({ source: 'generic', endsAt: T0 + 5 * MIN })], T0);
    expect(matchAlerts(book, selector(), T0 + 5 * MIN - 1)).toHaveLength(1);
    expect(matchAlerts(book, selector(), T0 + 5 * MIN)).toEqual([]);
    // Leaves the book (and the store) with the next alerts received.
    const later = applyAlerts(book, [alert({ fingerprint: 'other', name: 'Other' })], T0 + 6 * MIN);
    expect(later.changes.map((c) => [c.key, c.alert === null])).toEqual([
      ['alertmanager:other', false],
      ['generic:fp-1', true],
    ]);
  });

  it('does not record a firing alert whose endsAt is already past', () => {
    expect(applyAlerts(EMPTY_ALERT_BOOK, [alert({ endsAt: T0 - 1 })], T0).changes).toEqual([]);
  });
});

describe('restoreAlertBook', () => {
  it('keeps well-formed firing entries under their own key, and drops the rest', () => {
    const kept = alert();
    const book = restoreAlertBook(
      [
        [alertKey(kept), kept],
        ['alertmanager:x', alert({ fingerprint: 'y' })],
        ['generic:old', alert({ source: 'generic', fingerprint: 'old', endsAt: T0 - 1 })],
        ['alertmanager:bad', { name: 3 }],
        ['alertmanager:gone', null],
      ],
      T0,
    );
    expect([...book.keys()]).toEqual(['alertmanager:fp-1']);
  });
});

describe('matchAlerts', () => {
  const { book } = applyAlerts(
    EMPTY_ALERT_BOOK,
    [
      alert({ fingerprint: 'b', startsAt: T0 + MIN }),
      alert({ fingerprint: 'a', labels: { env: 'staging', service: 'checkout', severity: 'ticket' } }),
      alert({ fingerprint: 'c', name: 'Other' }),
      alert({ source: 'generic', fingerprint: 'd', integration: 'payments', labels: { env: 'prod' } }),
    ],
    T0,
  );
  const fps = (s: AlertSelector) => matchAlerts(book, s, T0 + 2 * MIN).map((a) => a.fingerprint);

  it('matches by name, oldest first', () => {
    expect(fps(selector())).toEqual(['a', 'b']);
  });

  it('matches label values exactly, and regexes against the whole value', () => {
    expect(fps(selector({ labels: { env: 'prod' } }))).toEqual(['b']);
    expect(fps(selector({ labels: { env: '/prod|staging/' } }))).toEqual(['a', 'b']);
    expect(fps(selector({ labels: { env: '/pro/' } }))).toEqual([]);
    expect(fps(selector({ labels: { env: '/PROD/i' } }))).toEqual(['b']);
    expect(fps(selector({ labels: { region: '' } }))).toEqual(['a', 'b']);
  });

  it('matches the severity label against the listed values', () => {
    expect(fps(selector({ severity: ['page'] }))).toEqual(['b']);
    expect(fps(selector({ severity: ['page', 'ticket'] }))).toEqual(['a', 'b']);
  });

  it('matches an alert about an integration only for signals that measure it', () => {
    expect(fps(selector({ integration: 'payments' }))).toEqual(['a', 'd', 'b']);
  });

  it('matches nothing with an invalid regex', () => {
    expect(fps(selector({ labels: { env: '/(/' } }))).toEqual([]);
  });
});

describe('parseLabelMatcher', () => {
  it('tells values, regexes and invalid regexes apart', () => {
    expect(parseLabelMatcher('prod')).toEqual({ kind: 'equals', value: 'prod' });
    expect(parseLabelMatcher('/a|b/')).toEqual({ kind: 'regex', regex: /^(?:a|b)$/ });
    expect(parseLabelMatcher('/')).toEqual({ kind: 'equals', value: '/' });
    expect(parseLabelMatcher('/(/')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('(') as string,
    });
  });
});
