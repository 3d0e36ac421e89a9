/**
 * @lifeline/client: the SDK application code uses to call integrations with the policies of the catalog.
 * This first version exposes the client modes a playbook can switch an integration to.
 */

/** How application clients of an integration behave; playbooks switch between these. */
export type ClientMode = 'normal' | 'throttled' | 'degraded' | 'cached';

export const CLIENT_MODES: readonly ClientMode[] = ['normal', 'throttled', 'degraded', 'cached'];

export function isClientMode(value: unknown): value is ClientMode {
  return typeof value === 'string' && (CLIENT_MODES as readonly string[]).includes(value);
}
