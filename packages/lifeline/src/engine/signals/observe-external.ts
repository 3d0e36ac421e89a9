/**
 * Observers of the signals read from outside the check windows: `tls-days-left` (the certificate seen by the
 * latest TLS result) and `alert` (an inbound alert from existing monitoring).
 */
import type { Signal } from '../../workspace/model.js';
import { formatDays } from './format.js';
import type { AlertSelector, FiringAlert, MeasurementKey, Measurements } from './measurements.js';
import type { Observation, SignalSense } from './observation.js';

type TlsDaysLeftSignal = Extract<Signal, { signal: 'tls-days-left' }>;
type AlertSignal = Extract<Signal, { signal: 'alert' }>;

export function observeTlsDaysLeft(
  signal: TlsDaysLeftSignal,
  key: MeasurementKey,
  measurements: Measurements,
): Observation {
  const days = measurements.tlsDaysLeft(key);
  const thresholdText = formatDays(signal.below);
  if (days === undefined) {
    return {
      kind: 'no-data',
      text: 'TLS certificate: no result yet',
      threshold: signal.below,
      thresholdText,
    };
  }
  const condition = days < signal.below;
  const measured =
    days < 0
      ? `TLS certificate expired ${formatDays(-days)} ago`
      : `TLS certificate expires in ${formatDays(days)}`;
  return {
    kind: 'measured',
    condition,
    clear: !condition,
    value: days,
    threshold: signal.below,
    valueText: formatDays(days),
    thresholdText,
    holdsText: `${measured}, fewer than ${thresholdText} left`,
    unmetText: `${measured}, not fewer than ${thresholdText}`,
  };
}

/** An alert selector the way Prometheus writes one: `HighErrorRate{service="checkout",env=~"prod|staging"}`. */
function selectorText(signal: AlertSignal): string {
  const matchers = Object.entries(signal.labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => {
      const regex = /^\/(.*)\/i?$/s.exec(value);
      return regex ? `${name}=~${JSON.stringify(regex[1])}` : `${name}=${JSON.stringify(value)}`;
    });
  const severity = severitiesOf(signal);
  if (severity) matchers.push(`severity=~${JSON.stringify(severity.join('|'))}`);
  return matchers.length > 0 ? `${signal.alert}{${matchers.join(',')}}` : signal.alert;
}

function severitiesOf(signal: AlertSignal): readonly string[] | undefined {
  if (signal.severity === undefined) return undefined;
  return typeof signal.severity === 'string' ? [signal.severity] : signal.severity;
}

/** Labels as Prometheus prints them: `{env="prod",service="checkout"}`. */
function labelsText(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return `{${pairs.join(',')}}`;
}

/**
 * The `{{…}}` values an alert gives a problem statement: `alert` (its name), `labels`, `summary` (the `summary`
 * annotation, else `description`, else the name), `alerts` (how many match), and each label and annotation as
 * `labels.NAME` and `annotations.NAME`.
 */
function alertValues(alerts: readonly FiringAlert[]): Record<string, string> {
  const first = alerts[0]!;
  const values: Record<string, string> = {
    alert: first.name,
    labels: labelsText(first.labels),
    summary: first.annotations['summary'] ?? first.annotations['description'] ?? first.name,
    alerts: String(alerts.length),
  };
  for (const [name, value] of Object.entries(first.labels)) values[`labels.${name}`] = value;
  for (const [name, value] of Object.entries(first.annotations)) values[`annotations.${name}`] = value;
  return values;
}

/**
 * An `alert` signal. Its condition is "a matching alert fires" where it fires (trigger, rollback, steps) and
 * "none fires" where it resolves (success criteria); the hold time counts from the alert's `startsAt` when the
 * source knows it began earlier than this sample.
 */
export function observeAlert(
  signal: AlertSignal,
  key: MeasurementKey,
  measurements: Measurements,
  now: number,
  sense: SignalSense,
): Observation {
  const severity = severitiesOf(signal);
  const selector: AlertSelector = {
    name: signal.alert,
    labels: signal.labels ?? {},
    integration: key.integration,
    ...(severity && { severity }),
  };
  const firing = measurements.firingAlerts(selector, now);
  const thresholdText = selectorText(signal);
  const alert = `alert ${thresholdText}`;
  if (firing === undefined) return { kind: 'no-data', text: `${alert}: state unknown`, thresholdText };
  const fires = firing.length > 0;
  const count = firing.length > 1 ? ` (${firing.length} alerts)` : '';
  const firingText = `${alert} firing${count}`;
  const quietText = `${alert} not firing`;
  const condition = sense === 'fires' ? fires : !fires;
  const since = fires ? Math.min(...firing.map((a) => a.startsAt)) : undefined;
  return {
    kind: 'measured',
    condition,
    clear: !condition,
    ...(sense === 'fires' && since !== undefined && { conditionSince: since }),
    ...(sense === 'resolves' && since !== undefined && { clearSince: since }),
    valueText: fires ? 'firing' : 'not firing',
    thresholdText,
    holdsText: sense === 'fires' ? firingText : quietText,
    unmetText: sense === 'fires' ? quietText : firingText,
    ...(fires && { values: alertValues(firing) }),
  };
}
