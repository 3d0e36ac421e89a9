/**
 * Test-only child process of the crash-safety test: writes the decisions of `crash-plan.ts` one after another
 * (and delivers outbox rows) until it is killed with SIGKILL, the way a daemon dies. On start it rebuilds what
 * it needs from `loadEngineSnapshot`, like the daemon, and replays the last decision it finds — a daemon cannot
 * know whether its last commit landed — which must insert nothing.
 *
 * Usage: `node --import tsx crash-writer.ts <database path>`. Prints `loaded` once its modules are loaded, opens
 * the store when it reads `go` on stdin (so the test can load the next writer while the current one runs), and
 * prints `ready` when it starts writing.
 */
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { WRITER_KEY, atOf, decisionOf } from './crash-plan.js';
import { waitForGo } from './go-signal.js';

/** An orphan (its test runner gone) must not write forever. */
const MAX_RUNTIME_MS = 15_000;

const path = process.argv[2];
if (!path) throw new Error('usage: crash-writer.ts <database path>');
process.stdout.write('loaded\n');
await waitForGo();

let clock = atOf(0);
const store = await openSqliteStore({ path, now: () => clock });
const snapshot = await store.loadEngineSnapshot({ now: clock, reopenWindowMs: 0 });
const writer = snapshot.engineState.find((entry) => entry.key === WRITER_KEY)?.document as
  { last: number } | undefined;
const last = writer?.last ?? 0;

if (last > 0) {
  clock = atOf(last);
  const replay = await store.applyDecision(decisionOf(last));
  if (replay.timelineInserted !== 0 || replay.outboxInserted !== 0) {
    process.stderr.write(`replaying decision ${last} inserted rows: ${JSON.stringify(replay)}\n`);
    process.exit(3);
  }
}

process.stdout.write('ready\n');
const started = Date.now();
for (let k = last + 1; Date.now() - started < MAX_RUNTIME_MS; k++) {
  clock = atOf(k);
  await store.applyDecision(decisionOf(k));
  for (const row of await store.claimOutbox(clock, { limit: 2, leaseMs: 1000 })) {
    await store.completeOutbox(row.id, { decision: k }, { attempt: row.attempts });
  }
}
await store.close();
