/**
 * `lifeline up` in-process with the real daemon and HTTP server on port 0: exit 2 on an invalid workspace or an
 * unsupported store, and a running daemon that answers `/healthz`, reloads on request (keeping the last good
 * workspace when the edit is invalid) and stops cleanly with exit 0.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pc from 'picocolors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  eventually,
  writeDaemonWorkspace,
  type TempWorkspace,
} from '../daemon/test-support/daemon-workspace.js';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { createServer } from '../server/create-server.js';
import type { Output } from './output.js';
import { runUp, type UpControl } from './up-command.js';
import { issueToken } from '../auth/issue-token.js';
import { openSqliteStore } from '../store/index.js';

interface Captured {
  output: Output;
  out: string[];
  err: string[];
}

function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    output: { out: (t) => out.push(t), err: (t) => err.push(t), color: pc.createColors(false) },
  };
}

/** An `UpControl` the test drives: `stop()` ends the run, `reload()` asks for a reload. */
function testControl(): UpControl & { stop(): void; reload(): void } {
  let stop = () => {};
  let reloader: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  return {
    stopped,
    onReload(reload) {
      reloader = reload;
      return () => {
        reloader = undefined;
      };
    },
    stop: () => stop(),
    reload: () => reloader?.(),
  };
}

let sandbox: RunningSandbox;
let workspace: TempWorkspace;

beforeEach(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
  workspace = await writeDaemonWorkspace({ sandboxUrl: sandbox.httpUrl, receiverUrl: 'http://127.0.0.1:9' });
});

afterEach(async () => {
  await sandbox.close();
  await workspace.remove();
});

describe('lifeline up', () => {
  it('exits 2 with the diagnostics when the workspace is invalid at start', async () => {
    await writeFile(join(workspace.dir, 'lifeline.yaml'), 'version: 1\nname: broken\nteams: 3\n');
    const { output, err } = capture();
    const code = await runUp(workspace.dir, { port: 0, host: '127.0.0.1' }, output, testControl(), {
      createServer,
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('lifeline.yaml:3');
    expect(err.join('\n')).toContain('The workspace is invalid');
  });

  it('exits 2 for a PostgreSQL store, which this version cannot use', async () => {
    const { output, err } = capture();
    const options = { port: 0, host: '127.0.0.1', store: 'postgres://localhost/lifeline' };
    expect(await runUp(workspace.dir, options, output, testControl(), { createServer })).toBe(2);
    expect(err.join('\n')).toContain('PostgreSQL');
  });

  it('refuses a non-loopback --host without API tokens (2) unless --insecure, and enforces tokens once made', async () => {
    const store = join(workspace.dir, 'bind.db');
    const refused = capture();
    const code = await runUp(
      workspace.dir,
      { port: 0, host: '0.0.0.0', store },
      refused.output,
      testControl(),
      {
        createServer,
      },
    );
    expect(code).toBe(2);
    expect(refused.err.join('\n')).toContain('refusing to listen on 0.0.0.0 without API tokens');
    expect(refused.err.join('\n')).toContain('--insecure');
    expect(refused.err.join('\n')).not.toContain('daemon stopped');

    for (const insecure of [true, false]) {
      if (!insecure) {
        const tokens = await openSqliteStore({ path: store });
        await issueToken(tokens, { name: 'root', role: 'admin', now: Date.now() });
        await tokens.close();
      }
      const run = capture();
      const control = testControl();
      let apiUrl = '';
      const running = runUp(
        workspace.dir,
        { port: 0, host: '0.0.0.0', store, insecure },
        run.output,
        control,
        {
          createServer,
          onReady: (ready) => {
            apiUrl = ready.apiUrl.replace('0.0.0.0', '127.0.0.1');
          },
        },
      );
      await eventually(() => (apiUrl ? true : undefined), 10_000, 'the API to listen');
      const incidents = await fetch(`${apiUrl}/api/v1/incidents`);
      expect(incidents.status).toBe(insecure ? 200 : 401);
      expect(run.err.join('\n')).toContain(
        insecure ? '--insecure: the API on 0.0.0.0 is open' : 'clear text',
      );
      control.stop();
      expect(await running).toBe(0);
    }
  });

  it('serves the API, reloads on request, keeps the last good workspace on a bad edit and stops with 0', async () => {
    const { output, out, err } = capture();
    const control = testControl();
    let apiUrl = '';
    const store = join(workspace.dir, 'custom.db');
    const running = runUp(workspace.dir, { port: 0, host: '127.0.0.1', store }, output, control, {
      createServer,
      onReady: (ready) => {
        apiUrl = ready.apiUrl;
      },
    });
    await eventually(() => (apiUrl ? true : undefined), 10_000, 'the API to listen');
    expect(out.join('\n')).toContain(`API      ${apiUrl}/api/v1/incidents`);
    expect(out.join('\n')).toContain(`store    ${store}`);

    const health = async () => (await (await fetch(`${apiUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(await health()).toMatchObject({
      ok: true,
      workspace: { name: 'daemon-test' },
      checks: { scheduled: 1 },
    });

    control.reload();
    await eventually(
      () => (err.some((l) => l.includes('workspace reloaded')) ? true : undefined),
      5000,
      'reload',
    );

    await writeFile(join(workspace.dir, 'lifeline.yaml'), 'version: 1\nname: broken\nteams: 3\n');
    control.reload();
    await eventually(
      () => (err.some((l) => l.includes('still running on the last good one')) ? true : undefined),
      5000,
      'refusal',
    );
    const after = await health();
    expect(after).toMatchObject({ ok: true, workspace: { name: 'daemon-test' } });
    expect(JSON.stringify(after)).toContain('lastReloadError');

    control.stop();
    expect(await running).toBe(0);
    expect(err.join('\n')).toContain('daemon stopped');
    await expect(fetch(`${apiUrl}/healthz`)).rejects.toThrow();
  });
});
