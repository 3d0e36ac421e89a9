// What the runner works out once per integration: only for frozen (loaded) declarations, so that a check
// built in memory and changed between runs is seen as changed.
import { describe, expect, it } from 'vitest';
import type { Check, DeclaredCheck, Integration } from '../workspace/model.js';
import { planCheck, signatureTarget } from './check-plan.js';
import { testIntegration, testWorkspace } from './test-support/workspace.js';

function declared(integration: Integration, check: Check): DeclaredCheck {
  return { integration, check };
}

const endpoints: Integration['endpoints'] = [
  { id: 'list', method: 'GET', path: '/v1/charges' },
  { id: 'get', method: 'GET', path: '/v1/charges/{id}' },
];

describe('planCheck', () => {
  it('checks of a frozen integration naming the same target share one signature memo', () => {
    const integration = Object.freeze(testIntegration({ baseUrl: 'http://127.0.0.1:1', endpoints }));
    const workspace = Object.freeze(testWorkspace([integration]));
    const a = planCheck(declared(integration, { kind: 'http', id: 'a', endpoint: 'list' }), workspace);
    const b = planCheck(declared(integration, { kind: 'http', id: 'b', endpoint: 'list' }), workspace);
    const c = planCheck(declared(integration, { kind: 'http', id: 'c', endpoint: 'get' }), workspace);
    expect(a.signatures).toBe(b.signatures);
    expect(c.signatures).not.toBe(a.signatures);
    expect(a.resolvePath).toBe(c.resolvePath);
  });

  it('an unfrozen integration is planned afresh, so changes between runs are seen', () => {
    const integration = testIntegration({ baseUrl: 'http://127.0.0.1:1', endpoints: [...endpoints] });
    const workspace = testWorkspace([integration]);
    const check: Check = { kind: 'http', id: 'a', endpoint: 'list', timeout: 100 };
    const first = planCheck(declared(integration, check), workspace);
    integration.endpoints[0] = { id: 'list', method: 'GET', path: '/v2/charges' };
    const second = planCheck(declared(integration, { ...check, timeout: 200 }), workspace);
    expect(first.signatureTarget).toBe('/v1/charges');
    expect(second.signatureTarget).toBe('/v2/charges');
    expect(second.timeoutMs).toBe(200);
    expect(second.signatures).not.toBe(first.signatures);
  });
});

describe('signatureTarget', () => {
  it('names the path template, or the endpoint id when it is not declared', () => {
    const integration = Object.freeze(testIntegration({ baseUrl: 'http://127.0.0.1:1', endpoints }));
    expect(signatureTarget(declared(integration, { kind: 'http', id: 'x', endpoint: 'get' }))).toBe(
      '/v1/charges/{id}',
    );
    expect(signatureTarget(declared(integration, { kind: 'schema', id: 'x', endpoint: 'nope' }))).toBe(
      'endpoint:nope',
    );
  });
});
