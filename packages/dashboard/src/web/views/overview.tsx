/**
 * The health overview: every integration with its status, SLO gauge, p95 and error rate over the last hour, a
 * p95 sparkline, and the open incidents above it. Live: status and incident events refetch (debounced).
 */
import { useEffect, useState } from 'preact/hooks';
import { getJson, prefetchJson } from '../api';
import { Gauge, Sparkline, StatusBadge } from '../components/charts';
import { useNow } from '../components/clock';
import { VirtualList } from '../components/virtual-list';
import { formatAgo, formatMs, formatPercent } from '../format';
import { Link } from '../router';
import type { IncidentSummary, IntegrationHealth, Page, Series, SloAttainment } from '../types';
import { ErrorNote, useData } from '../use-data';
import { useLiveReload } from '../use-live-reload';
import { IncidentRow } from './incidents-list';

const ROW_HEIGHT = 52;
/** As on the incidents page; a storm of open incidents scrolls in a box of this many rows. */
const INCIDENT_ROW_HEIGHT = 44;
const OPEN_ROWS_SHOWN = 6;
/** A `performance.mark` made once, when the integrations are first shown. */
const SHOWN_MARK = 'lifeline:integrations-shown';

const INTEGRATIONS_QUERY = { limit: 1000 };
const OPEN_QUERIES = (['triggered', 'acknowledged', 'mitigated'] as const).map((status) => ({
  status,
  limit: 100,
}));

/** Asks for the overview's first answers at start-up, before it is rendered (see `prefetchJson`). */
export function prefetchOverview(): void {
  prefetchJson('/integrations', INTEGRATIONS_QUERY);
  for (const query of OPEN_QUERIES) prefetchJson('/incidents', query);
}

export function Overview() {
  const [filter, setFilter] = useState('');
  const integrations = useData(async (signal) => {
    // The list is paged; the overview shows every integration, so it reads pages of the largest size.
    const items: IntegrationHealth[] = [];
    let cursor: string | undefined;
    do {
      const page = await getJson<Page<IntegrationHealth>>(
        '/integrations',
        { ...INTEGRATIONS_QUERY, cursor },
        signal,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { items };
  }, []);
  const open = useData(async (signal) => {
    const pages = await Promise.all(
      OPEN_QUERIES.map((query) => getJson<Page<IncidentSummary>>('/incidents', query, signal)),
    );
    return pages.flatMap((p) => p.items).sort((a, b) => b.openedAt - a.openedAt);
  }, []);
  useLiveReload(integrations.reload, (m) => m.type !== 'incident');
  useLiveReload(open.reload, (m) => m.type === 'incident');

  const shown = integrations.data !== undefined;
  useEffect(() => {
    // User timing for first-load measurements (bench/api.ts): when the integration rows are first on screen.
    if (shown && performance.getEntriesByName(SHOWN_MARK).length === 0) performance.mark(SHOWN_MARK);
  }, [shown]);

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
          <div data-testid="open-incidents">
            <VirtualList
              items={open.data}
              rowHeight={INCIDENT_ROW_HEIGHT}
              height={Math.min(OPEN_ROWS_SHOWN, open.data.length) * INCIDENT_ROW_HEIGHT}
              label="Open incidents"
              keyOf={(incident) => incident.id}
              renderRow={(incident) => <IncidentRow incident={incident} />}
            />
          </div>
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
        ) : i.slo ? (
          <SloTargets slo={i.slo} />
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

/** An SLO without an availability target: how many of its latency and error-rate targets are met. */
function SloTargets(props: { slo: SloAttainment }) {
  const { slo } = props;
  const targets = [
    ...slo.latency.map((t) => ({
      met: t.met,
      text: `${t.percentile} < ${formatMs(t.belowMs)}: ${formatMs(t.actualMs)}`,
    })),
    ...(slo.errorRate
      ? [
          {
            met: slo.errorRate.met,
            text: `errors < ${formatPercent(slo.errorRate.below, 2)}: ${formatPercent(slo.errorRate.actual, 2)}`,
          },
        ]
      : []),
  ];
  const judged = targets.filter((t) => t.met !== null);
  if (judged.length === 0) return <span class="muted">no data</span>;
  const met = judged.filter((t) => t.met).length;
  const text = targets
    .map((t) => `${t.text} (${t.met === null ? 'no data' : t.met ? 'met' : 'missed'})`)
    .join('; ');
  return (
    <span
      class={`badge ${met === judged.length ? 'status-met' : 'status-breached'}`}
      title={text}
      aria-label={`SLO: ${text}`}
    >
      {met}/{judged.length} met
    </span>
  );
}

let rowsPainted: Promise<void> | undefined;

/** Resolves once the browser is idle after the first rows were rendered (at most a second later). */
function afterRowsPainted(): Promise<void> {
  rowsPainted ??= new Promise<void>((resolve) => {
    if ('requestIdleCallback' in window) requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 200);
  });
  return rowsPainted;
}

function IntegrationSparkline(props: { id: string; generation: number }) {
  // Refetched when the integration has a newer result, at most once a minute (the series' resolution). The
  // first fetch waits for the rows to be painted: the sparklines are the least of the overview, and two dozen
  // series at once would hold up the rows on a busy machine.
  const minute = Math.floor(props.generation / 60_000);
  const series = useData(
    async (signal) => {
      await afterRowsPainted();
      return getJson<Series>(
        `/integrations/${encodeURIComponent(props.id)}/series`,
        { since: Date.now() - 3_600_000, resolution: 'minute' },
        signal,
      );
    },
    [props.id, minute],
  );
  return (
    <Sparkline values={(series.data?.points ?? []).map((p) => p.p95)} label={`p95 latency of ${props.id}`} />
  );
}
