/**
 * Key rotations recorded as changes reset key age: the latest rotation per integration is tracked, and the
 * credential check, run on the integration `withRecordedRotation` gives it, counts age from the change.
 */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../checks/runner.js';
import type { DeclaredCheck, Integration, Workspace } from '../workspace/model.js';
import type { ChangeRecord } from './change.js';
import { KeyRotations, withRecordedRotation } from './key-rotations.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 11);

function integration(lastRotated: string | undefined): Integration {
  return Object.freeze({
    id: 'stripe',
    owner: 'payments-team',
    baseUrl: 'https://api.stripe.example',
    auth: {
      type: 'bearer',
      token: { source: 'literal', value: 'sk_test_123' },
      rotation: { every: 90 * DAY, ...(lastRotated !== undefined ? { lastRotated } : {}) },
    },
    checks: [{ id: 'stripe-key', kind: 'credential' }],
  }) as unknown as Integration;
}

function rotation(at: number, fields: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: `r-${at}`,
    kind: 'key-rotation',
    ref: 'key-7',
    at,
    source: 'cli',
    integration: 'stripe',
    ...fields,
  };
}

describe('KeyRotations', () => {
  it('keeps the newest key rotation per integration and ignores other changes', () => {
    const rotations = new KeyRotations();
    rotations.note(rotation(NOW - 2 * DAY));
    rotations.note(rotation(NOW - 5 * DAY));
    rotations.note(rotation(NOW, { kind: 'deploy' }));
    rotations.note(rotation(NOW, { integration: undefined }));
    rotations.note(rotation(NOW - DAY, { integration: 'twilio' }));
    expect(rotations.lastRotatedAt('stripe')).toBe(NOW - 2 * DAY);
    expect(rotations.lastRotatedAt('twilio')).toBe(NOW - DAY);
    expect(rotations.lastRotatedAt('github')).toBeUndefined();
  });
});

describe('withRecordedRotation', () => {
  it('moves lastRotated to a newer recorded rotation, reusing one frozen copy per time', () => {
    const declared = integration('2026-01-01');
    const moved = withRecordedRotation(declared, NOW - DAY);
    expect(moved.auth.rotation?.lastRotated).toBe(new Date(NOW - DAY).toISOString());
    expect(Object.isFrozen(moved)).toBe(true);
    expect(withRecordedRotation(declared, NOW - DAY)).toBe(moved);
    expect(declared.auth.rotation?.lastRotated).toBe('2026-01-01');
  });

  it('keeps the integration when the declared date is newer, nothing was recorded, or there is no policy', () => {
    const declared = integration('2026-04-01');
    expect(withRecordedRotation(declared, Date.UTC(2026, 2, 1))).toBe(declared);
    expect(withRecordedRotation(declared, undefined)).toBe(declared);
    const noPolicy = { ...declared, auth: { type: 'none' } } as unknown as Integration;
    expect(withRecordedRotation(noPolicy, NOW)).toBe(noPolicy);
    // An undated policy takes the recorded date.
    expect(withRecordedRotation(integration(undefined), NOW).auth.rotation?.lastRotated).toBe(
      new Date(NOW).toISOString(),
    );
  });

  it('turns an overdue credential check into a passing one', async () => {
    const declared = integration('2026-01-01');
    const workspace = {
      dir: '/tmp',
      name: 't',
      files: [],
      defaults: { checkIntervalMs: 60_000, checkTimeoutMs: 5000, changeLookbackMs: DAY },
      integrations: [declared],
      teams: [],
      channels: [],
      severities: [],
      escalationPolicies: [],
      playbooks: [],
      glossary: [],
      failureModes: [],
      declarations: new Map(),
    } as unknown as Workspace;
    const check = (i: Integration): DeclaredCheck => ({ integration: i, check: i.checks![0]! });
    const before = await runCheck(check(declared), { workspace, now: () => NOW });
    expect(before).toMatchObject({ ok: false, class: 'credential', errorCode: 'rotation-overdue' });
    const after = await runCheck(check(withRecordedRotation(declared, NOW - 3 * DAY)), {
      workspace,
      now: () => NOW,
    });
    expect(after).toMatchObject({ ok: true, class: 'ok' });
    expect(after.message).toMatch(/key rotation due in 87 days/);
  });
});
