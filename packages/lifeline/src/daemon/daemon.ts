/**
 * `startDaemon`: the imperative shell of Lifeline (architecture §3) wired together. It loads the workspace,
 * opens the store, rebuilds the engine state from it and fires the timers that fell due while no daemon ran;
 * then the scheduler runs the checks, each result goes to the store (batched) and the rolling windows, the
 * criteria over those windows become events, and every event — signals, timers, action results, human
 * commands — goes through the one serialized `applyEvent` (see `engine-shell.ts`). Effects leave as outbox rows
 * committed with their decision; the dispatcher delivers messages and the executor carries out actions, whose
 * results come back as events.
 *
 * @example
 *   const daemon = await startDaemon({ workspace: 'examples/acme' });
 *   await daemon.service.command({ kind: 'acknowledge', incidentId: 'INC-1', actor: 'alice' });
 *   await daemon.stop();
 */
import { Agent } from 'undici';
import type { AlertBook } from '../alerts/alert-book.js';
import { KeyRotations } from '../changes/key-rotations.js';
import { systemClock } from '../checks/scheduler/index.js';
import { compileEngineConfig, incidentById } from '../engine/index.js';
import { EventHub } from '../events/event-hub.js';
import { measureStore } from '../metrics/measured-store.js';
import { defaultStorePath, openSqliteStore, type Store } from '../store/index.js';
import { tracedDeliver } from '../telemetry/spans.js';
import { loadWorkspace } from '../workspace/load-workspace.js';
import { checksOf } from '../workspace/model.js';
import { createChangeLinker, createChangeService } from './change-service-impl.js';
import { CheckPipeline } from './check-pipeline.js';
import { DaemonAlerts } from './alert-service-impl.js';
import { ALERT_SCOPE, CriteriaWatch } from './criteria-watch.js';
import { WorkspaceInvalidError, type DaemonOptions, type RunningDaemon } from './daemon-options.js';
import { createEffectExecutor } from './effect-executor.js';
import { EngineShell } from './engine-shell.js';
import { HealthBoard } from './health-board.js';
import { createIncidentService, type WorkspaceStatus } from './incident-service-impl.js';
import { errorText, silentLogger } from './logger.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { createReadService } from './read-service-impl.js';
import { releaseOrphanedClaims } from './orphaned-claims.js';
import { createReloader } from './reload.js';
import { ResultWindows } from './result-windows.js';
import { SignalLoop } from './signal-loop.js';
import { createSimilarLinker } from './similar-incidents.js';
import { CLIENT_MODE_KEY_PREFIX, stateFromSnapshot } from './state-records.js';
import { watchWorkspace, type WorkspaceWatcher } from './workspace-watcher.js';

export {
  WorkspaceInvalidError,
  type DaemonOptions,
  type ReloadResult,
  type RunningDaemon,
} from './daemon-options.js';

