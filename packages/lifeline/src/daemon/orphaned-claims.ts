/**
 * Recovery of outbox claims a crashed daemon left behind. A daemon owns its store, so a row still `delivering`
 * when it starts was claimed by a daemon that died mid-attempt (`kill -9`, power loss). Left alone, that claim
 * holds the row — and, since an incident's messages to one channel go strictly in order, every later message of
 * that lane, e.g. the rest of an escalation — until its lease runs out (a minute by default). Handed back, it is
 * due at once; the cut-short attempt still counts, and a receiver dedupes the redelivery by its idempotency key.
 */
import type { Clock } from '../checks/scheduler/index.js';
import type { Store } from '../store/index.js';
import type { DaemonLogger } from './logger.js';

const PAGE = 100;

/** Makes every `delivering` row due now; for a starting daemon, before its dispatcher claims. Returns how many. */
export async function releaseOrphanedClaims(
  deps: { store: Store; clock: Clock; logger: DaemonLogger },
  signal?: AbortSignal,
): Promise<number> {
  const { store } = deps;
  const orphans: { id: string; attempts: number }[] = [];
  let cursor: string | undefined;
  do {
    const query = { status: 'delivering' as const, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) };
    const page = await store.listOutbox(query, { signal });
    orphans.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const failure = { error: 'the daemon stopped during this attempt', nextAttemptAt: deps.clock.now() };
  // Fenced by the attempt: a row someone claimed again in the meantime is theirs to settle.
  for (const row of orphans) await store.failOutbox(row.id, failure, { attempt: row.attempts, signal });
  if (orphans.length > 0) {
    deps.logger.warn('outbox rows a stopped daemon was delivering are due again', { rows: orphans.length });
  }
  return orphans.length;
}
