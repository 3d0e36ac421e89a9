/**
 * Rollup compaction for SQLite, split into turns the store runs one transaction each: a turn does a bounded
 * amount of work (rows touched plus series visited), so the write lock is held briefly, the daemon's event loop
 * gets a turn in between, and an abort or crash loses at most the turn in flight, which rolls back whole.
 */
import { emptyAggregate, mergeAggregates, type RollupAggregate } from '../rollups.js';
import type { CompactionCutoffs } from '../store.js';
import { rowToAggregate } from './sqlite-queries.js';
import { upsertParams, type TierStatements } from './sqlite-rollup-tiers.js';

/** Work units per turn: a row read, folded or deleted is one, looking at a series is one more. */
export const COMPACTION_WORK_PER_TURN = 2000;

export interface CompactionTally {
  minutesFolded: number;
  hoursFolded: number;
  expired: number;
}

/** One kind of work on one series: does up to `limit` rows, returns how many it did (< limit: series done). */
export interface CompactionStep {
  tally: keyof CompactionTally;
  run: (seriesId: number, limit: number) => number;
}

/** Where the next turn starts: a series (by index in the run's list) and a step within it. */
export interface CompactionPosition {
  series: number;
  step: number;
}

/** Deletes rows of one tier with bucket < `before` (they ended at or before the retention cutoff). */
function expireStep(tier: TierStatements, before: number): CompactionStep {
  return {
    tally: 'expired',
    run: (seriesId, limit) => {
      // Cap one delete at `limit` rows: the first compaction of a long-neglected store must stay in chunks too.
      const last = tier.nthBucketBefore.get(seriesId, before, limit - 1);
      if (last === undefined) return tier.deleteBefore.run(seriesId, before).changes;
      return tier.deleteThrough.run(seriesId, last).changes;
    },
  };
}

/**
 * Folds rows of `source` with bucket < `before` into `target` rows, merging with target rows already there
 * (earlier folds, or late results folded in a later run). The folded source rows are deleted in the same
 * transaction, so each result is counted in exactly one tier at every commit.
 */
function foldStep(
  source: TierStatements,
  target: TierStatements,
  before: number,
  tally: keyof CompactionTally,
): CompactionStep {
  const perTarget = target.tier.bucketMs / source.tier.bucketMs;
  return {
    tally,
    run: (seriesId, limit) => {
      const rows = source.oldestRows.all(seriesId, before, limit);
      const last = rows[rows.length - 1];
      if (!last) return 0;
      const folded = new Map<number, RollupAggregate>();
      for (const row of rows) {
        const bucket = Math.floor(row.bucket / perTarget);
        folded.set(bucket, mergeAggregates(folded.get(bucket) ?? emptyAggregate(), rowToAggregate(row)));
      }
      for (const [bucket, aggregate] of folded) {
        const existing = target.selectRow.get(seriesId, bucket);
        const merged = existing ? mergeAggregates(rowToAggregate(existing), aggregate) : aggregate;
        target.upsertRow.run(upsertParams(seriesId, bucket, merged));
      }
      // The rows read are exactly the series' rows up to `last`: ordered by bucket, and the primary key is unique.
      source.deleteThrough.run(seriesId, last.bucket);
      return rows.length;
    },
  };
}

/**
 * The steps of one compaction, in the order each series goes through them: expiry first (so nothing about to
 * be deleted is folded), then minutes into hours, then hours (including those just made) into days.
 */
export function compactionSteps(
  tiers: readonly [TierStatements, TierStatements, TierStatements],
  cutoffs: CompactionCutoffs,
): CompactionStep[] {
  const [minute, hour, day] = tiers;
  // A bucket b of width w ends at or before the retention cutoff when b < floor(cutoff / w).
  const expiry = tiers.map((tier) => expireStep(tier, Math.floor(cutoffs.retention / tier.tier.bucketMs)));
  return [
    ...expiry,
    foldStep(minute, hour, Math.floor(cutoffs.minute / minute.tier.bucketMs), 'minutesFolded'),
    foldStep(hour, day, Math.floor(cutoffs.hour / hour.tier.bucketMs), 'hoursFolded'),
  ];
}

/** What one turn did, and where the next one starts (`series` = the number of series when all are done). */
export interface CompactionTurn {
  tally: CompactionTally;
  position: CompactionPosition;
}

/**
 * Runs steps from `position` until about `budget` work units are spent or every series is done. Meant to run
 * inside one transaction.
 */
export function compactionTurn(
  steps: readonly CompactionStep[],
  seriesIds: readonly number[],
  position: CompactionPosition,
  budget: number,
): CompactionTurn {
  const tally: CompactionTally = { minutesFolded: 0, hoursFolded: 0, expired: 0 };
  let { series, step } = position;
  let left = budget;
  while (left > 0 && series < seriesIds.length) {
    const current = steps[step] as CompactionStep;
    const done = current.run(seriesIds[series] as number, left);
    tally[current.tally] += done;
    const finished = done < left;
    left -= done + 1;
    if (!finished) continue;
    step += 1;
    if (step === steps.length) {
      step = 0;
      series += 1;
    }
  }
  return { tally, position: { series, step } };
}

/**
 * Runs turns from the first series until all `seriesCount` are done, yielding to the event loop between turns
 * so checks and HTTP requests keep flowing. A rejected turn (abort, failure) stops the run; turns before it stay.
 */
export async function compactInTurns(
  seriesCount: number,
  runTurn: (position: CompactionPosition) => Promise<CompactionTurn>,
): Promise<CompactionTally> {
  const total: CompactionTally = { minutesFolded: 0, hoursFolded: 0, expired: 0 };
  let position: CompactionPosition = { series: 0, step: 0 };
  for (let turns = 0; position.series < seriesCount; turns++) {
    if (turns > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const turn = await runTurn(position);
    total.minutesFolded += turn.tally.minutesFolded;
    total.hoursFolded += turn.tally.hoursFolded;
    total.expired += turn.tally.expired;
    position = turn.position;
  }
  return total;
}
