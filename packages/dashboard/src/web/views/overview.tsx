/**
 * The health overview: every integration with its status, SLO gauge, p95 and error rate over the last hour, a
 * p95 sparkline, and the open incidents above it. Live: status and incident events refetch (debounced).
 */
import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { Gauge, Sparkline, StatusBadge } from '../components/charts';
import { useNow } from '../components/clock';
import { VirtualList } from '../components/virtual-list';
import { formatAgo, formatMs, formatPercent } from '../format';
import { Link } from '../router';
import type { IncidentSummary, IntegrationHealth, Page, Series } from '../types';
import { ErrorNote, useData } from '../use-data';
import { useLiveReload } from '../use-live-reload';
import { IncidentRow } from './incidents-list';

const ROW_HEIGHT = 52;

export function Overview() {
  const [filter, setFilter] = useState('');
  const integrations = useData(async (signal) => {
    // The list is paged; the overview shows every integration, so it reads pages of the largest size.
    const items: IntegrationHealth[] = [];
    let cursor: string | undefined;
    do {
      const page = await getJson<Page<IntegrationHealth>>('/integrations', { limit: 1000, cursor }, signal);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { items };
  }, []);
  const open = useData(async (signal) => {
    const pages = await Promise.all(
      (['triggered', 'acknowledged', 'mitigated'] as const).map((status) =>
        getJson<Page<IncidentSummary>>('/incidents', { status, limit: 100 }, signal),
      ),
    );
    return pages.flatMap((p) => p.items).sort((a, b) => b.openedAt - a.openedAt);
  }, []);
  useLiveReload(integrations.reload, (m) => m.type !== 'incident');
  useLiveReload(open.reload, (m) => m.type === 'incident');

  const needle = filter.trim().toLowerCase();
  const items = (integrations.data?.items ?? []).filter(
    (i) => needle === '' || `${i.id} ${i.name} ${i.owner} ${i.status}`.toLowerCase().includes(needle),
  );
  return (
    <>
      <h1>Overview</h1>
      <section aria-labelledby="open-incidents">
        <h2 id="open-incidents">Open incidents</h2>
        <ErrorNote error={open.error} />
        {open.data && open.data.length === 0 && <p class="muted">No open incidents.</p>}
        {open.data && open.data.length > 0 && (
          <ul class="plain" data-testid="open-incidents">
            {open.data.map((incident) => (
              <li key={incident.id}>
                <IncidentRow incident={incident} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="integrations-heading">
        <div class="section-head">
          <h2 id="integrations-heading">Integrations</h2>
          <label class="search">
            <span class="visually-hidden">Filter integrations</span>
            <input
              type="search"
              data-search
              placeholder="Filter (press /)"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          </label>
        </div>
        <ErrorNote error={integrations.error} />
        {integrations.loading && !integrations.data && <p class="muted">Loading…</p>}
        <div class="grid-head integration-grid" aria-hidden="true">
          <span>Integration</span>
          <span>Status</span>
          <span>SLO</span>
          <span>p95 (1h)</span>
          <span>Errors (1h)</span>
          <span>p95, last hour</span>
          <span>Open</span>
        </div>
        <VirtualList
          items={items}
          rowHeight={ROW_HEIGHT}
          height={Math.min(640, Math.max(items.length, 1) * ROW_HEIGHT)}
          label="Integrations"
          keyOf={(i) => i.id}
          renderRow={(i) => <IntegrationRow integration={i} />}
        />
      </section>
    </>
  );
}

function IntegrationRow(props: { integration: IntegrationHealth }) {
  const { integration: i } = props;
  const now = useNow(10_000);
  const hour = i.windows['1h'];
  const availability = i.slo?.availability;
  return (
    <div class="integration-grid row" data-testid={`integration-${i.id}`}>
      <span>
        <Link href={`/integrations/${encodeURIComponent(i.id)}`}>{i.name}</Link>
        <span class="muted small">
          {' '}
          {i.owner} · {formatAgo(i.lastResultAt, now)}
        </span>
      </span>
      <StatusBadge status={i.status} />
      <span>
        {availability ? (
          <Gauge
            actual={availability.actual}
            target={availability.target}
            met={availability.met}
            label="Availability"
          />
        ) : (
          <span class="muted">no SLO</span>
        )}
      </span>
      <span>{formatMs(hour?.p95)}</span>
      <span>{formatPercent(hour?.errorRate)}</span>
      <IntegrationSparkline id={i.id} generation={i.lastResultAt ?? 0} />
      <span>{i.openIncidents > 0 ? <strong>{i.openIncidents}</strong> : '0'}</span>
    </div>
  );
}

function IntegrationSparkline(props: { id: string; generation: number }) {
  // Refetched when the integration has a newer result, at most once a minute (the series' resolution).
  const minute = Math.floor(props.generation / 60_000);
  const series = useData(
    (signal) =>
      getJson<Series>(
        `/integrations/${encodeURIComponent(props.id)}/series`,
        { since: Date.now() - 3_600_000, resolution: 'minute' },
        signal,
      ),
    [props.id, minute],
  );
  return (
    <Sparkline values={(series.data?.points ?? []).map((p) => p.p95)} label={`p95 latency of ${props.id}`} />
  );
}
