/** Check results for the events tests: a passing result with the given overrides (`ok` follows `class`). */
import type { CheckResult } from '../../checks/check-result.js';

export function checkResult(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    integration: 'payments',
    check: 'charges-up',
    kind: 'http',
    ok: (overrides.class ?? 'ok') === 'ok',
    class: 'ok',
    latencyMs: 20,
    signature: 'ok',
    message: 'ok',
    startedAt: 0,
    attempts: 1,
    ...overrides,
  };
}
