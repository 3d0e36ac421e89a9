/** An EngineShell over a SQLite store, assembled as `startDaemon` does, for the engine benchmark. */
import { join } from 'node:path';
import type { Clock } from '../../packages/lifeline/dist/checks/scheduler/index.js';
import { CriteriaWatch } from '../../packages/lifeline/dist/daemon/criteria-watch.js';
import { EngineShell } from '../../packages/lifeline/dist/daemon/engine-shell.js';
import { silentLogger } from '../../packages/lifeline/dist/daemon/logger.js';
import { stateFromSnapshot } from '../../packages/lifeline/dist/daemon/state-records.js';
import type { Decision, EngineConfig, EngineState } from '../../packages/lifeline/dist/engine/index.js';
import { openSqliteStore, type Store } from '../../packages/lifeline/dist/store/index.js';
import type { Workspace } from '../../packages/lifeline/dist/workspace/model.js';

export interface ShellParts {
  store: Store;
  shell: EngineShell;
  lifetime: AbortController;
}

/** An EngineShell as `startDaemon` assembles it, over the store in `storeDir`. */
export async function openShell(
  storeDir: string,
  workspace: Workspace,
  config: EngineConfig,
  clock: Clock,
  onCommitted: (decision: Decision) => void = () => undefined,
  state?: EngineState,
): Promise<ShellParts> {
  const store = await openSqliteStore({ path: join(storeDir, 'lifeline.db') });
  const lifetime = new AbortController();
  const snapshot = await store.loadEngineSnapshot(
    { now: clock.now(), reopenWindowMs: config.reopenWindowMs },
    { signal: lifetime.signal },
  );
  const shell = new EngineShell({
    store,
    clock,
    config,
    state: state ?? stateFromSnapshot(snapshot),
    criteria: new CriteriaWatch(workspace, snapshot.engineState),
    logger: silentLogger,
    signal: lifetime.signal,
    onCommitted,
  });
  return { store, shell, lifetime };
}

export async function closeShell({ store, shell, lifetime }: ShellParts): Promise<void> {
  await shell.stop();
  lifetime.abort();
  await store.close();
}
