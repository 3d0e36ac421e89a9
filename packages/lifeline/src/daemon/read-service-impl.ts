/**
 * The `ReadService` over the store and the workspace in use. The integrations list is served from the
 * `HealthBoard` the daemon keeps up to date (status, 5m and 1h windows), so a list request never reads rollups;
 * its SLO attainment is a cached value per integration, refreshed in the background one integration per tick and
 * at most `SLO_MAX_AGE_MS` old (each carries its `computedAt`). The detail of one integration still reads its
 * stored rollups (5m, 1h, 24h) and computes its SLO fresh. Incidents are read through the `IncidentService`,
 * which owns them; this module only adds the response-target countdowns at `now`.
 *
 * @example
 * const read = createReadService({ store, clock, workspace: () => status.workspace, incidents: service, board });
 * const answer = await read.integrations({ limit: 100 }, signal);
 */
import type { CheckResult } from '../checks/check-result.js';
import { checkStatus, combinedStatus } from '../checks/health-status.js';
import type { Incident, ResponseTarget } from '../engine/index.js';
import { planPlaybook, stepLocator } from '../engine/plan/index.js';
import type { OutboxStatus, OutboxSummary } from '../store/engine-records.js';
import { minuteStart } from '../store/rollups.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../store/index.js';
import type { Store, StoredCheckResult } from '../store/store.js';
import { checksOf, type Integration, type Workspace } from '../workspace/model.js';
import { HealthBoard } from './health-board.js';
import { aggregate, quantileOf, seriesOf, windowStats } from './rollup-stats.js';
import type { IncidentService } from './incident-service.js';
import {
  DEFAULT_INTEGRATION_PAGE,
  HEALTH_WINDOWS,
  LIST_WINDOWS,
  MAX_INTEGRATION_PAGE,
  type CheckHealth,
  type DeliveryQuery,
  type DeliveryStatus,
  type HealthStatus,
  type HealthWindowName,
  type IntegrationDetail,
  type IntegrationHealth,
  type IntegrationQuery,
  type IntegrationsAnswer,
  type Page,
  type Percentile,
  type ReadService,
  type SloAttainment,
  type TargetCountdown,
  type WindowStats,
} from './read-service.js';

export interface ReadServiceDeps {
  store: Store;
  clock: { now(): number };
  workspace: () => Workspace;
  incidents: IncidentService;
  /** The daemon's live board; without one the service keeps its own, warmed from the store on first use. */
  board?: HealthBoard;
  /** Ends background SLO refreshes (the daemon's lifetime). */
  signal?: AbortSignal;
  /**
   * Open incidents per integration as the engine keeps them (the daemon: `EngineShell.openIncidents`); without
   * it they are counted by paging through the incident service, again whenever an incident changed.
   */
  openByIntegration?: () => ReadonlyMap<string, number>;
  /** Start the first SLO pass at once (the daemon) instead of on the first list request. */
  startSloPass?: boolean;
}

/** Oldest an SLO attainment on the integrations list may be before a background refresh recomputes it. */
export const SLO_MAX_AGE_MS = 5 * MINUTE_MS;

export const DEFAULT_SLO_WINDOW_MS = 30 * DAY_MS;
const OPEN_STATUSES = ['triggered', 'acknowledged', 'mitigated'] as const;
const PERCENTILE_QUANTILE: Readonly<Record<Percentile, number>> = {
  p50: 0.5,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  'p99.9': 0.999,
};
const DELIVERY_ROWS: Readonly<Record<DeliveryStatus, readonly OutboxStatus[]>> = {
  delivered: ['delivered'],
  pending: ['pending', 'delivering'],
  dead: ['dead'],
};

/** The board's part of a list item, with what it was computed from. */
interface BoardPart {
  integration: Integration;
  version: number;
  minute: number;
  status: HealthStatus;
  lastResultAt: number | null;
  windows: IntegrationHealth['windows'];
}

