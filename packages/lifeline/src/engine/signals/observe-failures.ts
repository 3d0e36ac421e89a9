/**
 * Observers of the signals over failure classes: `failures` (N failed results within a span) and
 * `failure-class` (the latest result has one of some classes, with the run's start as evidence of how long).
 */
import type { Signal } from '../../workspace/model.js';
import { formatSpan } from './format.js';
import type { MeasurementKey, Measurements } from './measurements.js';
import type { Observation } from './observation.js';

type FailuresSignal = Extract<Signal, { signal: 'failures' }>;
type FailureClassSignal = Extract<Signal, { signal: 'failure-class' }>;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function observeFailures(
  signal: FailuresSignal,
  key: MeasurementKey,
  measurements: Measurements,
  now: number,
): Observation {
  const count = measurements.failures(key, signal.within, now, signal.classes);
  const kinds = signal.classes && signal.classes.length > 0 ? `${signal.classes.join('/')} ` : '';
  const within = `within ${formatSpan(signal.within)}`;
  if (count === undefined) {
    return {
      kind: 'no-data',
      text: `${kinds}failures: no results ${within}`,
      threshold: signal.count,
      thresholdText: String(signal.count),
    };
  }
  const condition = count >= signal.count;
  const measured = `${plural(count, `${kinds}failure`)} ${within}`;
  return {
    kind: 'measured',
    condition,
    clear: !condition,
    value: count,
    threshold: signal.count,
    valueText: String(count),
    thresholdText: String(signal.count),
    holdsText: `${measured}, at least ${signal.count}`,
    unmetText: `${measured}, fewer than ${signal.count}`,
  };
}

export function observeFailureClass(
  signal: FailureClassSignal,
  key: MeasurementKey,
  measurements: Measurements,
): Observation {
  const classes: readonly string[] = Array.isArray(signal.class) ? signal.class : [signal.class];
  const wanted = classes.length === 1 ? classes[0]! : `one of ${classes.join(', ')}`;
  const latest = measurements.latestClass(key);
  if (latest === undefined) {
    return {
      kind: 'no-data',
      text: `latest result: none yet (fires on ${wanted})`,
      thresholdText: classes.join(', '),
    };
  }
  const condition = classes.includes(latest.class);
  return {
    kind: 'measured',
    condition,
    clear: !condition,
    // The run of this class began at `since`: the condition (or its negation) has held at least that long.
    ...(condition ? { conditionSince: latest.since } : { clearSince: latest.since }),
    valueText: latest.class,
    thresholdText: classes.join(', '),
    holdsText:
      classes.length === 1 ? `latest result ${latest.class}` : `latest result ${latest.class}, ${wanted}`,
    unmetText: `latest result ${latest.class}, not ${wanted}`,
  };
}
