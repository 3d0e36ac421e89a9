/** Command-line options and figure formatting shared by the benchmarks. */

/** A positive number from `--name VALUE`; exits 2 with a clear message otherwise. */
export function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
}

export function median(values: readonly number[]): number {
  // A missing figure (NaN) is left out rather than sorted somewhere arbitrary.
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

/** A whole number with thousands separators; `n/a` for infinities and NaN. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

/** A rate: one decimal below 100 a second, whole numbers above. */
export function fmtRate(value: number): string {
  return value >= 100 ? fmt(value) : value.toFixed(1);
}

/** Progress goes to stderr, so stdout holds only the figures. */
export function progress(message: string): void {
  process.stderr.write(`${message}\n`);
}
