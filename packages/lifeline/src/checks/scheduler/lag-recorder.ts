/**
 * Scheduling lag (actual start minus scheduled start) of every run since the scheduler was created, kept in one
 * HdrHistogram: constant memory (about 8 KB: 1 ms to 1 h at 2 significant digits, growing only if a lag ever
 * exceeds an hour) whatever the number of runs, and percentiles within 1%.
 */
import { build, type Histogram } from 'hdr-histogram-js';

export interface LagSummary {
  p50: number;
  p99: number;
  max: number;
}

export class LagRecorder {
  private readonly histogram: Histogram = build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
  });

  /** Records one run's lag; a negative lag (the wall clock stepped back) counts as none. */
  record(lagMs: number): void {
    this.histogram.recordValue(Math.max(0, Math.round(lagMs)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** All zero before the first run. */
  summary(): LagSummary {
    if (this.histogram.totalCount === 0) return { p50: 0, p99: 0, max: 0 };
    return {
      p50: this.histogram.getValueAtPercentile(50),
      p99: this.histogram.getValueAtPercentile(99),
      max: this.histogram.maxValue,
    };
  }
}
