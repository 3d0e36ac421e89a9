/**
 * The daemon's `IncidentService`: commands go through the same serialized `applyEvent` path as every system
 * event, so a human acknowledging and a timer escalating can never interleave; reads come from the in-memory
 * engine state (one daemon owns it, and memory only changes after a commit, so it is never ahead of the store),
 * falling back to the store for incidents no longer kept in memory and for paging. List items are summaries, so a
 * page never loads an incident's timeline.
 */
import type { IncidentWithChanges, LinkedChange } from '../changes/rank-changes.js';
import type { SchedulerStats } from '../checks/scheduler/index.js';
import type { CommandEvent, Incident } from '../engine/index.js';
import type { IncidentRecord } from '../store/engine-records.js';
import type { Store } from '../store/index.js';
import type { Diagnostic } from '../workspace/diagnostics.js';
import type { Workspace } from '../workspace/model.js';
import type { EngineShell } from './engine-shell.js';
import type {
  CommandResult,
  HealthReport,
  IncidentPage,
  IncidentQuery,
  IncidentService,
} from './incident-service.js';
import { summaryOf, type IncidentSummary } from './incident-summary.js';
import type { SimilarIncident } from './similar-incidents.js';
import { incidentFromRecord } from './state-records.js';
import type { Timer } from '../engine/index.js';

export interface WorkspaceStatus {
  workspace: Workspace;
  loadedAt: number;
  lastReloadError?: { at: number; diagnostics: Diagnostic[] };
}

export interface IncidentServiceDeps {
  shell: EngineShell;
  store: Store;
  storePath: string;
  status: () => WorkspaceStatus;
  schedulerStats: () => SchedulerStats;
  signal: AbortSignal;
  /** The changes an incident shows (`createChangeLinker`); without it incidents come without `changes`. */
  linkChanges?: (incident: Incident) => Promise<LinkedChange[]>;
  /** Similar past incidents (`createSimilarLinker`); without it incidents come without `similar`. */
  linkSimilar?: (incident: Incident) => Promise<SimilarIncident[]>;
}

export function createIncidentService(deps: IncidentServiceDeps): IncidentService {
  const { shell, store, signal } = deps;

  /** The incident from memory, else from the store (with its timeline); undefined if unknown. */
  async function read(id: string): Promise<Incident | undefined> {
    const inMemory = Object.hasOwn(shell.state.incidents, id) ? shell.state.incidents[id] : undefined;
    if (inMemory) return inMemory;
    const detail = await store.getIncident(id, { signal });
    return detail && incidentFromRecord(detail.incident, detail.timeline);
  }

  /** A list item: from memory, else from the record's document alone (a summary needs no timeline). */
  function summaryFromRecord(record: IncidentRecord): IncidentSummary {
    const inMemory = Object.hasOwn(shell.state.incidents, record.id)
      ? shell.state.incidents[record.id]
      : undefined;
    return summaryOf(inMemory ?? incidentFromRecord(record, []));
  }

  return {
    command(event: CommandEvent): Promise<CommandResult> {
      return shell.exclusive(async () => {
        if (!Object.hasOwn(shell.state.incidents, event.incidentId)) {
          const detail = await store.getIncident(event.incidentId, { signal });
          if (detail) {
            const timers = detail.timers.map((row) => row.payload as Timer);
            shell.adopt(incidentFromRecord(detail.incident, detail.timeline), timers);
          }
        }
        const decision = await shell.applyNow(event);
        const incident = shell.state.incidents[event.incidentId];
        return { outcome: decision.outcome, ...(incident ? { incident } : {}) };
      });
    },

    async listIncidents(query: IncidentQuery): Promise<IncidentPage> {
      const page = await store.listIncidents(
        {
          ...(query.status !== undefined ? { status: query.status } : {}),
          ...(query.severity !== undefined ? { severity: query.severity } : {}),
          ...(query.integration !== undefined ? { integration: query.integration } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
      const items = page.items.map(summaryFromRecord);
      return { items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },

    async getIncident(id: string): Promise<IncidentWithChanges | undefined> {
      const incident = await read(id);
      if (!incident) return incident;
      const [changes, similar] = await Promise.all([
        deps.linkChanges?.(incident),
        deps.linkSimilar?.(incident),
      ]);
      return {
        ...incident,
        ...(changes !== undefined ? { changes } : {}),
        ...(similar !== undefined ? { similar } : {}),
      };
    },

    revision: () => String(shell.committed),

    async health(): Promise<HealthReport> {
      const status = deps.status();
      const stats = deps.schedulerStats();
      let storeOk = true;
      let outbox: HealthReport['outbox'] = { pending: 0, dead: 0, oldestPendingAgeMs: null };
      try {
        const counts = await store.outboxStats({ signal });
        outbox = {
          pending: counts.counts.pending + counts.counts.delivering,
          dead: counts.counts.dead,
          oldestPendingAgeMs: counts.oldestPendingAgeMs ?? null,
        };
      } catch {
        storeOk = false;
      }
      const error = status.lastReloadError;
      return {
        ok: storeOk,
        workspace: {
          name: status.workspace.name,
          files: [...status.workspace.files],
          loadedAt: new Date(status.loadedAt).toISOString(),
          ...(error
            ? { lastReloadError: { at: new Date(error.at).toISOString(), diagnostics: error.diagnostics } }
            : {}),
        },
        store: { ok: storeOk, path: deps.storePath },
        checks: {
          scheduled: stats.scheduled,
          running: stats.running,
          completed: stats.completed,
          lagP99Ms: stats.completed + stats.failed > 0 ? stats.lag.p99 : null,
        },
        incidents: { open: shell.openIncidents().count },
        outbox,
      };
    },
  };
}
