/**
 * The generic JSON alert: defaults (firing, received now, fingerprint from name and labels), resolution by the
 * same name and labels, one alert or an array, and every malformed field named.
 */
import { describe, expect, it } from 'vitest';
import { parseGenericAlerts } from './generic-alert.js';

const NOW = Date.UTC(2026, 0, 1, 12);

describe('parseGenericAlerts', () => {
  it('fills in status, start and fingerprint', () => {
    const parsed = parseGenericAlerts({ name: 'QueueBacklog', labels: { queue: 'charges' } }, NOW);
    expect(parsed).toEqual({
      ok: true,
      alerts: [
        {
          source: 'generic',
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
          name: 'QueueBacklog',
          labels: { queue: 'charges' },
          annotations: {},
          status: 'firing',
          startsAt: NOW,
        },
      ],
    });
  });

  it('gives the resolve of the same name and labels the fingerprint of the firing', () => {
    const firing = parseGenericAlerts(
      { name: 'QueueBacklog', labels: { queue: 'charges', env: 'prod' } },
      NOW,
    );
    const resolved = parseGenericAlerts(
      { name: 'QueueBacklog', status: 'resolved', labels: { env: 'prod', queue: 'charges' } },
      NOW + 1000,
    );
    if (!firing.ok || !resolved.ok) throw new Error('expected ok');
    expect(resolved.alerts[0]!.fingerprint).toBe(firing.alerts[0]!.fingerprint);
    expect(resolved.alerts[0]!.status).toBe('resolved');
  });

  it('reads an endsAt already past as resolved, and one in the future as an expiry', () => {
    const parsed = parseGenericAlerts(
      [
        { name: 'A', endsAt: '2026-01-01T11:00:00Z' },
        { name: 'B', endsAt: '2026-01-01T13:00:00Z', integration: 'payments', fingerprint: 'b-1' },
      ],
      NOW,
    );
    if (!parsed.ok) throw new Error('expected ok');
    expect(parsed.alerts.map((a) => [a.name, a.status, a.endsAt, a.startsAt])).toEqual([
      ['A', 'resolved', Date.UTC(2026, 0, 1, 11), Date.UTC(2026, 0, 1, 11)],
      ['B', 'firing', Date.UTC(2026, 0, 1, 13), NOW],
    ]);
    expect(parsed.alerts[1]).toMatchObject({ integration: 'payments', fingerprint: 'b-1' });
  });

  it('names every malformed field, unknown ones included', () => {
    const parsed = parseGenericAlerts(
      [
        { name: '', status: 'on', labels: { a: 1 }, severity: 'page' },
        {
          name: 'X',
          startsAt: '2026-01-02T00:00:00Z',
          endsAt: '2026-01-01T00:00:00Z',
          integration: 'no spaces',
        },
      ],
      NOW,
    );
    expect(parsed).toEqual({
      ok: false,
      issues: [
        { field: '0.severity', message: 'is not a known field' },
        { field: '0.name', message: 'must not be empty' },
        { field: '0.status', message: 'must be one of firing, resolved' },
        { field: '0.labels.a', message: 'must be a string' },
        {
          field: '1.integration',
          message: expect.stringContaining('must be the id of an integration') as string,
        },
        { field: '1.endsAt', message: 'must not be before startsAt' },
      ],
    });
  });

  it.each([
    ['a string', 'x', '', 'must be an object'],
    ['no name', {}, 'name', 'is required'],
    ['an empty list', [], '', 'must hold at least one alert'],
  ])('refuses %s', (_what, body, field, message) => {
    expect(parseGenericAlerts(body, NOW)).toEqual({ ok: false, issues: [{ field, message }] });
  });
});
