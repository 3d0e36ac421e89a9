/**
 * Key rotations recorded as changes feed the credential check: once a `key-rotation` change of an integration
 * is newer than the workspace's `auth.rotation.lastRotated`, key age counts from the change. The daemon keeps
 * the latest rotation per integration in memory — loaded from the store at start, updated as changes are
 * recorded — and hands the check an integration whose `lastRotated` is that time.
 */
import type { Store } from '../store/index.js';
import type { Integration } from '../workspace/model.js';
import type { ChangeRecord } from './change.js';

/** Pages read at start are this big; a store with more rotations is read in several. */
const LOAD_PAGE = 1000;

export class KeyRotations {
  private readonly latest = new Map<string, number>();

  /** Remembers a recorded change if it is a key rotation of an integration newer than the one known. */
  note(change: ChangeRecord): void {
    if (change.kind !== 'key-rotation' || change.integration === undefined) return;
    const known = this.latest.get(change.integration);
    if (known === undefined || change.at > known) this.latest.set(change.integration, change.at);
  }

  /** When the integration's key was last rotated according to recorded changes, epoch ms. */
  lastRotatedAt(integration: string): number | undefined {
    return this.latest.get(integration);
  }

  /** Reads every recorded key rotation (newest first, page by page). */
  async load(store: Store, signal: AbortSignal): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await store.listChanges(
        { kind: 'key-rotation', limit: LOAD_PAGE, ...(cursor !== undefined ? { cursor } : {}) },
        { signal },
      );
      for (const change of page.items) this.note(change);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
}

const derived = new WeakMap<Integration, { rotatedAt: number; integration: Integration }>();

/**
 * The integration as the credential check should see it: with `auth.rotation.lastRotated` moved to
 * `rotatedAt` when that is newer than the declared date; the same object otherwise. The copy is frozen and
 * reused for the same time, so the check runner's per-integration memo keeps working.
 *
 * @example
 *   withRecordedRotation(stripe, Date.parse('2026-03-01T10:00:00Z')).auth.rotation?.lastRotated
 *   // → '2026-03-01T10:00:00.000Z' (when the workspace says 2026-01-01)
 */
export function withRecordedRotation(integration: Integration, rotatedAt: number | undefined): Integration {
  const rotation = integration.auth.rotation;
  if (rotatedAt === undefined || rotation === undefined) return integration;
  const declared = rotation.lastRotated === undefined ? Number.NaN : Date.parse(rotation.lastRotated);
  if (!Number.isNaN(declared) && declared >= rotatedAt) return integration;
  const known = derived.get(integration);
  if (known?.rotatedAt === rotatedAt) return known.integration;
  const copy: Integration = Object.freeze({
    ...integration,
    auth: Object.freeze({
      ...integration.auth,
      rotation: Object.freeze({ ...rotation, lastRotated: new Date(rotatedAt).toISOString() }),
    }),
  });
  derived.set(integration, { rotatedAt, integration: copy });
  return copy;
}
