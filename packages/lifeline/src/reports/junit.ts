/**
 * JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins): one test suite per integration, one test case per
 * check, a failure element with the class and message when a check failed. The schema is the de-facto one read
 * by Jenkins' JUnit plugin and the `junit` reporters of CI tools.
 */
import type { CheckResult } from '../checks/check-result.js';

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than escaped.
  const printable = [...text].filter((c) => !isForbiddenInXml(c.charCodeAt(0))).join('');
  return printable.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

function isForbiddenInXml(code: number): boolean {
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
}

export function renderJunit(
  results: readonly CheckResult[],
  options: { name?: string; timestamp?: Date } = {},
): string {
  const byIntegration = new Map<string, CheckResult[]>();
  for (const result of results) {
    const list = byIntegration.get(result.integration) ?? [];
    list.push(result);
    byIntegration.set(result.integration, list);
  }
  const failures = results.filter((r) => !r.ok).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = results.reduce((sum, r) => sum + r.latencyMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(options.name ?? 'lifeline check')}" tests="${results.length}" failures="${failures}" errors="0" time="${seconds(total)}"${options.timestamp ? ` timestamp="${options.timestamp.toISOString()}"` : ''}>`,
  ];
  for (const [integration, list] of byIntegration) {
    const suiteFailures = list.filter((r) => !r.ok).length;
    const suiteTime = list.reduce((sum, r) => sum + r.latencyMs, 0);
    lines.push(
      `  <testsuite name="${escapeXml(integration)}" tests="${list.length}" failures="${suiteFailures}" errors="0" skipped="0" time="${seconds(suiteTime)}">`,
    );
    for (const r of list) {
      const open = `    <testcase classname="${escapeXml(`${r.integration}.${r.kind}`)}" name="${escapeXml(r.check)}" time="${seconds(r.latencyMs)}"`;
      if (r.ok) {
        lines.push(`${open} />`);
        continue;
      }
      const details = [
        `class: ${r.class}`,
        r.status !== undefined ? `status: ${r.status}` : undefined,
        r.errorCode ? `error: ${r.errorCode}` : undefined,
        `signature: ${r.signature}`,
        ...(r.drift ?? []).map(
          (d) => `drift ${d.kind} at ${d.pointer}: expected ${d.expected}, got ${d.actual}`,
        ),
      ].filter((line): line is string => line !== undefined);
      lines.push(`${open}>`);
      lines.push(
        `      <failure type="${escapeXml(r.class)}" message="${escapeXml(r.message)}">${escapeXml(details.join('\n'))}</failure>`,
      );
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
