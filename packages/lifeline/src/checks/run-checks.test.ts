// The one-shot batch: bounded concurrency, results in list order, progress per result, one token per batch,
// and a workspace loaded from YAML whose secrets and paths resolve against the declaring file.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { checksOf, type Check, type DeclaredCheck, type Workspace } from '../workspace/model.js';
import type { CheckKindRunner } from './check-kind.js';
import { createCheckRegistry } from './registry.js';
import { runChecks } from './runner.js';
import { exampleWorkspaceOn } from './test-support/example-workspace.js';
import { testIntegration, testWorkspace } from './test-support/workspace.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ httpPort: 0, httpsPort: null });
});
afterAll(async () => {
  await sandbox.close();
});

describe('runChecks', () => {
  it('keeps at most `concurrency` checks in flight and returns results in list order', async () => {
    let inFlight = 0;
    let peak = 0;
    const gated: CheckKindRunner<'http'> = {
      kind: 'http',
      run: async (check) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        // Later checks finish first, so completion order differs from list order.
        await new Promise((resolve) => setTimeout(resolve, 40 - Number(check.id) * 3));
        inFlight -= 1;
        return { class: 'ok', message: `done ${check.id}` };
      },
    };
    const integration = testIntegration({ baseUrl: 'http://unused' });
    const list: DeclaredCheck[] = Array.from({ length: 10 }, (_, i) => ({
      integration,
      check: { kind: 'http', id: String(i), endpoint: 'x' } satisfies Check,
    }));
    const registry = createCheckRegistry([gated]);
    const seen: number[] = [];
    const results = await runChecks(
      list,
      { workspace: testWorkspace([integration]), now: Date.now, registry },
      {
        concurrency: 3,
        onResult: (_result, index) => {
          seen.push(index);
          if (index === 0) throw new Error('a broken progress display');
        },
      },
    );
    await registry.dispose();
    expect(peak).toBe(3);
    expect(results.map((r) => r.check)).toEqual(list.map((d) => d.check.id));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('an empty list gives no results', async () => {
    expect(await runChecks([], { workspace: testWorkspace([]), now: Date.now })).toEqual([]);
  });

  it('runs the example workspace against the sandbox with one token mint for the batch', async () => {
    sandbox.reset();
    const workspace = await exampleWorkspaceOn(sandbox.httpUrl);
    const list = checksOf(workspace).filter((declared) => declared.check.kind !== 'tls');
    // A fixed date keeps the example's key-rotation dates from expiring under the test one day.
    const now = () => Date.parse('2026-11-28T12:00:00.000Z');
    const results = await runChecks(list, { workspace, now }, { concurrency: 4 });
    // `slow` depends on how loaded the machine is (the example declares degradedLatency: 800ms), not on us.
    const failed = results
      .filter((r) => !r.ok && r.class !== 'slow')
      .map((r) => `${r.check}: ${r.class} ${r.message}`);
    expect(failed).toEqual([]);
    // identity-token mints fresh on purpose; the http and schema checks share one cached token.
    expect(sandbox.requests.count('identity', 'POST /identity/oauth/token')).toBeLessThanOrEqual(2);
  });
});

describe('a workspace from YAML', () => {
  let workspace: Workspace;

  beforeAll(async () => {
    const dir = fileURLToPath(new URL('./fixtures/file-secrets', import.meta.url));
    const loaded = await loadWorkspace(dir);
    if (loaded.workspace === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    const base = loaded.workspace;
    workspace = {
      ...base,
      integrations: base.integrations.map((i) => ({
        ...i,
        baseUrl: i.baseUrl.replace('http://127.0.0.1:4480', sandbox.httpUrl),
      })),
    };
  });

  it('resolves file secrets and schema files against the declaring file', async () => {
    sandbox.reset();
    const results = await runChecks(checksOf(workspace), { workspace, now: Date.now });
    expect(results.map((r) => [r.check, r.class])).toEqual([
      ['carriers-up', 'ok'],
      ['carriers-schema', 'ok'],
      ['carriers-credential', 'ok'],
    ]);
    expect(sandbox.requests.count('shipping')).toBe(3);
  });
});
