/**
 * Runs a list of checks once with bounded concurrency, for the one-shot `lifeline check`: every check gets a
 * result (in the order given) even when others fail, and `onResult` reports progress as each one finishes.
 * The checks share one registry, so an OAuth2 token is minted once per batch rather than once per check.
 */
import { availableParallelism } from 'node:os';
import type { DeclaredCheck } from '../workspace/model.js';
import type { CheckResult } from './check-result.js';
import { createCheckRegistry } from './registry.js';
import { runCheck, type RunCheckDeps } from './runner.js';

export interface RunChecksOptions {
  /** Checks in flight at once (default: 4 per core, at least 4). */
  concurrency?: number;
  /** Called as each result arrives (completion order); `index` is its position in the list. */
  onResult?: (result: CheckResult, index: number) => void;
}

/**
 * @example
 *   const results = await runChecks(checksOf(workspace), { workspace, now: Date.now }, { concurrency: 8 });
 *   const ok = results.every((r) => r.ok);
 */
export async function runChecks(
  list: readonly DeclaredCheck[],
  deps: RunCheckDeps,
  options: RunChecksOptions = {},
): Promise<CheckResult[]> {
  const registry = deps.registry ?? createCheckRegistry();
  const shared: RunCheckDeps = { ...deps, registry };
  const results = new Array<CheckResult>(list.length);
  const limit = Math.max(1, Math.floor(options.concurrency ?? Math.max(4, availableParallelism() * 4)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const index = next++;
      const result = await runCheck(list[index]!, shared);
      results[index] = result;
      try {
        options.onResult?.(result, index);
      } catch {
        // A failing progress display must not lose the remaining results.
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, list.length) }, worker));
  } finally {
    if (registry !== deps.registry) await registry.dispose().catch(() => undefined);
  }
  return results;
}
