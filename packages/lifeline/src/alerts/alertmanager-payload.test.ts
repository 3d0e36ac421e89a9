/**
 * The Alertmanager webhook payload (version 4) as its documentation describes it: a firing and a resolved alert
 * of one group become inbound alerts; every malformed field is named; another version is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerPayload } from './alertmanager-payload.js';

const fixture = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('./fixtures/alertmanager-firing.json', import.meta.url), 'utf8'));

describe('parseAlertmanagerPayload', () => {
  it('reads the documented example: firing and resolved alerts with their labels, annotations and times', () => {
    const parsed = parseAlertmanagerPayload(fixture());
    expect(parsed).toEqual({
      ok: true,
      alerts: [
        {
          source: 'alertmanager',
          fingerprint: 'c6a0c3f5e1b2d4a7',
          name: 'HighErrorRate',
          labels: {
            alertname: 'HighErrorRate',
            job: 'checkout',
            severity: 'page',
            instance: 'checkout-1:8080',
          },
          annotations: { summary: 'Checkout error rate above 5%', description: '12% of requests fail' },
          status: 'firing',
          startsAt: Date.UTC(2026, 0, 1, 12),
          // The zero time Alertmanager sends for a firing alert is no end at all.
          generatorURL: expect.stringContaining('prometheus.example') as string,
        },
        expect.objectContaining({
          fingerprint: '0b9d2e4f6a8c1e3d',
          status: 'resolved',
          startsAt: Date.UTC(2026, 0, 1, 11, 50),
          endsAt: Date.UTC(2026, 0, 1, 11, 58, 30),
        }),
      ],
    });
  });

  it('accepts fields a later Alertmanager may add, and an empty list of alerts', () => {
    const parsed = parseAlertmanagerPayload({ ...fixture(), somethingNew: { x: 1 }, alerts: [] });
    expect(parsed).toEqual({ ok: true, alerts: [] });
  });

  it('derives a fingerprint from name and labels when the alert has none', () => {
    const payload = fixture();
    const [first] = payload.alerts as Record<string, unknown>[];
    const { fingerprint: _dropped, ...rest } = first!;
    const parsed = parseAlertmanagerPayload({ ...payload, alerts: [rest, { ...rest }] });
    if (!parsed.ok) throw new Error('expected ok');
    expect(parsed.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(parsed.alerts[1]!.fingerprint).toBe(parsed.alerts[0]!.fingerprint);
  });

  it('refuses another payload version, naming the field', () => {
    const parsed = parseAlertmanagerPayload({ ...fixture(), version: '3' });
    expect(parsed).toEqual({
      ok: false,
      issues: [{ field: 'version', message: expect.stringContaining('must be "4"') as string }],
    });
  });

  it('names every malformed field with its path, and returns no alert at all', () => {
    const payload = fixture();
    const alerts = payload.alerts as Record<string, unknown>[];
    const parsed = parseAlertmanagerPayload({
      ...payload,
      status: 'burning',
      receiver: 42,
      alerts: [
        { ...alerts[0], startsAt: 'yesterday', labels: { job: 'checkout', severity: 3 } },
        { ...alerts[1], status: undefined },
        'not an alert',
      ],
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { field: 'status', message: 'must be one of firing, resolved' },
      { field: 'receiver', message: 'must be a string' },
      { field: 'alerts.0.labels.severity', message: 'must be a string' },
      { field: 'alerts.0.startsAt', message: 'must be an RFC 3339 time, e.g. 2026-01-01T12:00:00Z' },
      { field: 'alerts.0.labels.alertname', message: 'is required' },
      { field: 'alerts.1.status', message: 'is required' },
      { field: 'alerts.2', message: 'must be an object' },
    ]);
  });

  it.each([
    [null, '', 'must be an object'],
    [[], '', 'must be an object'],
    [{ version: '4', groupKey: 'g', status: 'firing', receiver: 'r' }, 'alerts', 'is required'],
  ])('refuses %j', (body, field, message) => {
    const parsed = parseAlertmanagerPayload(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues).toContainEqual({ field, message });
  });
});
