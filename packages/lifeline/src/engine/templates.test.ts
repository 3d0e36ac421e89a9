// Template rendering: placeholders only, one pass, no code.
import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVars } from './templates.js';

describe('renderTemplate', () => {
  it('fills placeholders, with or without spaces inside the braces', () => {
    expect(
      renderTemplate('p95 is {{value}} (target {{ threshold }})', { value: '1.2s', threshold: '800ms' }),
    ).toBe('p95 is 1.2s (target 800ms)');
  });

  it('leaves unknown placeholders as written so a typo shows', () => {
    expect(renderTemplate('{{valu}} and {{value}}', { value: '3' })).toBe('{{valu}} and 3');
  });

  it('never expands a value again and runs no expressions', () => {
    expect(renderTemplate('{{value}}', { value: '{{threshold}}', threshold: 'x' })).toBe('{{threshold}}');
    expect(renderTemplate('{{ value.constructor }} {{constructor}} {{a + b}}', { value: 'v' })).toBe(
      '{{ value.constructor }} {{constructor}} {{a + b}}',
    );
  });
});

describe('templateVars', () => {
  it('marks unmeasured standard placeholders and lets engine facts win over measured values', () => {
    const vars = templateVars({
      integrationName: 'Payments (PSP)',
      playbookId: 'p',
      incidentId: 'INC-7',
      severity: 'SEV2',
      values: { value: 1400, integration: 'spoofed' },
    });
    expect(vars).toMatchObject({
      value: '1400',
      threshold: 'unknown',
      signal: 'unknown',
      integration: 'Payments (PSP)',
      incident: 'INC-7',
      severity: 'SEV2',
    });
  });
});
