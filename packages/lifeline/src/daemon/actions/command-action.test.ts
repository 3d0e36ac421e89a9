/**
 * The `command` action with real processes: argv without a shell, a small environment plus the step's
 * secrets (scrubbed from output), a missing binary and a non-zero exit as failed attempts with the reason, and
 * a timeout at the step's deadline.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../checks/scheduler/index.js';
import type { Playbook, Workspace } from '../../workspace/model.js';
import type { ActionContext } from './action-context.js';
import { runCommand } from './command-action.js';

const NODE = process.execPath;

function context(fields: Partial<ActionContext> = {}): ActionContext {
  return {
    workspace: { dir: process.cwd() } as Workspace,
    playbook: { id: 'p', integration: 'pay' } as Playbook,
    incidentId: 'INC-1',
    stepId: 'run',
    clock: systemClock,
    signal: new AbortController().signal,
    resolveSecret: async (ref) => (ref.source === 'literal' ? ref.value : 's3cr3t-value'),
    runCheck: async () => undefined,
    setClientMode: async () => undefined,
    signalHolds: () => false,
    pollMs: 10,
    ...fields,
  };
}

describe('runCommand', () => {
  it('passes argv as is (no shell), with only a small environment plus the declared variables', async () => {
    process.env.LIFELINE_DAEMON_ONLY = 'should-not-leak';
    const script =
      'process.stdout.write([process.argv[1], process.env.MODE, String(process.env.LIFELINE_DAEMON_ONLY)].join("|"))';
    const outcome = await runCommand(
      { argv: [NODE, '-e', script, 'a; rm -rf / $(x)'], env: { MODE: { source: 'literal', value: 'fast' } } },
      context(),
    );
    delete process.env.LIFELINE_DAEMON_ONLY;
    expect(outcome).toEqual({ outcome: 'succeeded', detail: 'a; rm -rf / $(x)|fast|undefined' });
  });

  it('scrubs resolved secrets from what the command prints', async () => {
    const outcome = await runCommand(
      {
        argv: [NODE, '-e', 'process.stdout.write("key=" + process.env.KEY)'],
        env: { KEY: { source: 'env', name: 'K' } },
      },
      context(),
    );
    expect(outcome).toEqual({ outcome: 'succeeded', detail: 'key=<redacted>' });
  });

  it('fails with the reason when the binary is missing or the command exits non-zero', async () => {
    expect(await runCommand({ argv: ['lifeline-surely-missing-binary'] }, context())).toEqual({
      outcome: 'failed',
      detail: 'command not found: lifeline-surely-missing-binary (is it installed and on PATH?)',
    });
    const exit = await runCommand(
      { argv: [NODE, '-e', 'console.error("boom"); process.exit(3)'] },
      context(),
    );
    expect(exit).toEqual({ outcome: 'failed', detail: `${NODE} exited 3: boom` });
  });

  it('times out at the step deadline', async () => {
    const outcome = await runCommand(
      { argv: [NODE, '-e', 'setTimeout(() => {}, 10000)'] },
      context({ deadline: Date.now() + 300 }),
    );
    expect(outcome.outcome).toBe('timed-out');
  });
});
