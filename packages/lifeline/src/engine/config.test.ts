// The engine's compiled view of the acme workspace.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace/model.js';
import { loadAcme } from './acme-fixture.js';
import { compileEngineConfig, mayAct, membersOf, type EngineConfig } from './config.js';

let workspace: Workspace;
let config: EngineConfig;
beforeAll(async () => {
  workspace = await loadAcme();
  config = compileEngineConfig(workspace);
});

describe('compileEngineConfig', () => {
  it('gives each playbook its owner team and escalation policy', () => {
    expect(config.playbooks.get('payments-latency')).toMatchObject({
      ownerTeam: 'payments-team',
      policyId: 'payments-default',
      integration: { id: 'payments', name: 'Payments (PSP)' },
    });
    expect(config.playbooks.get('shipping-outage')).toMatchObject({
      ownerTeam: 'logistics-team',
      policyId: 'standard',
    });
  });

  it('knows the endpoint each check calls', () => {
    expect(config.checks.get('payments-charges-up')).toEqual({
      id: 'payments-charges-up',
      integration: 'payments',
      endpoint: 'GET /v1/charges',
    });
    expect(config.checks.get('payments-tls')?.endpoint).toBeUndefined();
  });

  it('keeps the workspace severities with escalateTo', () => {
    expect(config.severities.get('SEV2')).toMatchObject({
      escalateTo: 'SEV1',
      respond: { acknowledge: 15 * 60_000 },
    });
  });

  it('knows who may act for a team and role', () => {
    expect(membersOf(config, 'payments-team', 'on-call')).toEqual(['alice', 'bob']);
    expect(mayAct(config, 'alice', { team: 'payments-team', role: 'lead' })).toBe(true);
    expect(mayAct(config, 'bob', { team: 'payments-team', role: 'lead' })).toBe(false);
    expect(mayAct(config, 'bob', { team: 'payments-team' })).toBe(true);
    expect(mayAct(config, 'dana', { team: 'payments-team' })).toBe(false);
    expect(mayAct(config, 'dana', { team: 'nope' })).toBe(false);
    expect(config.people.get('dana')).toEqual(['identity-team']);
  });

  it('takes the reopen window and at-risk fraction from options', () => {
    expect(config.reopenWindowMs).toBe(30 * 60_000);
    expect(compileEngineConfig(workspace, { reopenWindowMs: 1, atRiskFraction: 0.5 })).toMatchObject({
      reopenWindowMs: 1,
      atRiskFraction: 0.5,
    });
  });
});
