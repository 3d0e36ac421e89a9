/**
 * A uPlot time chart with vertical markers (incident openings, changes) drawn on the same axis. uPlot draws on a
 * canvas, so the chart has a text summary for screen readers; marker labels appear in the list beside it.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Marker {
  at: number;
  label: string;
  kind: 'incident' | 'change';
}

export interface TimeChartProps {
  title: string;
  /** Seconds since the epoch (uPlot's time unit). */
  xs: number[];
  series: { label: string; values: (number | null)[]; color: string }[];
  markers: Marker[];
  range: [number, number];
}

function cssColor(value: string, element: HTMLElement): string {
  const match = /^var\((--[\w-]+)\)$/.exec(value);
  return match?.[1] ? getComputedStyle(element).getPropertyValue(match[1]).trim() || '#888' : value;
}

export function TimeChart(props: TimeChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const markerColors = {
      incident: cssColor('var(--chart-bad)', element),
      change: cssColor('var(--chart-change)', element),
    };
    const axisColor = cssColor('var(--fg-muted)', element);
    const markersPlugin: uPlot.Plugin = {
      hooks: {
        draw: (u) => {
          const { ctx } = u;
          ctx.save();
          ctx.lineWidth = 2;
          ctx.setLineDash([4, 3]);
          for (const marker of props.markers) {
            const x = u.valToPos(marker.at / 1000, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = markerColors[marker.kind];
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      },
    };
    const width = Math.max(320, element.clientWidth || 800);
    const options: uPlot.Options = {
      width,
      height: 220,
      plugins: [markersPlugin],
      scales: { x: { time: true, range: () => props.range } },
      axes: [
        { stroke: axisColor, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        { stroke: axisColor, grid: { stroke: 'rgba(128,128,128,0.2)' } },
      ],
      series: [
        {},
        ...props.series.map((s) => ({
          label: s.label,
          stroke: cssColor(s.color, element),
          width: 2,
          spanGaps: false,
        })),
      ],
    };
    const data = [props.xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData;
    const plot = new uPlot(options, data, element);
    const onResize = () => plot.setSize({ width: Math.max(320, element.clientWidth || 800), height: 220 });
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('resize', onResize);
      plot.destroy();
    };
  }, [props.xs, props.series, props.markers, props.range]);
  const summary =
    props.xs.length === 0
      ? 'no results in this range'
      : props.series
          .map((s) => {
            const present = s.values.filter((v): v is number => v != null);
            return `${s.label} peak ${present.length ? Math.max(...present).toFixed(1) : '—'}`;
          })
          .join(', ');
  return (
    <figure class="chart">
      <figcaption>
        <strong>{props.title}</strong> <span class="muted small">({summary})</span>
      </figcaption>
      <div ref={host} role="img" aria-label={`${props.title}: ${summary}`} />
    </figure>
  );
}
