/**
 * The workspace's `changes:` settings with their defaults applied, read where they are used (the look-back when
 * an incident links its changes, the secrets when a webhook arrives), so a reloaded workspace takes effect
 * at once.
 */
import type { Workspace } from '../workspace/model.js';
import type { SecretReference } from '../workspace/values.js';
import { DEFAULT_REPLAY_WINDOW_MS } from './verify-signature.js';

/** `changes.lookBack`, else `defaults.changeLookback` (24 h unless set). */
export function changeLookBackMs(workspace: Workspace): number {
  return workspace.changes?.lookBack ?? workspace.defaults.changeLookbackMs;
}

export interface WebhookSettings {
  secret: SecretReference;
  replayWindowMs: number;
}

/** The generic webhook's settings; undefined when it has no secret (the webhook is off). */
export function changeWebhookSettings(workspace: Workspace): WebhookSettings | undefined {
  const webhook = workspace.changes?.webhook;
  if (!webhook) return undefined;
  return { secret: webhook.secret, replayWindowMs: webhook.replayWindow ?? DEFAULT_REPLAY_WINDOW_MS };
}

/** The GitHub webhook's secret; undefined when it is off. */
export function githubWebhookSecret(workspace: Workspace): SecretReference | undefined {
  return workspace.changes?.github?.secret;
}
