/**
 * A change: something that was done to an integration, a service or the whole system — a deploy, a config
 * change, a key rotation, a vendor notice, a feature flag — recorded so that an incident opened shortly after
 * can show it as a likely cause. Recorded from the CLI, the API, a signed webhook or GitHub deployments.
 */

export const CHANGE_KINDS = ['deploy', 'config', 'key-rotation', 'vendor-notice', 'feature-flag'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** How a change reached Lifeline. */
export const CHANGE_SOURCES = ['cli', 'api', 'webhook', 'github'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/**
 * One change as stored and served. Without `integration`, `service` and `team` a change is global: it is
 * linked to every incident in its window, after the more specific ones.
 */
export interface ChangeRecord {
  /** Unique; recording the same id again changes nothing (retries and webhook redeliveries are safe). */
  id: string;
  /** Id of the integration it changed (a workspace integration). */
  integration?: string;
  /** An internal service or component it changed, e.g. `checkout` (matched against an incident's dependents). */
  service?: string;
  /** The team it belongs to; filled from the integration's owner when not given. */
  team?: string;
  kind: ChangeKind;
  /** What changed: a commit sha, a version, a config key, a notice id. */
  ref: string;
  /** Who made it: a person id, a login, a system. */
  by?: string;
  /** When it took effect, epoch ms. */
  at: number;
  source: ChangeSource;
  /** Where to read more (the deploy log, the notice). */
  url?: string;
  summary?: string;
  /** The environment a deploy went to, e.g. `production`. */
  environment?: string;
}

export function isChangeKind(value: unknown): value is ChangeKind {
  return typeof value === 'string' && (CHANGE_KINDS as readonly string[]).includes(value);
}
