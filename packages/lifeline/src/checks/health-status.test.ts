// The health rules every reader shares: per failure class, and combined over an integration's checks.
import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from './check-result.js';
import { checkStatus, combinedStatus, type CheckHealth } from './health-status.js';

describe('checkStatus', () => {
  it('is up when the result passed, degraded when slow, down for every other failure class', () => {
    for (const failureClass of FAILURE_CLASSES) {
      expect(checkStatus({ ok: true, class: failureClass }), failureClass).toBe('up');
      const failed = failureClass === 'slow' ? 'degraded' : 'down';
      expect(checkStatus({ ok: false, class: failureClass }), failureClass).toBe(failed);
    }
  });
});

describe('combinedStatus', () => {
  it('is down when all checks are, up when all are, degraded in between, undefined with none', () => {
    const table: [CheckHealth[], CheckHealth | undefined][] = [
      [['up'], 'up'],
      [['down'], 'down'],
      [['degraded'], 'degraded'],
      [['up', 'down'], 'degraded'],
      [['down', 'down'], 'down'],
      [['up', 'degraded'], 'degraded'],
      [[], undefined],
    ];
    for (const [statuses, expected] of table)
      expect(combinedStatus(statuses), statuses.join()).toBe(expected);
  });
});
