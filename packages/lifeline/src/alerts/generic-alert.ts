/**
 * Lifeline's own JSON alert form, for monitoring that is not Alertmanager: a script, a cron job, a vendor's
 * status webhook through a small adapter. One alert object, or an array of them:
 *
 *   { "name": "QueueBacklog", "labels": { "queue": "charges" }, "annotations": { "summary": "…" } }
 *
 * `status` defaults to `firing` (or `resolved` when `endsAt` is already past), `startsAt` to the time of
 * receipt, `fingerprint` to a hash of the name and labels (so posting the same name and labels with
 * `"status": "resolved"` resolves it). `integration` names the Lifeline integration the alert is about: it then
 * matches only signals that measure that integration. Unknown fields are refused, so a misspelt key is noticed.
 */
import { ID_PATTERN } from '../workspace/schema/primitives.js';
import { fingerprintOf, type AlertStatus, type InboundAlert, type ParsedAlerts } from './alert.js';
import { MAX_ALERTS_PER_PAYLOAD } from './alertmanager-payload.js';
import { FieldReader } from './payload-fields.js';

/** The documented form of one generic alert; times are RFC 3339 strings. */
export interface GenericAlert {
  name: string;
  status?: AlertStatus;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  fingerprint?: string;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
  integration?: string;
}

const FIELDS: readonly (keyof GenericAlert)[] = [
  'name',
  'status',
  'labels',
  'annotations',
  'fingerprint',
  'startsAt',
  'endsAt',
  'generatorURL',
  'integration',
];
const STATUSES: readonly AlertStatus[] = ['firing', 'resolved'];
const ID = new RegExp(ID_PATTERN);

/** Parses one generic alert or an array of them, received at `now` (epoch ms). */
export function parseGenericAlerts(body: unknown, now: number): ParsedAlerts {
  const reader = new FieldReader();
  const alerts: InboundAlert[] = [];
  if (Array.isArray(body)) {
    if (body.length === 0) reader.problem('', 'must hold at least one alert');
    if (body.length > MAX_ALERTS_PER_PAYLOAD)
      reader.problem('', `must hold at most ${MAX_ALERTS_PER_PAYLOAD} alerts`);
    else
      body.forEach((raw: unknown, index) => {
        const alert = parseOne(reader.nested(index), raw, now);
        if (alert) alerts.push(alert);
      });
  } else {
    const alert = parseOne(reader, body, now);
    if (alert) alerts.push(alert);
  }
  return reader.issues.length > 0 ? { ok: false, issues: reader.issues } : { ok: true, alerts };
}

function parseOne(reader: FieldReader, raw: unknown, now: number): InboundAlert | undefined {
  const value = reader.object(raw);
  if (!value) return undefined;
  const before = reader.issues.length;
  reader.onlyKnown(value, FIELDS);
  const name = reader.string(value, 'name', { required: true, nonEmpty: true });
  const status = reader.oneOf(value, 'status', STATUSES);
  const labels = reader.labels(value, 'labels');
  const annotations = reader.labels(value, 'annotations');
  const fingerprint = reader.string(value, 'fingerprint', { nonEmpty: true });
  const startsAt = reader.time(value, 'startsAt');
  const endsAt = reader.time(value, 'endsAt');
  const generatorURL = reader.string(value, 'generatorURL');
  const integration = reader.string(value, 'integration');
  if (integration !== undefined && !ID.test(integration)) {
    reader.problem('integration', 'must be the id of an integration (letters, digits, `.`, `_`, `-`)');
  }
  if (startsAt !== undefined && endsAt !== undefined && endsAt < startsAt) {
    reader.problem('endsAt', 'must not be before startsAt');
  }
  if (reader.issues.length > before || name === undefined) return undefined;
  return {
    source: 'generic',
    fingerprint: fingerprint ?? fingerprintOf(name, labels),
    name,
    labels,
    annotations,
    status: status ?? (endsAt !== undefined && endsAt <= now ? 'resolved' : 'firing'),
    startsAt: startsAt ?? Math.min(now, endsAt ?? now),
    ...(endsAt !== undefined && { endsAt }),
    ...(generatorURL ? { generatorURL } : {}),
    ...(integration !== undefined && { integration }),
  };
}
