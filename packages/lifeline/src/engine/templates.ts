/**
 * Problem statements and step messages from playbook templates. Only `{{name}}` placeholders are replaced, in one
 * pass, by plain strings: no expressions, no code, and a value that itself contains `{{…}}` is never expanded
 * again. A placeholder nobody knows stays as written, so a typo in a playbook shows in the incident.
 */
import type { MeasuredValues, TemplateVars } from './types.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Placeholders every playbook may use; when the signal did not measure one it reads `unknown`. */
export const STANDARD_PLACEHOLDERS = ['value', 'threshold', 'integration', 'signal'] as const;

/**
 * Replaces `{{name}}` (spaces inside the braces allowed) with `vars[name]`.
 * @example renderTemplate('p95 is {{value}} (target {{ threshold }})', { value: '1.2s', threshold: '800ms' })
 *   // 'p95 is 1.2s (target 800ms)'
 */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(vars, name) ? (vars[name] ?? whole) : whole,
  );
}

export interface TemplateContext {
  integrationName: string;
  playbookId: string;
  incidentId: string;
  severity: string;
  values: MeasuredValues;
  /** Description of the signal that fired, for `{{signal}}`. */
  signal?: string;
}

/** The variables of an incident's templates: measured values, then what the engine knows (which wins). */
export function templateVars(context: TemplateContext): TemplateVars {
  const vars: Record<string, string> = {};
  for (const name of STANDARD_PLACEHOLDERS) vars[name] = 'unknown';
  for (const [name, value] of Object.entries(context.values)) vars[name] = String(value);
  if (context.signal !== undefined) vars.signal = context.signal;
  vars.integration = context.integrationName;
  vars.playbook = context.playbookId;
  vars.incident = context.incidentId;
  vars.severity = context.severity;
  return vars;
}
