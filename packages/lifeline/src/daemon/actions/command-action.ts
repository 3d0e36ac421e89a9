/**
 * The `command` action: runs a program with `execFile` (argv, never a shell), in the workspace (or its `cwd`),
 * with a timeout. Its environment is deliberately small — PATH, HOME, locale, temp dir — plus what the step
 * declares, secrets resolved only now: the daemon's own environment holds credentials a playbook command has no
 * business seeing. Output is scrubbed of those secret values before it reaches the timeline.
 */
import { execFile } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { redactSecrets } from '../../checks/redact.js';
import type { Step } from '../../workspace/model.js';
import { throwIfStopping, timeLeft, type ActionContext, type ActionOutcome } from './action-context.js';

type CommandAction = Pick<Extract<Step, { action: 'command' }>, 'argv' | 'env' | 'cwd'>;

/** A command without a step timeout is given this long. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'] as const;
const TAIL_CHARS = 300;

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > TAIL_CHARS ? `…${trimmed.slice(-TAIL_CHARS)}` : trimmed;
}

interface ExecFailure {
  code?: string | number;
  killed?: boolean;
  signal?: string | null;
  stderr?: string;
}

export async function runCommand(action: CommandAction, context: ActionContext): Promise<ActionOutcome> {
  const [program, ...args] = action.argv;
  if (program === undefined) return { outcome: 'failed', detail: 'the command has an empty argv' };
  const secrets: string[] = [];
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, ref] of Object.entries(action.env ?? {})) {
    try {
      env[name] = await context.resolveSecret(ref);
    } catch (error) {
      return {
        outcome: 'failed',
        detail: `env ${name}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (ref.source !== 'literal') secrets.push(env[name]);
  }
  const cwd =
    action.cwd === undefined
      ? context.workspace.dir
      : isAbsolute(action.cwd)
        ? action.cwd
        : resolve(context.workspace.dir, action.cwd);
  const timeout = Math.max(1, timeLeft(context, DEFAULT_COMMAND_TIMEOUT_MS));
  const ran = await new Promise<{ stdout: string; failure?: ExecFailure }>((done) => {
    execFile(
      program,
      args,
      {
        cwd,
        env,
        timeout,
        signal: context.signal,
        maxBuffer: 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
      },
      (error, stdout, stderr) =>
        done({ stdout, ...(error ? { failure: { ...(error as ExecFailure), stderr } } : {}) }),
    );
  });
  throwIfStopping(context.signal);
  const clean = (text: string) => redactSecrets(tail(text), secrets);
  const failure = ran.failure;
  if (!failure) return { outcome: 'succeeded', detail: clean(ran.stdout) || `${program} exited 0` };
  if (failure.code === 'ENOENT')
    return { outcome: 'failed', detail: `command not found: ${program} (is it installed and on PATH?)` };
  if (failure.code === 'EACCES') return { outcome: 'failed', detail: `command not executable: ${program}` };
  if (failure.killed || failure.signal) {
    return {
      outcome: 'timed-out',
      detail: `${program} did not finish within ${Math.round(timeout / 1000)} s`,
    };
  }
  const stderr = clean(failure.stderr ?? '');
  return {
    outcome: 'failed',
    detail: `${program} exited ${String(failure.code)}${stderr ? `: ${stderr}` : ''}`,
  };
}
