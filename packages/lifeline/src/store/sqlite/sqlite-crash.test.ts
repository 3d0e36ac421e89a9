/**
 * Crash safety of the SQLite store: a child process writes engine decisions (and delivers outbox rows) in a loop
 * and is killed with SIGKILL at random moments, round after round on the same file. After every kill the file is
 * opened again and checked: each decision is there completely or not at all, nothing is duplicated, timeline
 * seqs are contiguous, no timer came back from `fired`, and the database is intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DECISIONS_PER_INCIDENT,
  ENTRIES_PER_DECISION,
  WRITER_KEY,
  incidentEffectsUpTo,
  incidentOf,
  outboxIdsOf,
  stepOf,
  timerIdOf,
} from '../test-support/crash-plan.js';
import { spawnTsx, type TsxChild } from '../test-support/child-process.js';

const ROUNDS = 20;
/** A kill lands this long (random, ms) after the writer said `ready`. */
const MAX_KILL_DELAY_MS = 60;
/** Writers loading in the background while one writes. */
const WARM_WRITERS = 3;

interface Row {
  [column: string]: unknown;
}

function parse<T>(text: unknown): T {
  return JSON.parse(String(text)) as T;
}

/** `actual` as sorted JSON, or a violation when it differs from `expected`. */
function sameSet(what: string, actual: readonly unknown[], expected: readonly unknown[]): string[] {
  const a = JSON.stringify(actual.map(String).sort());
  const e = JSON.stringify(expected.map(String).sort());
  return a === e ? [] : [`${what}: expected ${e}, found ${a}`];
}

/**
 * Opens the file the way a restarted daemon does (recovering the WAL) and lists every broken invariant; the
 * checks collect plain strings so that verifying hundreds of rows stays cheap.
 */
