/**
 * Test-only: runs a TypeScript file of this folder as a child process (`node --import tsx`) and reads its
 * stdout line by line, so tests can wait for a line, kill the child at a chosen moment and collect its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root, where `tsx` is installed. */
const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

export interface TsxChild {
  process: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
  /** Resolves once the child printed `line`; rejects if it exits first. */
  waitFor(line: string): Promise<void>;
  /** Resolves with the exit code (`null` when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnTsx(script: string, args: readonly string[]): TsxChild {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (!child.stdout) throw new Error('the child has no stdout pipe');
  const lines: string[] = [];
  const waiters = new Map<string, () => void>();
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    waiters.get(line)?.();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    process: child,
    lines,
    stderr: () => errors,
    exited,
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.set(line, resolve);
            void exited.then(({ code, signal }) =>
              reject(new Error(`child exited (${code ?? signal}) before "${line}": ${errors}`)),
            );
          }),
  };
}
