/**
 * Observers of the signals read from outside the check windows: `tls-days-left` (the certificate seen by the
 * latest TLS result) and `alert` (an inbound alert from existing monitoring).
 */
import type { Signal } from '../../workspace/model.js';
import { formatDays } from './format.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import type { Observation } from './observation.js';

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

/** An alert selector the way Prometheus writes one: `HighErrorRate{service="checkout"}`. */
function selector(signal: AlertSignal): string {
  const labels = Object.entries(signal.labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return labels.length > 0 ? `${signal.name}{${labels.join(',')}}` : signal.name;
}

export function observeAlert(signal: AlertSignal, measurements: Measurements): Observation {
  const firing = measurements.alertFiring(signal.name, signal.labels ?? {});
  const alert = `alert ${selector(signal)}`;
  if (firing === undefined)
    return { kind: 'no-data', text: `${alert}: state unknown`, thresholdText: selector(signal) };
  return {
    kind: 'measured',
    condition: firing,
    clear: !firing,
    valueText: firing ? 'firing' : 'not firing',
    thresholdText: selector(signal),
    holdsText: `${alert} firing`,
    unmetText: `${alert} not firing`,
  };
}
