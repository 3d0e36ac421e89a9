/**
 * Human formatting of what signals measure, for descriptions and problem statements: latencies (`850ms`,
 * `1.2s`), time spans (`2m`, `1h 30m`), fractions (`1.44%`), factors (`14.4×`) and days.
 */

/** Three significant digits, without trailing zeros: enough to read, not enough to look falsely precise. */
function short(n: number): string {
  return String(Number(n.toPrecision(3)));
}

/** A latency: `850ms`, `1.2s`, `12.3s`. */
export function formatLatency(ms: number): string {
  if (Math.abs(ms) < 1000) return `${Math.abs(ms) < 10 ? short(ms) : Math.round(ms)}ms`;
  return `${short(ms / 1000)}s`;
}

const SPAN_UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
] as const;

/** A span of time in its two largest units, rounded down: `45s`, `2m`, `2m 5s`, `1h 30m`, `3d 4h`. */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const index = SPAN_UNITS.findIndex(([, size]) => ms >= size);
  const [unit, size] = SPAN_UNITS[index]!;
  const whole = Math.floor(ms / size);
  const next = SPAN_UNITS[index + 1];
  const rest = next ? Math.floor((ms - whole * size) / next[1]) : 0;
  return next && rest > 0 ? `${whole}${unit} ${rest}${next[0]}` : `${whole}${unit}`;
}

/** A fraction as a percentage: 0.0144 → `1.44%`. */
export function formatPercent(fraction: number): string {
  return `${short(fraction * 100)}%`;
}

/** A multiplying factor, e.g. a burn rate: `14.4×`. */
export function formatFactor(factor: number): string {
  return `${short(factor)}×`;
}

/** A number of days: `1 day`, `12 days`, `0.5 days`. */
export function formatDays(days: number): string {
  return `${short(days)} ${days === 1 ? 'day' : 'days'}`;
}
