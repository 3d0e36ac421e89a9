/**
 * Diagnostics: every problem the loader finds, collected rather than thrown, each with a stable code, a position
 * a person can jump to, the thing it concerns, and a hint how to fix it.
 */

export type DiagnosticSeverity = 'error' | 'warning';

/** Stable codes; documented in docs/workspace.md. Scripts may rely on them. */
export type DiagnosticCode =
  | 'file-missing'
  | 'file-unreadable'
  | 'file-too-large'
  | 'invalid-utf8'
  | 'yaml-syntax'
  | 'yaml-warning'
  | 'duplicate-key'
  | 'not-a-mapping'
  | 'include-no-match'
  | 'include-cycle'
  | 'root-only-key'
  | 'unknown-key'
  | 'missing-key'
  | 'invalid-type'
  | 'invalid-value'
  | 'invalid-id'
  | 'invalid-duration'
  | 'invalid-percentage'
  | 'invalid-size'
  | 'invalid-url'
  | 'invalid-pointer'
  | 'duplicate-id'
  | 'unknown-reference'
  | 'conflicting-keys'
  | 'secret-inline'
  | 'secret-unresolved'
  | 'schema-file-invalid'
  | 'openapi-invalid'
  | 'openapi-operation-missing'
  | 'no-response-schema'
  | 'unused'
  | 'coverage-gap';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  /** Path relative to the workspace directory (forward slashes). */
  file: string;
  /** 1-based; 0 when the problem concerns a whole file that could not be read. */
  line: number;
  col: number;
  message: string;
  hint?: string;
  /** The thing concerned, e.g. `integration:payments/check:charges-up`. */
  subject?: string;
}

export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** Collects diagnostics in the order found; `sorted()` orders them by file and position for output. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  add(diagnostic: Diagnostic): void {
    this.items.push(diagnostic);
  }

  error(
    code: DiagnosticCode,
    at: SourcePosition,
    message: string,
    extra: { hint?: string; subject?: string } = {},
  ): void {
    this.add({ code, severity: 'error', ...at, message, ...clean(extra) });
  }

  warning(
    code: DiagnosticCode,
    at: SourcePosition,
    message: string,
    extra: { hint?: string; subject?: string } = {},
  ): void {
    this.add({ code, severity: 'warning', ...at, message, ...clean(extra) });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  sorted(): Diagnostic[] {
    return [...this.items].sort(
      (a, b) =>
        a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code),
    );
  }
}

function clean(extra: { hint?: string; subject?: string }): { hint?: string; subject?: string } {
  const out: { hint?: string; subject?: string } = {};
  if (extra.hint) out.hint = extra.hint;
  if (extra.subject) out.subject = extra.subject;
  return out;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a distance that scales with length, or undefined. */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean \`x\`?` or a short list of the allowed values. */
export function suggestion(word: string, candidates: readonly string[], noun = 'value'): string | undefined {
  const match = closestMatch(word, candidates);
  if (match) return `did you mean \`${match}\`?`;
  if (candidates.length === 0) return undefined;
  const shown = candidates
    .slice(0, 12)
    .map((c) => `\`${c}\``)
    .join(', ');
  return `allowed ${noun}s: ${shown}${candidates.length > 12 ? ', …' : ''}`;
}