function violations(path: string): { last: number; problems: string[] } {
  const db = new Database(path);
  try {
    const problems: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const orphans = db.pragma('foreign_key_check') as unknown[];
    if (orphans.length > 0) problems.push(`foreign_key_check: ${JSON.stringify(orphans)}`);
    const all = (sql: string): Row[] => db.prepare<[], Row>(sql).all();
    const writer = all(`SELECT document FROM engine_state WHERE key = '${WRITER_KEY}'`)[0];
    const last = writer ? parse<{ last: number }>(writer.document).last : 0;
    const upTo = Array.from({ length: last }, (_, i) => i + 1);

    // Every decision ≤ last is there (its marker), and no later one left anything.
    const markers = all(`SELECT key FROM engine_state WHERE key LIKE 'marker:%'`).map((row) => row.key);
    problems.push(
      ...sameSet(
        'markers',
        markers,
        upTo.map((k) => `marker:${k}`),
      ),
    );

    // Outbox: exactly the rows of decisions ≤ last, once each, with the payload of their first insert.
    const outbox = all(
      'SELECT id, payload, status, attempts, lease_until, receipt, delivered_at FROM outbox',
    );
    problems.push(
      ...sameSet(
        'outbox ids',
        outbox.map((row) => row.id),
        upTo.flatMap(outboxIdsOf),
      ),
    );
    for (const row of outbox) {
      const decision = Number(String(row.id).split('-')[1]);
      const payload = parse<{ decision: number }>(row.payload);
      if (payload.decision !== decision) problems.push(`outbox ${String(row.id)} was overwritten`);
      const settled = row.receipt !== null && row.delivered_at !== null;
      if ((row.status === 'delivered') !== settled)
        problems.push(`outbox ${String(row.id)}: receipt vs status`);
      if (row.status === 'delivering' && row.lease_until === null)
        problems.push(`${String(row.id)}: no lease`);
      if (row.status !== 'pending' && Number(row.attempts) < 1)
        problems.push(`${String(row.id)}: no attempt`);
    }

    // Incidents: one per group of decisions, each at its latest decision ≤ last, its effects all stored once.
    const incidents = all('SELECT id, status, document FROM incidents');
    const expectedIncidents = new Map(upTo.map((k) => [incidentOf(k), k]));
    problems.push(
      ...sameSet(
        'incident ids',
        incidents.map((row) => row.id),
        [...expectedIncidents.keys()],
      ),
    );
    const countOutbox = db.prepare<[string], number>('SELECT COUNT(*) FROM outbox WHERE id = ?').pluck();
    for (const row of incidents) {
      const k = expectedIncidents.get(String(row.id)) ?? -1;
      const document = parse<{ decision: number; effects: string[] }>(row.document);
      if (document.decision !== k)
        problems.push(`${String(row.id)} is at decision ${document.decision}, not ${k}`);
      if (JSON.stringify(document.effects) !== JSON.stringify(incidentEffectsUpTo(k))) {
        problems.push(`${String(row.id)} lists the wrong effects`);
      }
      for (const id of document.effects) {
        if (countOutbox.get(id) !== 1) problems.push(`${String(row.id)} refers to ${id}, stored ≠ once`);
      }
      if ((row.status === 'resolved') !== (stepOf(k) === DECISIONS_PER_INCIDENT - 1)) {
        problems.push(`${String(row.id)} has status ${String(row.status)} at decision ${k}`);
      }
    }

    // Timeline: contiguous seqs from 0, exactly ENTRIES_PER_DECISION per decision of the incident.
    const seqs = new Map<string, number[]>();
    for (const row of all('SELECT incident_id, seq FROM incident_timeline ORDER BY incident_id, seq')) {
      const id = String(row.incident_id);
      seqs.set(id, [...(seqs.get(id) ?? []), Number(row.seq)]);
    }
    for (const [id, k] of expectedIncidents) {
      const expected = Array.from({ length: (stepOf(k) + 1) * ENTRIES_PER_DECISION }, (_, seq) => seq);
      if (JSON.stringify(seqs.get(id)) !== JSON.stringify(expected)) problems.push(`${id}: timeline seqs`);
    }
    if (seqs.size !== expectedIncidents.size) problems.push('timeline rows of unknown incidents');

    // Timers: one per decision; all fired but the newest, which is pending (none came back from fired).
    const timers = all('SELECT id, status FROM timers');
    const expectedTimers = upTo.map((k) => `${timerIdOf(k)}=${k === last ? 'pending' : 'fired'}`);
    problems.push(
      ...sameSet(
        'timers',
        timers.map((row) => `${String(row.id)}=${String(row.status)}`),
        expectedTimers,
      ),
    );
    return { last, problems };
  } finally {
    db.close();
  }
}

describe('SQLite store under kill -9', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeline-crash-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every decision whole across ${ROUNDS} random SIGKILLs`, async () => {
    const path = join(dir, 'lifeline.db');
    const progress: number[] = [];
    // Writers load their modules ahead (most of a round's time), and only open the file when told to, once
    // the previous writer is dead.
    const warm: TsxChild[] = [];
    const spawned = () => warm.push(spawnTsx('./crash-writer.ts', [path]));
    try {
      for (let i = 0; i < Math.min(WARM_WRITERS, ROUNDS); i++) spawned();
      for (let round = 0; round < ROUNDS; round++) {
        const child = warm.shift();
        if (!child) throw new Error('no writer left');
        if (round + warm.length + 1 < ROUNDS) spawned();
        await child.waitFor('loaded');
        child.process.stdin?.write('go\n');
        await child.waitFor('ready');
        await new Promise((resolve) => setTimeout(resolve, Math.random() * MAX_KILL_DELAY_MS));
        child.process.kill('SIGKILL');
        const exit = await child.exited;
        expect(exit, child.stderr()).toEqual({ code: null, signal: 'SIGKILL' });
        const { last, problems } = violations(path);
        expect(problems, `after kill ${round + 1}`).toEqual([]);
        progress.push(last);
      }
    } finally {
      for (const child of warm) child.process.kill('SIGKILL');
    }
    // Each round resumed where the last commit left off, and the rounds together wrote something.
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
    expect(progress.at(-1)).toBeGreaterThan(ROUNDS);
  }, 60_000);
});
