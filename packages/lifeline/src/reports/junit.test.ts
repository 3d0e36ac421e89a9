import { describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import type { CheckResult } from '../checks/check-result.js';
import { escapeXml, renderJunit } from './junit.js';

const result = (overrides: Partial<CheckResult>): CheckResult => ({
  integration: 'payments',
  check: 'payments-charges-up',
  kind: 'http',
  ok: true,
  class: 'ok',
  status: 200,
  latencyMs: 120,
  signature: 'abc123',
  message: 'ok',
  startedAt: 0,
  attempts: 1,
  ...overrides,
});

describe('renderJunit', () => {
  it('groups checks by integration and reports failures with class and drift', () => {
    const xml = renderJunit([
      result({}),
      result({
        check: 'payments-charges-schema',
        kind: 'schema',
        ok: false,
        class: 'schema-drift',
        message: 'response differs from schema at 1 place <&>',
        drift: [{ pointer: '/data/0/amount', kind: 'type-changed', expected: 'integer', actual: 'string' }],
      }),
      result({
        integration: 'shipping',
        check: 'shipping-up',
        ok: false,
        class: 'unreachable',
        status: undefined,
        errorCode: 'ECONNREFUSED',
      }),
    ]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuites name="lifeline check" tests="3" failures="2"');
    expect(xml).toContain('<testsuite name="payments" tests="2" failures="1"');
    expect(xml).toContain('<testsuite name="shipping" tests="1" failures="1"');
    expect(xml).toContain('<testcase classname="payments.http" name="payments-charges-up" time="0.120" />');
    expect(xml).toContain(
      '<failure type="schema-drift" message="response differs from schema at 1 place &lt;&amp;&gt;">',
    );
    expect(xml).toContain('drift type-changed at /data/0/amount: expected integer, got string');
    expect(xml).toContain('error: ECONNREFUSED');
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
