/**
 * Test-only child process: one of several dispatchers claiming the same SQLite file's outbox at once. Waits for
 * `go` on stdin (so that all start together), then claims, reports and completes rows until none is left,
 * printing `claimed <id>` for each row it got.
 *
 * Usage: `node --import tsx outbox-claimer.ts <database path> <name>`; prints `ready`, then the claims, then `done`.
 */
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import { waitForGo } from './go-signal.js';

const [path, name] = process.argv.slice(2);
if (!path || !name) throw new Error('usage: outbox-claimer.ts <database path> <name>');

const store = await openSqliteStore({ path });
process.stdout.write('ready\n');
await waitForGo();

// Leases far longer than the test: a row is only ever handed out again if the claim was not exclusive.
const leaseMs = 3_600_000;
for (let empty = 0; empty < 3;) {
  const rows = await store.claimOutbox(Date.now(), { limit: 2, leaseMs });
  if (rows.length === 0) {
    empty += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    continue;
  }
  empty = 0;
  process.stdout.write(rows.map((row) => `claimed ${row.id}\n`).join(''));
  for (const row of rows) await store.completeOutbox(row.id, { by: name }, { attempt: row.attempts });
}
await store.close();
process.stdout.write('done\n');
process.stdin.destroy();
