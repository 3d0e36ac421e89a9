/**
 * Label matchers of `alert` signals: a plain value matches exactly, `/regex/` (or `/regex/i`) matches the whole
 * value, anchored as Prometheus's `=~` is. A label the alert does not have reads as the empty string, also as in
 * Prometheus, so `env: ''` means "has no env label" and `/.*\/` matches any value or none.
 */
export type LabelMatcher = { kind: 'equals'; value: string } | { kind: 'regex'; regex: RegExp };

export type ParsedLabelMatcher = LabelMatcher | { kind: 'invalid'; reason: string };

const REGEX_FORM = /^\/(.*)\/(i?)$/s;

/**
 * @example
 * parseLabelMatcher('checkout')        // { kind: 'equals', value: 'checkout' }
 * parseLabelMatcher('/prod|staging/')  // { kind: 'regex', regex: /^(?:prod|staging)$/ }
 * parseLabelMatcher('/(/')             // { kind: 'invalid', reason: 'Unterminated group' … }
 */
export function parseLabelMatcher(text: string): ParsedLabelMatcher {
  const form = REGEX_FORM.exec(text);
  if (!form) return { kind: 'equals', value: text };
  try {
    return { kind: 'regex', regex: new RegExp(`^(?:${form[1]})$`, form[2]) };
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    return { kind: 'invalid', reason };
  }
}

export function labelMatches(matcher: LabelMatcher, value: string | undefined): boolean {
  const actual = value ?? '';
  return matcher.kind === 'equals' ? actual === matcher.value : matcher.regex.test(actual);
}
