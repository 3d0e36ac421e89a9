/**
 * What a signal falls back on when it leaves something out: the playbook's integration, the integration SLOs
 * (for burn rates) and the default windows of the workspace format.
 */
import type { Integration, Playbook, Slo } from '../../workspace/model.js';

export interface SignalDefaults {
  /** Integration measured when a signal names none: the playbook's. */
  integration: string;
  /** SLO per integration id, for `burn-rate` signals; an integration without one is absent. */
  slos: ReadonlyMap<string, Slo>;
}

/** Window of `latency` and `error-rate` signals without `window`. */
export const DEFAULT_WINDOW_MS = 5 * 60_000;
/** Rolling window of an SLO without `window`. */
export const DEFAULT_SLO_WINDOW_MS = 30 * 86_400_000;

/** The defaults for the signals of one playbook. */
export function signalDefaultsFor(
  integrations: readonly Pick<Integration, 'id' | 'slo'>[],
  playbook: Pick<Playbook, 'integration'>,
): SignalDefaults {
  return { integration: playbook.integration, slos: slosOf(integrations) };
}

/** The SLO of each integration that has one; what every playbook's defaults share. */
export function slosOf(integrations: readonly Pick<Integration, 'id' | 'slo'>[]): ReadonlyMap<string, Slo> {
  const slos = new Map<string, Slo>();
  for (const integration of integrations) if (integration.slo) slos.set(integration.id, integration.slo);
  return slos;
}
