/**
 * The Prometheus Alertmanager webhook payload (version 4, the `webhook_config` receiver), parsed and validated
 * into inbound alerts. Fields Alertmanager may add in later versions (e.g. `truncatedAlerts`) are accepted and
 * ignored; a payload of another version, or with a malformed field, is refused whole so nothing half-read is
 * recorded.
 *
 * @example
 * const parsed = parseAlertmanagerPayload(JSON.parse(body));
 * if (parsed.ok) for (const alert of parsed.alerts) console.log(alert.name, alert.status);
 */
import { fingerprintOf, type AlertStatus, type InboundAlert, type ParsedAlerts } from './alert.js';
import { FieldReader } from './payload-fields.js';

/** The payload as Alertmanager documents it; times are RFC 3339 strings. */
export interface AlertmanagerPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts?: number;
  status: AlertStatus;
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: AlertStatus;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

const STATUSES: readonly AlertStatus[] = ['firing', 'resolved'];
/** More alerts than this in one notification is not a real Alertmanager group; `max_alerts` caps it. */
export const MAX_ALERTS_PER_PAYLOAD = 1000;

export function parseAlertmanagerPayload(body: unknown): ParsedAlerts {
  const reader = new FieldReader();
  const payload = reader.object(body);
  if (!payload) return { ok: false, issues: reader.issues };
  const version = reader.string(payload, 'version', { required: true });
  if (version !== undefined && version !== '4') {
    reader.problem(
      'version',
      `must be "4" (the webhook payload version this daemon reads), not "${version}"`,
    );
  }
  reader.string(payload, 'groupKey', { required: true });
  reader.oneOf(payload, 'status', STATUSES, true);
  reader.string(payload, 'receiver', { required: true });
  reader.labels(payload, 'groupLabels');
  reader.labels(payload, 'commonLabels');
  reader.labels(payload, 'commonAnnotations');
  reader.string(payload, 'externalURL');
  const list = payload.alerts;
  const alerts: InboundAlert[] = [];
  if (!Array.isArray(list)) {
    reader.problem('alerts', list === undefined ? 'is required' : 'must be an array');
  } else if (list.length > MAX_ALERTS_PER_PAYLOAD) {
    reader.problem(
      'alerts',
      `must have at most ${MAX_ALERTS_PER_PAYLOAD} alerts (set max_alerts on the receiver)`,
    );
  } else {
    list.forEach((raw: unknown, index) => {
      const alert = parseAlert(reader.nested(`alerts.${index}`), raw);
      if (alert) alerts.push(alert);
    });
  }
  return reader.issues.length > 0 ? { ok: false, issues: reader.issues } : { ok: true, alerts };
}

function parseAlert(reader: FieldReader, raw: unknown): InboundAlert | undefined {
  const value = reader.object(raw);
  if (!value) return undefined;
  const before = reader.issues.length;
  const status = reader.oneOf(value, 'status', STATUSES, true);
  const labels = reader.labels(value, 'labels', true);
  const annotations = reader.labels(value, 'annotations');
  const beforeStart = reader.issues.length;
  const startsAt = reader.time(value, 'startsAt', true);
  if (startsAt === undefined && reader.issues.length === beforeStart) {
    reader.problem('startsAt', 'must be a real time, not the zero time');
  }
  const endsAt = reader.time(value, 'endsAt');
  const generatorURL = reader.string(value, 'generatorURL');
  const given = reader.string(value, 'fingerprint');
  const name = labels['alertname'];
  if (value.labels !== undefined && name === undefined) reader.problem('labels.alertname', 'is required');
  if (reader.issues.length > before || !status || name === undefined || startsAt === undefined)
    return undefined;
  return {
    source: 'alertmanager',
    fingerprint: given || fingerprintOf(name, labels),
    name,
    labels,
    annotations,
    status,
    startsAt,
    ...(endsAt !== undefined && { endsAt }),
    ...(generatorURL ? { generatorURL } : {}),
  };
}
