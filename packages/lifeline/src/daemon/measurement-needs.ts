/**
 * What a workspace's signals ask of the measurements: how much history the rolling windows must keep, which keys
 * need raw samples (p90, p99.9), and which need per-minute counts for windows longer than that (burn rates).
 * Computed at every (re)load, so nothing is kept that no signal reads.
 */
import {
  DEFAULT_SLO_WINDOW_MS,
  DEFAULT_WINDOW_MS,
  defaultBurnWindows,
  measurementKeyOf,
  slosOf,
} from '../engine/signals/index.js';
import type { Playbook, Signal, Workspace } from '../workspace/model.js';
import { windowKeyOf } from './measurements.js';

/** The rolling windows keep at least 5 minutes and at most an hour; longer windows read minute counts. */
export const MIN_RETENTION_MS = 5 * 60_000;
export const MAX_RETENTION_MS = 60 * 60_000;

export interface MeasurementNeeds {
  retentionMs: number;
  sampleKeys: Set<string>;
  /** Window key → the longest window read from minute counts. */
  longWindows: Map<string, number>;
}

/** Every signal a playbook evaluates: trigger, success, rollback, and its steps' `wait`, `if` and `guard`. */
export function signalsOf(playbook: Playbook): Signal[] {
  const signals = [
    ...playbook.trigger.when,
    ...(playbook.success?.when ?? []),
    ...(playbook.rollback?.when ?? []),
  ];
  for (const step of playbook.steps) {
    if (step.action === 'wait') signals.push(step.until);
    if (step.if?.holds) signals.push(step.if.holds);
    if (step.guard) signals.push(step.guard.when);
    if (step.compensate?.action === 'wait') signals.push(step.compensate.until);
  }
  return signals;
}

export function measurementNeeds(workspace: Workspace, sliceMs: number): MeasurementNeeds {
  let longest = MIN_RETENTION_MS;
  const sampleKeys = new Set<string>();
  const long = new Map<string, number>();
  const wants = (key: string, windowMs: number) => long.set(key, Math.max(long.get(key) ?? 0, windowMs));
  const reads: { key: string; windowMs: number }[] = [];
  const slos = slosOf(workspace.integrations);
  for (const playbook of workspace.playbooks) {
    const defaults = { integration: playbook.integration, slos };
    for (const signal of signalsOf(playbook)) {
      const key = windowKeyOf(measurementKeyOf(signal, defaults));
      switch (signal.signal) {
        case 'latency':
          if (signal.percentile === 'p90' || signal.percentile === 'p99.9') sampleKeys.add(key);
          longest = Math.max(longest, Math.min(signal.window ?? DEFAULT_WINDOW_MS, MAX_RETENTION_MS));
          break;
        case 'error-rate':
          reads.push({ key, windowMs: signal.window ?? DEFAULT_WINDOW_MS });
          break;
        case 'failures':
          reads.push({ key, windowMs: signal.within });
          break;
        case 'burn-rate': {
          const slo = defaults.slos.get(measurementKeyOf(signal, defaults).integration);
          const fallback = defaultBurnWindows(slo?.window ?? DEFAULT_SLO_WINDOW_MS);
          wants(key, signal.fast?.window ?? fallback.fast.windowMs);
          wants(key, signal.slow?.window ?? fallback.slow.windowMs);
          break;
        }
        default:
          break;
      }
    }
  }
  for (const { key, windowMs } of reads) {
    if (windowMs > MAX_RETENTION_MS) wants(key, windowMs);
    else longest = Math.max(longest, windowMs);
  }
  const retentionMs = Math.ceil(longest / sliceMs) * sliceMs;
  return { retentionMs, sampleKeys, longWindows: long };
}
