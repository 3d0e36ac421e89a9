/**
 * What the HTTP API and the CLI need from a running daemon: human commands on incidents, incident reads and
 * health. The daemon implements it over the engine and the store; the server only translates HTTP to it.
 */
import type { CommandEvent, Incident, Outcome } from '../engine/index.js';
import type { Diagnostic } from '../workspace/diagnostics.js';
import type { IncidentSummary } from './incident-summary.js';

export type { IncidentSummary } from './incident-summary.js';

export interface IncidentQuery {
  status?: Incident['status'];
  severity?: string;
  integration?: string;
  limit?: number;
  cursor?: string;
}

/** A page of the incident list: summaries (no timeline, run or values); `getIncident` has the rest. */
export interface IncidentPage {
  items: IncidentSummary[];
  nextCursor?: string;
}

export interface CommandResult {
  outcome: Outcome;
  /** The incident after the command (also on conflict, so the caller sees the current state). */
  incident?: Incident;
}

export interface HealthReport {
  ok: boolean;
  workspace: {
    name: string;
    files: string[];
    loadedAt: string;
    /** The last reload, when one failed: the daemon keeps running on the last good workspace. */
    lastReloadError?: { at: string; diagnostics: Diagnostic[] };
  };
  store: { ok: boolean; path: string };
  checks: { scheduled: number; running: number; completed: number; lagP99Ms: number | null };
  incidents: { open: number };
  outbox: { pending: number; dead: number; oldestPendingAgeMs: number | null };
}

export interface IncidentService {
  command(event: CommandEvent): Promise<CommandResult>;
  listIncidents(query: IncidentQuery): Promise<IncidentPage>;
  getIncident(id: string): Promise<Incident | undefined>;
  health(): Promise<HealthReport>;
  /**
   * Opaque; changes whenever any incident changes. A list read while it had one value is still current while it
   * keeps it, which is what lets the API answer again from the bytes it last sent.
   */
  revision(): string;
}