export function createReadService(deps: ReadServiceDeps): ReadService {
  const { store, clock } = deps;
  const board = deps.board ?? new HealthBoard(clock);
  const lifetime = deps.signal ?? new AbortController().signal;
  let boardWorkspace: Workspace | undefined;
  /**
   * The cached SLO per integration, with the integration it was computed for (a reload makes it stale) and how
   * many times it was (for `integrationsRevision`).
   */
  const slos = new Map<string, { integration: Integration; attainment: SloAttainment; generation: number }>();
  /** When the oldest cached SLO gets stale, and the workspace the last pass went through. */
  let sloDueAt = 0;
  let sloWorkspace: Workspace | undefined;
  let revisionWorkspace: Workspace | undefined;
  let workspaceGeneration = 0;
  let openCounts: { revision: string; counts: Map<string, number> } | undefined;
  let refreshing: Promise<void> | undefined;
  let firstPass: Promise<void> | undefined;
  const boardParts = new Map<string, BoardPart>();

  /** Recomputes stale SLOs one integration per tick, so a refresh never holds the event loop for long. */
  function refreshSlos(): Promise<void> {
    refreshing ??= (async () => {
      try {
        const workspace = deps.workspace();
        const integrations = workspace.integrations;
        const ids = new Set(integrations.map((integration) => integration.id));
        for (const id of slos.keys()) if (!ids.has(id)) slos.delete(id);
        let dueAt = Infinity;
        for (const integration of integrations) {
          if (!integration.slo) {
            slos.delete(integration.id);
            continue;
          }
          const cached = slos.get(integration.id);
          const now = clock.now();
          if (cached?.integration === integration && now - cached.attainment.computedAt < SLO_MAX_AGE_MS) {
            dueAt = Math.min(dueAt, cached.attainment.computedAt + SLO_MAX_AGE_MS);
            continue;
          }
          await new Promise<void>((resolve) => setImmediate(resolve));
          slos.set(integration.id, {
            integration,
            attainment: await sloAttainment(integration, now, lifetime),
            generation: (cached?.generation ?? 0) + 1,
          });
          dueAt = Math.min(dueAt, now + SLO_MAX_AGE_MS);
        }
        // List requests start the next pass once this is reached (or the workspace changed).
        sloDueAt = dueAt;
        sloWorkspace = workspace;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  /** The first pass fills the cache; if it fails, the next list request starts it again. */
  function firstSloPass(): Promise<void> {
    firstPass ??= refreshSlos().catch((error: unknown) => {
      firstPass = undefined;
      throw error;
    });
    return firstPass;
  }
  if (deps.startSloPass) void firstSloPass().catch(() => undefined);

  /** The board following the workspace in use, warmed once (a no-op when the daemon already warmed it). */
  async function liveBoard(signal: AbortSignal): Promise<HealthBoard> {
    const workspace = deps.workspace();
    await board.warm(store, workspace, signal);
    if (boardWorkspace !== workspace) {
      board.retain(workspace);
      boardParts.clear();
      boardWorkspace = workspace;
    }
    return board;
  }

  /** What the board says of one integration, recomputed only when its lane changed or a minute began. */
  function boardPart(integration: Integration, minute: number): BoardPart {
    const version = board.version(integration.id);
    const cached = boardParts.get(integration.id);
    if (cached?.integration === integration && cached.version === version && cached.minute === minute)
      return cached;
    const own = board.latest(
      integration.id,
      (integration.checks ?? []).map((check) => check.id),
    );
    const part: BoardPart = {
      integration,
      version,
      minute,
      status: integrationStatus(own),
      lastResultAt: own.length ? Math.max(...own.map((result) => result.startedAt)) : null,
      windows: board.windows(integration.id, LIST_WINDOWS),
    };
    boardParts.set(integration.id, part);
    return part;
  }

  function listItem(integration: Integration, openIncidents: number, minute: number): IntegrationHealth {
    const part = boardPart(integration, minute);
    const cached = slos.get(integration.id);
    return {
      id: integration.id,
      name: integration.name,
      ...(integration.vendor !== undefined ? { vendor: integration.vendor } : {}),
      owner: integration.owner,
      ...(integration.description !== undefined ? { description: integration.description } : {}),
      status: part.status,
      lastResultAt: part.lastResultAt,
      openIncidents,
      windows: part.windows,
      ...(integration.slo && cached ? { slo: cached.attainment } : {}),
    };
  }

  async function healthOf(
    integration: Integration,
    latest: readonly StoredCheckResult[],
    openIncidents: number,
    now: number,
    signal: AbortSignal,
  ): Promise<IntegrationDetail> {
    const longest = Math.max(...Object.values(HEALTH_WINDOWS));
    const rows = await store.checkRollups(
      { integration: integration.id, since: now - longest, until: now, resolution: MINUTE_MS },
      { signal },
    );
    const windows = Object.fromEntries(
      Object.entries(HEALTH_WINDOWS).map(([name, windowMs]) => [
        name,
        windowStats(
          rows.filter((row) => row.start + row.bucketMs > now - windowMs),
          windowMs,
        ),
      ]),
    ) as Record<HealthWindowName, WindowStats>;
    const declared = new Set((integration.checks ?? []).map((check) => check.id));
    const own = latest.filter(
      (result) => result.integration === integration.id && declared.has(result.check),
    );
    const health: IntegrationDetail = {
      checks: [],
      id: integration.id,
      name: integration.name,
      ...(integration.vendor !== undefined ? { vendor: integration.vendor } : {}),
      owner: integration.owner,
      ...(integration.description !== undefined ? { description: integration.description } : {}),
      status: integrationStatus(own),
      lastResultAt: own.length ? Math.max(...own.map((result) => result.startedAt)) : null,
      openIncidents,
      windows,
    };
    if (integration.slo) health.slo = await sloAttainment(integration, now, signal);
    return health;
  }

  async function sloAttainment(integration: Integration, now: number, signal: AbortSignal) {
    const slo = integration.slo!;
    const windowMs = slo.window ?? DEFAULT_SLO_WINDOW_MS;
    const rows = await store.checkRollups(
      { integration: integration.id, since: now - windowMs, until: now, resolution: HOUR_MS },
      { signal },
    );
    const total = aggregate(rows);
    const errorRate = total.count ? total.failures / total.count : null;
    const attainment: SloAttainment = {
      windowMs,
      computedAt: now,
      latency: (slo.latency ?? []).map((target) => {
        const actualMs = quantileOf(total, PERCENTILE_QUANTILE[target.percentile]);
        return {
          percentile: target.percentile,
          belowMs: target.below,
          actualMs,
          met: actualMs === null ? null : actualMs < target.below,
        };
      }),
    };
    if (slo.availability !== undefined) {
      const actual = errorRate === null ? null : 1 - errorRate;
      attainment.availability = {
        target: slo.availability,
        actual,
        met: actual === null ? null : actual >= slo.availability,
      };
    }
    if (slo.errorRate !== undefined) {
      attainment.errorRate = {
        below: slo.errorRate.below,
        actual: errorRate,
        met: errorRate === null ? null : errorRate < slo.errorRate.below,
      };
    }
    return attainment;
  }

  /** The integrations `query` asks for, in workspace order, and the cursor of the next page. */
  function sliceOf(
    query: IntegrationQuery,
  ):
    | { kind: 'slice'; slice: Integration[]; nextCursor?: string }
    | Extract<IntegrationsAnswer, { kind: 'invalid' }> {
    const integrations = deps.workspace().integrations;
    let from = 0;
    if (query.cursor !== undefined) {
      const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
      const index = integrations.findIndex((integration) => integration.id === after);
      if (index < 0) {
        return {
          kind: 'invalid',
          field: 'cursor',
          message:
            'names no integration of the workspace in use (it may have been removed); start without it',
        };
      }
      from = index + 1;
    }
    const limit = Math.min(query.limit ?? DEFAULT_INTEGRATION_PAGE, MAX_INTEGRATION_PAGE);
    const slice = integrations.slice(from, from + limit);
    const last = slice.at(-1);
    const more = from + limit < integrations.length && last !== undefined;
    return {
      kind: 'slice',
      slice,
      ...(more ? { nextCursor: Buffer.from(last.id, 'utf8').toString('base64url') } : {}),
    };
  }

  /** Open incidents per integration. */
  async function openIncidentCounts(): Promise<ReadonlyMap<string, number>> {
    if (deps.openByIntegration) return deps.openByIntegration();
    const revision = deps.incidents.revision();
    if (openCounts?.revision === revision) return openCounts.counts;
    const counts = await countOpenIncidents();
    openCounts = { revision, counts };
    return counts;
  }

  /** Through the incident service, page by page. */
  async function countOpenIncidents(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const status of OPEN_STATUSES) {
      let cursor: string | undefined;
      do {
        const page = await deps.incidents.listIncidents({
          status,
          limit: 500,
          ...(cursor !== undefined ? { cursor } : {}),
        });
        for (const incident of page.items) {
          counts.set(incident.integration, (counts.get(incident.integration) ?? 0) + 1);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    }
    return counts;
  }

  return {
    async integrations(query, signal) {
      await liveBoard(signal);
      // The first list after start waits for the first SLO pass; later ones show the cached values.
      await firstSloPass();
      if (clock.now() >= sloDueAt || sloWorkspace !== deps.workspace())
        void refreshSlos().catch(() => undefined);
      const page = sliceOf(query);
      if (page.kind === 'invalid') return page;
      const open = await openIncidentCounts();
      const minute = minuteStart(clock.now());
      const items = page.slice.map((integration) =>
        listItem(integration, open.get(integration.id) ?? 0, minute),
      );
      return { kind: 'page', page: pageOf(items, page.nextCursor) };
    },

    integrationsRevision(query) {
      const workspace = deps.workspace();
      if (workspace !== revisionWorkspace) {
        revisionWorkspace = workspace;
        workspaceGeneration++;
      }
      const page = sliceOf(query);
      // An invalid cursor stays invalid until the workspace changes.
      if (page.kind === 'invalid') return `${workspaceGeneration}.invalid`;
      let moved = 0;
      for (const integration of page.slice) {
        moved += board.version(integration.id) + (slos.get(integration.id)?.generation ?? 0);
      }
      const minute = minuteStart(clock.now());
      return `${workspaceGeneration}.${deps.incidents.revision()}.${minute}.${moved}`;
    },

    async integration(id, signal) {
      const workspace = deps.workspace();
      const integration = workspace.integrations.find((candidate) => candidate.id === id);
      if (!integration) return undefined;
      const now = clock.now();
      const [latest, open] = await Promise.all([store.latestCheckResults({ signal }), openIncidentCounts()]);
      const health = await healthOf(integration, latest, open.get(id) ?? 0, now, signal);
      const checks: CheckHealth[] = checksOf(workspace)
        .filter((declared) => declared.integration.id === id)
        .map(({ check }) => {
          const result = latest.find((row) => row.integration === id && row.check === check.id) ?? null;
          return {
            id: check.id,
            ...(check.name !== undefined ? { name: check.name } : {}),
            kind: check.kind,
            intervalMs: check.every ?? workspace.defaults.checkIntervalMs,
            status: result ? checkStatus(result) : 'unknown',
            latest: result,
          };
        });
      return { ...health, checks };
    },

    async series(id, query, signal) {
      return seriesOf(deps, id, query, signal);
    },

    async results(query, signal) {
      const page = await store.listCheckResults(
        {
          ...(query.integration !== undefined ? { integration: query.integration } : {}),
          ...(query.check !== undefined ? { check: query.check } : {}),
          ...(query.class !== undefined ? { class: query.class } : {}),
          ...(query.ok !== undefined ? { ok: query.ok } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.until !== undefined ? { until: query.until } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
      return pageOf(page.items, page.nextCursor);
    },

    async playbooks() {
      return deps.workspace().playbooks.map((playbook) => ({
        id: playbook.id,
        name: playbook.name,
        ...(playbook.description !== undefined ? { description: playbook.description } : {}),
        integration: playbook.integration,
        severity: playbook.severity,
        covers: [...(playbook.covers ?? [])],
        steps: playbook.steps.length,
      }));
    },

    async plan(id, values) {
      const workspace = deps.workspace();
      const result = planPlaybook(workspace, id, { values, locate: stepLocator(workspace) });
      return result.kind === 'ok' ? result.plan : undefined;
    },

    async deliveries(query: DeliveryQuery, signal) {
      const page = await store.listOutbox(
        {
          ...(query.status !== undefined ? { status: DELIVERY_ROWS[query.status] } : {}),
          ...(query.incident !== undefined ? { incident: query.incident } : {}),
          ...(query.channel !== undefined ? { channel: query.channel } : {}),
          ...(query.limit !== undefined ? { limit: query.limit } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        },
        { signal },
      );
      return pageOf<OutboxSummary>(page.items, page.nextCursor);
    },

    async incident(id) {
      const incident = await deps.incidents.getIncident(id);
      if (!incident) return undefined;
      const now = clock.now();
      return { ...incident, countdowns: countdownsOf(incident, now), now };
    },
  };
}

export function integrationStatus(latest: readonly CheckResult[]): HealthStatus {
  return combinedStatus(latest.map(checkStatus)) ?? 'unknown';
}

/** The clock of each response target at `now`; a met or cancelled target has no time left to count. */
export function countdownsOf(incident: Incident, now: number): TargetCountdown[] {
  return incident.targets.map((target: ResponseTarget) => ({
    kind: target.kind,
    status: target.status,
    dueAt: target.dueAt,
    remainingMs: target.status === 'met' || target.status === 'cancelled' ? null : target.dueAt - now,
  }));
}

function pageOf<T>(items: T[], nextCursor: string | undefined): Page<T> {
  return { items, ...(nextCursor !== undefined ? { nextCursor } : {}) };
}
