/**
 * Opens many incidents in a SQLite store fast: each firing is decided alone (from an empty state with the right
 * incident number, so ids and rows are exactly what the shell would write) and the rows are committed 500 per
 * transaction instead of one. The same state and rows as that many `applyEvent`s, in a fraction of the time.
 */
import { countersEntry, incidentRows } from '../../packages/lifeline/dist/daemon/state-records.js';
import { outboxRowsOf } from '../../packages/lifeline/dist/daemon/outbox-rows.js';
import {
  decideChanges,
  emptyState,
  type EngineConfig,
  type EngineEvent,
  type EngineState,
} from '../../packages/lifeline/dist/engine/index.js';
import {
  openSqliteStore,
  type IncidentRecord,
  type OutboxRecord,
  type TimelineRecord,
  type TimerRecord,
} from '../../packages/lifeline/dist/store/index.js';

export const SEED_BATCH = 500;

export interface SeedOptions {
  /** Also write the decisions' outbox rows (a benchmark that must not deliver anything leaves them out). */
  outbox?: boolean;
}

/** Returns the engine state the store now holds and how long seeding took. */
export async function seedIncidents(
  storePath: string,
  config: EngineConfig,
  firings: readonly EngineEvent[],
  openAt: (i: number) => number,
  options: SeedOptions = {},
): Promise<{ state: EngineState; ms: number }> {
  const start = performance.now();
  const store = await openSqliteStore({ path: storePath });
  const state = emptyState();
  let batch = emptyBatch();
  for (let i = 0; i < firings.length; i++) {
    const before: EngineState = { ...emptyState(), nextIncidentNumber: i + 1 };
    const at = openAt(i);
    const decision = decideChanges(config, before, firings[i]!, at);
    const changes = decision.changes;
    if (!changes) throw new Error(`seeding event ${i}: ${JSON.stringify(decision.outcome)}`);
    const { incident } = changes;
    state.incidents[incident.id] = incident;
    for (const [id, timer] of changes.timers) state.timers[id] = timer;
    Object.assign(state.signatures, changes.signatures);
    const rows = incidentRows(undefined, changes, at);
    batch.incidents.push(...rows.incidents);
    batch.timeline.push(...rows.timeline);
    batch.timers.push(...rows.timers);
    if (options.outbox) {
      batch.outbox.push(...decision.effects.flatMap((effect) => outboxRowsOf(config, incident, effect, at)));
    }
    if ((i + 1) % SEED_BATCH === 0 || i === firings.length - 1) {
      await store.applyDecision(batch);
      batch = emptyBatch();
    }
  }
  state.nextIncidentNumber = firings.length + 1;
  await store.applyDecision({ engineState: [countersEntry(state)] });
  await store.close();
  return { state, ms: performance.now() - start };
}

function emptyBatch() {
  return {
    incidents: [] as IncidentRecord[],
    timeline: [] as TimelineRecord[],
    timers: [] as TimerRecord[],
    outbox: [] as OutboxRecord[],
  };
}
