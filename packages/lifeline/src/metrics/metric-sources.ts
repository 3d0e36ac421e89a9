/**
 * What `/metrics` reads from a running daemon when it is scraped (and only then): the gauges are computed from
 * these at scrape time, so a daemon nobody scrapes does no work for them. Kept to plain read-only views so the
 * metrics do not depend on how the daemon holds its state.
 */
import type { Incident } from '../engine/index.js';
import type { Measurements } from '../engine/signals/index.js';
import type { OutboxStats } from '../store/index.js';
import type { Workspace } from '../workspace/model.js';

/** The part of an incident the metrics read: its severity and status, and its timeline for target breaches. */
export type IncidentView = Pick<Incident, 'id' | 'severity' | 'status' | 'timeline'>;

export interface MetricSources {
  /** The workspace in use: severities, integrations and their SLOs, channel kinds. */
  workspace(): Workspace;
  /** Every incident the daemon keeps in memory; every open one is among them. */
  incidents(): Iterable<IncidentView>;
  /** The rolling windows' view of recent check results. */
  measurements(): Measurements;
  /** Outbox rows per status (one store query per scrape). */
  outboxStats(signal: AbortSignal): Promise<OutboxStats>;
  /** Epoch ms (the daemon's clock). */
  now(): number;
}