const DEFAULT_EVALUATE_EVERY_MS = 5000;
const DEFAULT_CONDITION_POLL_MS = 1000;

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const env = options.env;
  const loaded = await loadWorkspace(options.workspace, env ? { env } : {});
  if (!loaded.workspace) throw new WorkspaceInvalidError(loaded.diagnostics);
  const status: WorkspaceStatus = { workspace: loaded.workspace, loadedAt: clock.now() };
  const storePath = options.store
    ? '(injected)'
    : (options.storePath ?? defaultStorePath(loaded.workspace.dir));
  const opened: Store = options.store ?? (await openSqliteStore({ path: storePath }));
  // With metrics, every store call is timed (`lifeline_store_operation_duration_seconds`).
  const metrics = options.metrics;
  const tracing = options.tracing;
  const store: Store = metrics ? measureStore(opened, metrics.storeOperation) : opened;
  const lifetime = new AbortController();
  const signal = lifetime.signal;
  try {
    return await assemble();
  } catch (error) {
    if (!options.store) await store.close().catch(() => undefined);
    throw error;
  }

  async function assemble(): Promise<RunningDaemon> {
    const config = compileEngineConfig(status.workspace, options.engine);
    const snapshot = await store.loadEngineSnapshot(
      { now: clock.now(), reopenWindowMs: config.reopenWindowMs },
      { signal },
    );
    const criteria = new CriteriaWatch(status.workspace, snapshot.engineState);
    const windows = new ResultWindows(status.workspace, options.windowSliceMs);
    // Key rotations recorded as changes reset key age for the credential check (see `key-rotations.ts`).
    const rotations = new KeyRotations();
    await rotations.load(store, signal);
    await windows.warm(store, status.workspace, clock.now(), signal).catch((error: unknown) => {
      logger.warn('could not warm the windows from the store; starting empty', { error: errorText(error) });
    });

    const events = new EventHub({ clock });
    // Status and 5m/1h windows of the integrations list, kept live from check results (see `health-board.ts`).
    const board = new HealthBoard(clock);
    await board.warm(store, status.workspace, signal).catch((error: unknown) => {
      logger.warn('could not warm the health board from the store; the list warms on first read', {
        error: errorText(error),
      });
    });
    // Outbound HTTP of deliveries and actions: one pool, closed at stop so no idle socket keeps the process up.
    const http = new Agent({ connect: { timeout: 10_000 } });
    // The dispatcher is created below; a decision committed before it exists has nothing to wake.
    const wake: { dispatcher?: OutboxDispatcher } = {};
    const shell = new EngineShell({
      store,
      clock,
      config,
      state: stateFromSnapshot(snapshot),
      criteria,
      logger,
      signal,
      onCommitted: (decision) => {
        wake.dispatcher?.poke();
        // Metrics read only which incident the decision concerned, then that incident as it is now.
        const id = decision.incidentId;
        if (metrics && id !== undefined) metrics.committed(id, incidentById(shell.state, id));
        // Live events read the same: the incident as it is after the commit.
        const incident = id !== undefined ? incidentById(shell.state, id) : undefined;
        if (incident) events.publishIncident(incident);
      },
    });
    // Inbound alerts: the book restored from engine_state; on receipt, the playbooks using alerts at once.
    const alerts = new DaemonAlerts({
      clock,
      logger,
      persisted: snapshot.engineState,
      exclusive: (task) => shell.exclusive(task),
      write: async (engineState, writeSignal) => {
        await store.applyDecision({ engineState }, { signal: writeSignal });
      },
      evaluate: (): Promise<void> => signals.evaluate(ALERT_SCOPE),
      workspace: () => status.workspace,
      signal,
      ...(env ? { env } : {}),
    });
    const signals = new SignalLoop({
      shell,
      criteria,
      windows,
      clock,
      logger,
      sweepEveryMs: options.evaluateEveryMs ?? DEFAULT_EVALUATE_EVERY_MS,
      alerts: (): AlertBook => alerts.current(),
    });
    const checks = new CheckPipeline({
      store,
      clock,
      logger,
      workspace: () => status.workspace,
      windows,
      onResult: (result) => {
        metrics?.checkResult(result);
        events.publishCheckResult(result);
        board.record(result);
        void signals
          .evaluate(result.integration)
          .catch((error: unknown) => logger.error('evaluating signals failed', { error: errorText(error) }));
      },
      ...(env ? { env } : {}),
      ...(options.maxPerHost !== undefined ? { maxPerHost: options.maxPerHost } : {}),
      ...(options.resultFlushMs !== undefined ? { flushMs: options.resultFlushMs } : {}),
      lastRotatedAt: (integrationId) => rotations.lastRotatedAt(integrationId),
      ...(tracing ? { tracing } : {}),
    });
    const dispatcher = new OutboxDispatcher({
      store,
      clock,
      logger,
      workspace: () => status.workspace,
      execute: createEffectExecutor({
        clock,
        workspace: () => status.workspace,
        state: () => shell.state,
        applyEvent: (event) => shell.applyEvent(event),
        runCheck: (checkId, runSignal) => checks.runNow(checkId, AbortSignal.any([runSignal, signal])),
        setClientMode: async (document, modeSignal) => {
          const entry = { key: CLIENT_MODE_KEY_PREFIX + document.integration, document };
          await store.applyDecision(
            { engineState: [entry] },
            { signal: AbortSignal.any([modeSignal, signal]) },
          );
        },
        signalHolds: (incidentId, playbook, stepId, use, watched) =>
          criteria.stepSignalHolds(incidentId, playbook, stepId, use, watched, signals.context()),
        pollMs: options.conditionPollMs ?? DEFAULT_CONDITION_POLL_MS,
        http,
        ...(env ? { env } : {}),
        ...(tracing ? { tracing } : {}),
      }),
      ...options.outbox,
      // A dead letter goes on the incident's timeline.
      applyEvent: (event) => shell.applyEvent(event),
      http,
      ...(env ? { env } : {}),
      ...(metrics ? { onSettled: metrics.settled.bind(metrics) } : {}),
      ...(tracing ? { deliver: tracedDeliver(tracing) } : {}),
    });
    wake.dispatcher = dispatcher;
    // The daemon owns its store: a row still being delivered now was claimed by a daemon that crashed.
    await releaseOrphanedClaims({ store, clock, logger }, signal);

    // Gauges read at scrape time; the incidents in memory now are where breach counting starts.
    const untrack = metrics?.track({
      workspace: () => status.workspace,
      incidents: () => Object.values(shell.state.incidents),
      measurements: () => windows.measurements,
      outboxStats: (scrape) => store.outboxStats({ signal: AbortSignal.any([scrape, signal]) }),
      now: () => clock.now(),
    });
    checks.schedule(status.workspace);
    // Overdue timers first, in due order, before anything new can happen.
    await shell.start();
    dispatcher.start();
    checks.start();
    signals.start();

    let watcher: WorkspaceWatcher | undefined;
    const reloader = createReloader({
      target: options.workspace,
      env,
      clock,
      logger,
      status,
      apply: (workspace) =>
        shell.exclusive(async () => {
          shell.setConfig(compileEngineConfig(workspace, options.engine));
          criteria.configure(workspace);
          windows.configure(workspace);
          checks.schedule(workspace);
          events.retainChecks(new Set(checksOf(workspace).map(({ check }) => check.id)));
          board.retain(workspace);
          watcher?.update(workspace.files);
        }),
    });
    if (options.watch !== false) {
      watcher = watchWorkspace(
        status.workspace.dir,
        status.workspace.files,
        () =>
          void reloader
            .reload()
            .catch((error: unknown) => logger.error('reload failed', { error: errorText(error) })),
        {
          ...(options.reloadDebounceMs !== undefined ? { debounceMs: options.reloadDebounceMs } : {}),
          onError: (error) =>
            logger.warn('watching the workspace failed; reload with SIGHUP', { error: errorText(error) }),
        },
      );
    }

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        untrack?.();
        watcher?.close();
        signals.stop();
        await checks.stopScheduling();
        await reloader.idle();
        await shell.stop();
        await dispatcher.stop();
        await shell.idle();
        await checks.close();
        await shell
          .flushCriteria()
          .catch((error: unknown) => logger.warn('criteria states not saved', { error: errorText(error) }));
        events.close();
        lifetime.abort(new DOMException('the daemon stopped', 'AbortError'));
        await http.close().catch(() => undefined);
        // Spans still buffered are exported (with a timeout) once nothing produces more.
        await tracing?.shutdown().catch(() => undefined);
        if (!options.store) await store.close();
      })();
      return stopping;
    };

    logger.info('daemon started', {
      workspace: status.workspace.dir,
      store: storePath,
      checks: checks.stats().scheduled,
      incidents: Object.keys(shell.state.incidents).length,
    });
    const service = createIncidentService({
      shell,
      store,
      storePath,
      status: () => status,
      schedulerStats: () => checks.stats(),
      signal,
      linkChanges: createChangeLinker({ store, clock, workspace: () => status.workspace, signal }),
      linkSimilar: createSimilarLinker({ store, signal }),
    });
    const changes = createChangeService({
      store,
      clock,
      workspace: () => status.workspace,
      signal,
      onRecorded: (change) => rotations.note(change),
      ...(env ? { env } : {}),
    });
    const read = createReadService({
      store,
      clock,
      workspace: () => status.workspace,
      incidents: service,
      board,
      signal,
      startSloPass: true,
      openByIntegration: () => shell.openIncidents().byIntegration,
    });
    return {
      service,
      changes,
      alerts,
      events,
      read,
      workspace: () => status.workspace,
      storePath,
      reload: () => reloader.reload(),
      stop,
    };
  }
}
