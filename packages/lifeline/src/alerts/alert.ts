/**
 * An inbound alert: what existing monitoring (Prometheus Alertmanager, or anything that posts our generic JSON
 * form) tells the daemon is firing or resolved. Both intake formats become this one shape, so the alert book and
 * the `alert` signal do not care where an alert came from.
 */
import { createHash } from 'node:crypto';

export type AlertStatus = 'firing' | 'resolved';

/** Which intake an alert came through; with the fingerprint it identifies the alert. */
export type AlertSource = 'alertmanager' | 'generic';

export interface InboundAlert {
  source: AlertSource;
  /** Stable identity of the alert at its source (Alertmanager's fingerprint, or one derived from its labels). */
  fingerprint: string;
  /** The alert name: Alertmanager's `alertname` label, or the generic alert's `name`. */
  name: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  status: AlertStatus;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms; on a firing alert, when it expires unless the source repeats it. */
  endsAt?: number;
  generatorURL?: string;
  /** The Lifeline integration the alert is about, when its source says (generic alerts only). */
  integration?: string;
}

/**
 * A fingerprint for an alert its source gave none: the hash of its name and labels, so the same alert posted
 * again (firing, then resolved) is recognised as the same one.
 *
 * @example fingerprintOf('HighErrorRate', { env: 'prod' }) // '5b0c…' (16 hex digits)
 */
export function fingerprintOf(name: string, labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((key) => [key, labels[key]]);
  return createHash('sha256')
    .update(JSON.stringify([name, sorted]))
    .digest('hex')
    .slice(0, 16);
}

/** The key an alert is kept and persisted under: `alertmanager:<fp>`, `generic:<fp>`. */
export function alertKey(alert: Pick<InboundAlert, 'source' | 'fingerprint'>): string {
  return `${alert.source}:${alert.fingerprint}`;
}

/** A problem with an inbound payload: the field (dotted path, e.g. `alerts.0.startsAt`) and what is wrong. */
export interface PayloadIssue {
  field: string;
  message: string;
}

/** A parsed payload: its alerts, or every problem found (nothing of a payload with problems is used). */
export type ParsedAlerts = { ok: true; alerts: InboundAlert[] } | { ok: false; issues: PayloadIssue[] };
