/**
 * Small inline charts of the overview: a sparkline of p95 latency and a gauge of an SLO's attainment. Plain SVG
 * (no chart library for a few dozen points), each with a text alternative, since a picture alone says nothing to
 * a screen reader.
 */
import { formatMs, formatPercent } from '../format';

export function Sparkline(props: {
  values: (number | null)[];
  label: string;
  width?: number;
  height?: number;
}) {
  const { values, label, width = 120, height = 28 } = props;
  const present = values.filter((v): v is number => v != null);
  if (present.length < 2) {
    return (
      <span class="muted" aria-label={`${label}: not enough data`}>
        —
      </span>
    );
  }
  const max = Math.max(...present, 1);
  const step = width / (values.length - 1);
  let path = '';
  values.forEach((v, i) => {
    if (v == null) return;
    const x = i * step;
    const y = height - 2 - (v / max) * (height - 4);
    path += `${path === '' ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
  });
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      role="img"
      aria-label={`${label}, peak ${formatMs(max)}`}
    >
      <path d={path} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

/** A half-ring showing `actual` against `target` (fractions); green when met. */
export function Gauge(props: { actual: number | null; target: number; label: string; met: boolean | null }) {
  const { actual, target, label, met } = props;
  const r = 18;
  const circumference = Math.PI * r;
  const filled = actual == null ? 0 : Math.max(0, Math.min(1, actual)) * circumference;
  const text = `${label}: ${formatPercent(actual, 2)} of target ${formatPercent(target, 2)}`;
  return (
    <span class="gauge" title={text}>
      <svg width="44" height="26" viewBox="0 0 44 26" role="img" aria-label={text}>
        <path d="M4,22 A18,18 0 0 1 40,22" fill="none" class="gauge-track" stroke-width="5" />
        <path
          d="M4,22 A18,18 0 0 1 40,22"
          fill="none"
          class={met === false ? 'gauge-bad' : met ? 'gauge-good' : 'gauge-none'}
          stroke-width="5"
          stroke-dasharray={`${filled} ${circumference}`}
        />
      </svg>
      <span class="gauge-value">{formatPercent(actual, 2)}</span>
    </span>
  );
}

export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{props.status}</span>;
}
