/** The change body: schema checks that name the field, times, and the record made from a valid input. */
import { describe, expect, it } from 'vitest';
import { checkChangeInput, parseChangeInput, toChangeRecord } from './change-input.js';

const NOW = Date.UTC(2026, 0, 1, 12);

describe('checkChangeInput', () => {
  it('accepts a minimal and a full change', () => {
    expect(checkChangeInput({ kind: 'deploy', ref: 'v1' }).ok).toBe(true);
    const full = {
      id: 'ci:run/42',
      integration: 'payments',
      service: 'checkout',
      team: 'payments-team',
      kind: 'feature-flag',
      ref: 'new-checkout',
      by: 'alice',
      at: '2026-01-01T11:55:00Z',
      url: 'https://ci.example/42',
      summary: 'turned on for 10%',
      environment: 'production',
      source: 'cli',
    };
    expect(checkChangeInput(full)).toEqual({ ok: true, value: full });
  });

  it.each([
    [{ ref: 'v1' }, 'kind', 'is required'],
    [
      { kind: 'reboot', ref: 'v1' },
      'kind',
      'must be one of deploy, config, key-rotation, vendor-notice, feature-flag',
    ],
    [{ kind: 'deploy' }, 'ref', 'is required'],
    [{ kind: 'deploy', ref: '' }, 'ref', 'must NOT have fewer than 1 characters'],
    [{ kind: 'deploy', ref: 'v1', at: 'yesterday' }, 'at', 'must be an ISO 8601 time or epoch milliseconds'],
    [{ kind: 'deploy', ref: 'v1', integrations: 'x' }, 'integrations', 'is not a known field'],
    [{ kind: 'deploy', ref: 'v1', source: 'github' }, 'source', 'must be equal to one of the allowed values'],
    [[], '', 'the body must be a JSON object'],
  ])('refuses %j naming %s', (value, field, message) => {
    const checked = checkChangeInput(value);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem.field).toBe(field);
    if (!checked.ok && field !== 'source') expect(checked.problem.message).toBe(message);
  });

  it('says when the body is not JSON', () => {
    expect(parseChangeInput('{"kind":')).toEqual({
      ok: false,
      problem: { field: '', message: 'the body is not valid JSON' },
    });
  });
});

describe('toChangeRecord', () => {
  it('parses the time, stamps the source and makes an id when none was sent', () => {
    const made = toChangeRecord(
      { kind: 'deploy', ref: 'v1', at: '2026-01-01T11:55:00+01:00' },
      'api',
      NOW,
      () => 'chg-1',
    );
    expect(made).toEqual({
      ok: true,
      value: {
        id: 'chg-1',
        kind: 'deploy',
        ref: 'v1',
        at: Date.parse('2026-01-01T10:55:00Z'),
        source: 'api',
      },
    });
    expect(toChangeRecord({ kind: 'config', ref: 'x', at: 1234 }, 'webhook', NOW)).toMatchObject({
      ok: true,
      value: { at: 1234, source: 'webhook', id: expect.stringMatching(/^chg-[0-9a-f-]{36}$/) },
    });
    expect(toChangeRecord({ kind: 'config', ref: 'x' }, 'cli', NOW)).toMatchObject({ value: { at: NOW } });
  });

  it('refuses a time that matches the pattern but is no date', () => {
    expect(toChangeRecord({ kind: 'deploy', ref: 'v1', at: '2026-13-45' }, 'api', NOW)).toEqual({
      ok: false,
      problem: { field: 'at', message: 'is not a valid time' },
    });
  });
});
