/**
 * Terminal output shared by commands: colours only on a TTY and never with NO_COLOR, diagnostics in the
 * `file:line:col` form editors and terminals can jump to, and JSON written in one piece for scripts.
 */
import { relative } from 'node:path';
import pc from 'picocolors';
import type { Diagnostic } from '../workspace/diagnostics.js';

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  color: Colors;
}

export type Colors = ReturnType<typeof pc.createColors>;

/** Colours on a terminal only; `NO_COLOR` (any value) always wins, `FORCE_COLOR=1` turns them on elsewhere. */
export function colorsFor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Colors {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return pc.createColors(false);
  if (env.FORCE_COLOR === '1') return pc.createColors(true);
  return pc.createColors(Boolean(stream.isTTY) && env.TERM !== 'dumb');
}

export function processOutput(): Output {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    color: colorsFor(process.stdout),
  };
}

export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

/** `examples/acme/lifeline.yaml:12:5  error  unknown-key  message — hint  (subject)` */
export function formatDiagnostic(d: Diagnostic, workspaceDir: string, c: Colors): string {
  const prefix = relative(process.cwd(), workspaceDir);
  const file = prefix ? `${prefix}/${d.file}` : d.file;
  const where = d.line ? `${file}:${d.line}:${d.col}` : file;
  const level = d.severity === 'error' ? c.red('error') : c.yellow('warning');
  const hint = d.hint ? c.dim(` — ${d.hint}`) : '';
  const subject = d.subject ? c.dim(`  [${d.subject}]`) : '';
  return `${c.bold(where)}  ${level}  ${c.dim(d.code)}  ${d.message}${hint}${subject}`;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
