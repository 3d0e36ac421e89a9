/** How numbers and times read in the dashboard: one place, so every view says `1.2 s` and `3 min ago` alike. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction == null) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export function formatTime(at: number | null | undefined): string {
  if (at == null) return '—';
  return new Date(at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** `4m 12s`, `2h 05m`, `3d 4h`; negative durations read as overdue by the caller. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  return `${m}m ${String(sec).padStart(2, '0')}s`;
}

export function formatAgo(at: number | null | undefined, now: number): string {
  if (at == null) return 'never';
  const ms = now - at;
  return ms < 5000 ? 'just now' : `${formatDuration(ms)} ago`;
}
