/**
 * One integration: its checks (windowed list) and uPlot charts of latency (p50/p95/p99) and error rate over a
 * chosen range, with incident openings and recorded changes drawn as markers on the same time axis, so a deploy
 * that preceded a latency rise is visible at a glance.
 */
import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { StatusBadge } from '../components/charts';
import { TimeChart, type Marker } from '../components/time-chart';
import { VirtualList } from '../components/virtual-list';
import { formatMs, formatPercent, formatTime } from '../format';
import type { Change, CheckHealth, IncidentSummary, IntegrationHealth, Page, Series } from '../types';
import { ErrorNote, useData } from '../use-data';
import { useLiveReload } from '../use-live-reload';

const RANGES = { '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
type Range = keyof typeof RANGES;

export function IntegrationPage(props: { id: string }) {
  const { id } = props;
  const [range, setRange] = useState<Range>('1h');
  const path = `/integrations/${encodeURIComponent(id)}`;
  const detail = useData(
    (signal) => getJson<IntegrationHealth & { checks: CheckHealth[] }>(path, {}, signal),
    [id],
  );
  const charts = useData(
    async (signal) => {
      const until = Date.now();
      const since = until - RANGES[range];
      const [series, incidents, changes] = await Promise.all([
        getJson<Series>(`${path}/series`, { since, until }, signal),
        getJson<Page<IncidentSummary>>('/incidents', { integration: id, limit: 500 }, signal).catch(() => ({
          items: [],
        })),
        getJson<Page<Change>>('/changes', { integration: id, since, until, limit: 500 }, signal).catch(
          () => ({
            items: [],
          }),
        ),
      ]);
      const markers: Marker[] = [
        ...incidents.items
          .filter((i) => i.openedAt >= since)
          .map((i) => ({ at: i.openedAt, label: `${i.id}: ${i.problem}`, kind: 'incident' as const })),
        ...changes.items
          .filter((c) => c.at !== undefined)
          .map((c) => ({
            at: c.at ?? 0,
            label: c.summary ?? c.title ?? c.kind ?? 'change',
            kind: 'change' as const,
          })),
      ];
      return { series, markers, since, until };
    },
    [id, range],
  );
  useLiveReload(detail.reload, (m) => m.data.integration === id, 1000);

  const d = detail.data;
  const points = charts.data?.series.points ?? [];
  const xs = points.map((p) => p.start / 1000);
  return (
    <>
      <h1>
        {d?.name ?? id} {d && <StatusBadge status={d.status} />}
      </h1>
      <ErrorNote error={detail.error} />
      {d?.description && <p>{d.description}</p>}
      <fieldset class="ranges">
        <legend>Range</legend>
        {(Object.keys(RANGES) as Range[]).map((r) => (
          <label key={r}>
            <input type="radio" name="range" value={r} checked={range === r} onChange={() => setRange(r)} />{' '}
            {r}
          </label>
        ))}
      </fieldset>
      <ErrorNote error={charts.error} />
      {charts.data && (
        <>
          <TimeChart
            title="Latency (ms)"
            xs={xs}
            series={[
              { label: 'p50', values: points.map((p) => p.p50), color: 'var(--chart-1)' },
              { label: 'p95', values: points.map((p) => p.p95), color: 'var(--chart-2)' },
              { label: 'p99', values: points.map((p) => p.p99), color: 'var(--chart-3)' },
            ]}
            markers={charts.data.markers}
            range={[charts.data.since / 1000, charts.data.until / 1000]}
          />
          <TimeChart
            title="Error rate (%)"
            xs={xs}
            series={[
              {
                label: 'errors',
                values: points.map((p) => (p.errorRate == null ? null : p.errorRate * 100)),
                color: 'var(--chart-bad)',
              },
            ]}
            markers={charts.data.markers}
            range={[charts.data.since / 1000, charts.data.until / 1000]}
          />
          <MarkerList markers={charts.data.markers} />
        </>
      )}
      <h2>Checks</h2>
      <VirtualList
        items={d?.checks ?? []}
        rowHeight={48}
        height={Math.min(600, Math.max(d?.checks.length ?? 1, 1) * 48)}
        label="Checks"
        keyOf={(c) => c.id}
        renderRow={(c) => (
          <div class="check-row" data-testid={`check-${c.id}`}>
            <strong>{c.name ?? c.id}</strong>
            <span class="badge">{c.kind}</span>
            <StatusBadge status={c.status} />
            <span>{formatMs(c.latest?.latencyMs)}</span>
            <span class="check-message">{c.latest?.message ?? ''}</span>
          </div>
        )}
      />
      {d && (
        <p class="muted small">
          Last hour: p95 {formatMs(d.windows['1h']?.p95)}, errors {formatPercent(d.windows['1h']?.errorRate)}.
        </p>
      )}
    </>
  );
}

function MarkerList(props: { markers: Marker[] }) {
  if (props.markers.length === 0) return <p class="muted small">No incidents or changes in this range.</p>;
  return (
    <ul class="markers" aria-label="Incidents and changes in this range">
      {[...props.markers]
        .sort((a, b) => a.at - b.at)
        .map((m, index) => (
          <li key={index}>
            <span class={`marker-dot marker-${m.kind}`} aria-hidden="true" /> {formatTime(m.at)} {m.kind}:{' '}
            {m.label}
          </li>
        ))}
    </ul>
  );
}
