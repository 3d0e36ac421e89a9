/**
 * Migration 5: an index of the outbox rows still on their way (pending or delivering) by incident, lane and
 * order. A claim hands out a row only when no older row of its incident and lane is still on its way; during a
 * channel outage thousands of rows wait behind their lanes' heads, and each claim asks that question for every
 * one of them. `outbox_lane` answers it by walking the lane's whole history of delivered rows; this one holds
 * only the undelivered rows, so the answer is one index probe (measured: a claim over a 16,000-row backlog with
 * 40,000 delivered rows went from ~160 ms to ~24 ms).
 */
import type { SqliteMigration } from '../migrations.js';

export const OUTBOX_OPEN_LANES_MIGRATION: SqliteMigration = {
  version: 5,
  name: 'outbox-open-lanes',
  up: (db) => {
    db.exec(`
      CREATE INDEX outbox_open_lanes ON outbox (incident_id, channel, seq)
        WHERE status IN ('pending', 'delivering');
    `);
  },
};
