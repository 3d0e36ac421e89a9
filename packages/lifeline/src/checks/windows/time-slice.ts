/**
 * One time slice of one key's rolling window (e.g. 10 s of `check:charges-up`): how many results, how many
 * failed, counts by failure class, and their latencies.
 *
 * Latencies start as a short list of raw values and become an HdrHistogram only once the slice holds more than
 * `PROMOTE_AT` of them. Why: an HdrHistogram costs 1.5–8 KB even when empty, and most slices are sparse (a check
 * every 30 s puts 0 or 1 value in a 10 s slice), so one histogram per slice per key would cost ~45–240 KB per key,
 * 0.5–2.4 GB for 10,000 checks. Raw values cost 4 bytes each; both paths are merged into the same HdrHistogram on
 * read, so percentiles have HdrHistogram precision whichever way a slice stored them.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { FAILURE_CLASSES, type FailureClass } from '../check-result.js';

/** Above this many latencies in one slice, they move into a histogram (8 KB, constant from then on). */
export const PROMOTE_AT = 256;

/** The largest latency kept as is; longer ones count as this (a check timing out after an hour is rare). */
export const MAX_LATENCY_MS = 3_600_000;

const CLASS_INDEX: ReadonlyMap<FailureClass, number> = new Map(FAILURE_CLASSES.map((c, i) => [c, i]));
const OK_INDEX = CLASS_INDEX.get('ok') ?? 0;

/**
 * 1 ms to 1 h at 2 significant digits (values within 1%): 2,048 32-bit counts, 8 KB. Fixed size (no auto-resize,
 * values are clamped), so a key's memory has a hard bound.
 */
export function newLatencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_LATENCY_MS,
    numberOfSignificantValueDigits: 2,
    autoResize: false,
  });
}

/** Whole milliseconds within the histogram's range (negative or NaN latencies count as 0). */
export function latencyValue(latencyMs: number): number {
  if (!(latencyMs > 0)) return 0;
  return Math.min(Math.round(latencyMs), MAX_LATENCY_MS);
}

export interface TimeSlice {
  /** `floor(time / sliceMs)`: which stretch of time this slice holds. */
  index: number;
  count: number;
  failures: number;
  /**
   * Counts per class, indexed like `FAILURE_CLASSES`; `null` while every result was `ok` (the common case, which
   * then costs no array).
   */
  classCounts: number[] | null;
  /**
   * Raw latencies while the slice is sparse; `null` when empty or promoted. Created as a one-element literal so
   * the usual single sample costs 4 bytes of array, not V8's default growth of 17 slots.
   */
  samples: number[] | null;
  /** The latencies once the slice is dense; kept (reset) when the slot is reused. */
  histogram: Histogram | null;
}

export function newSlice(index: number): TimeSlice {
  return { index, count: 0, failures: 0, classCounts: null, samples: null, histogram: null };
}

/** Empties a slice for reuse by a later stretch of time; a histogram is kept (reset) to avoid reallocating it. */
export function resetSlice(slice: TimeSlice, index: number): void {
  slice.index = index;
  slice.count = 0;
  slice.failures = 0;
  slice.classCounts = null;
  slice.samples = null;
  slice.histogram?.reset();
}

/** Adds one result. */
export function addToSlice(
  slice: TimeSlice,
  latencyMs: number,
  failureClass: FailureClass,
  ok: boolean,
): void {
  const classIndex = CLASS_INDEX.get(failureClass) ?? OK_INDEX;
  if (classIndex !== OK_INDEX && slice.classCounts === null) {
    slice.classCounts = new Array<number>(FAILURE_CLASSES.length).fill(0);
    slice.classCounts[OK_INDEX] = slice.count;
  }
  if (slice.classCounts !== null) slice.classCounts[classIndex] = (slice.classCounts[classIndex] ?? 0) + 1;
  slice.count++;
  if (!ok) slice.failures++;
  const value = latencyValue(latencyMs);
  if (slice.histogram !== null) {
    slice.histogram.recordValue(value);
    return;
  }
  const samples = slice.samples;
  if (samples === null) {
    slice.samples = [value];
    return;
  }
  samples.push(value);
  if (samples.length > PROMOTE_AT) {
    const histogram = newLatencyHistogram();
    for (const sample of samples) histogram.recordValue(sample);
    slice.histogram = histogram;
    slice.samples = null;
  }
}

/** Running totals over several slices, with latencies merged into one histogram. */
export interface SliceTotals {
  count: number;
  failures: number;
  classCounts: number[];
  latencies: Histogram;
}

/** Adds a slice's content to `totals`. */
export function mergeSlice(totals: SliceTotals, slice: TimeSlice): void {
  totals.count += slice.count;
  totals.failures += slice.failures;
  if (slice.classCounts === null) {
    totals.classCounts[OK_INDEX] = (totals.classCounts[OK_INDEX] ?? 0) + slice.count;
  } else {
    for (let i = 0; i < slice.classCounts.length; i++) {
      totals.classCounts[i] = (totals.classCounts[i] ?? 0) + (slice.classCounts[i] ?? 0);
    }
  }
  if (slice.histogram !== null) totals.latencies.add(slice.histogram);
  else if (slice.samples !== null) for (const sample of slice.samples) totals.latencies.recordValue(sample);
}
