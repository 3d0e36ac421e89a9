/**
 * Reloading the workspace while the daemon runs (SIGHUP, or a file changed): load it again and, only if it is
 * valid, swap it in everywhere at once. An invalid workspace changes nothing: the daemon keeps the last good one
 * and records the diagnostics (with the time) for `/healthz`, until a later reload succeeds. Reloads run one at
 * a time; one asked for while another runs is coalesced into a single follow-up.
 */
import type { Clock } from '../checks/scheduler/index.js';
import type { Diagnostic } from '../workspace/diagnostics.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import type { Workspace } from '../workspace/model.js';
import type { ReloadResult } from './daemon-options.js';
import type { WorkspaceStatus } from './incident-service-impl.js';
import { errorText, type DaemonLogger } from './logger.js';

export interface ReloaderDeps {
  target: string;
  env: Readonly<Record<string, string | undefined>> | undefined;
  clock: Clock;
  logger: DaemonLogger;
  /** Updated in place: the workspace in use and the last failed reload. */
  status: WorkspaceStatus;
  /** Swaps a valid workspace in (engine config, criteria, windows, schedule, watched files). */
  apply: (workspace: Workspace) => Promise<void>;
}

export interface Reloader {
  reload(): Promise<ReloadResult>;
  /** Resolves when no reload is running. */
  idle(): Promise<void>;
}

async function load(
  target: string,
  env: ReloaderDeps['env'],
): Promise<{ workspace?: Workspace; diagnostics: Diagnostic[] }> {
  try {
    return await loadWorkspace(target, env ? { env } : {});
  } catch (error) {
    // The root file itself is gone or unreadable: a diagnostic like any other, not a crash.
    const diagnostic: Diagnostic = {
      code: 'file-missing',
      severity: 'error',
      file: 'lifeline.yaml',
      line: 0,
      col: 0,
      message: errorText(error),
    };
    return { diagnostics: [diagnostic] };
  }
}

function applyFailure(error: unknown): Diagnostic {
  return {
    code: 'invalid-value',
    severity: 'error',
    file: 'lifeline.yaml',
    line: 0,
    col: 0,
    message: errorText(error),
  };
}

export function createReloader(deps: ReloaderDeps): Reloader {
  let running: Promise<ReloadResult> | undefined;
  let queued: Promise<ReloadResult> | undefined;

  async function once(): Promise<ReloadResult> {
    const { workspace, diagnostics } = await load(deps.target, deps.env);
    if (!workspace) {
      deps.status.lastReloadError = { at: deps.clock.now(), diagnostics };
      const errors = diagnostics.filter((d) => d.severity === 'error');
      deps.logger.warn('reload refused: the workspace is invalid; keeping the last good one', {
        errors: errors.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`),
      });
      return { ok: false, diagnostics };
    }
    try {
      await deps.apply(workspace);
    } catch (error) {
      // A workspace the loader accepts but the daemon cannot use (e.g. a schedule the scheduler refuses).
      const refused = [{ ...applyFailure(error) }];
      deps.status.lastReloadError = { at: deps.clock.now(), diagnostics: refused };
      deps.logger.error('reload failed; keeping the last good workspace', { error: errorText(error) });
      return { ok: false, diagnostics: refused };
    }
    deps.status.workspace = workspace;
    deps.status.loadedAt = deps.clock.now();
    delete deps.status.lastReloadError;
    deps.logger.info('workspace reloaded', { files: workspace.files.length });
    return { ok: true, workspace, diagnostics };
  }

  function reload(): Promise<ReloadResult> {
    if (!running) {
      running = once().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A change during a reload may not be in what that reload read: one more reload after it covers it.
    queued ??= running.then(
      () => {
        queued = undefined;
        return reload();
      },
      () => {
        queued = undefined;
        return reload();
      },
    );
    return queued;
  }

  return {
    reload,
    async idle() {
      while (running || queued) await (queued ?? running)?.catch(() => undefined);
    },
  };
}
