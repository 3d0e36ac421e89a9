/**
 * The incidents list with filters (status, severity, integration, free text), newest first, windowed so a long
 * history stays fast. Live: any incident event refetches the list.
 */
import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { StatusBadge } from '../components/charts';
import { useNow } from '../components/clock';
import { VirtualList } from '../components/virtual-list';
import { formatAgo } from '../format';
import { Link } from '../router';
import type { IncidentStatus, IncidentSummary, Page } from '../types';
import { ErrorNote, useData } from '../use-data';
import { useLiveReload } from '../use-live-reload';

const STATUSES: IncidentStatus[] = ['triggered', 'acknowledged', 'mitigated', 'resolved'];
const MAX_PAGES = 20;

export function IncidentRow(props: { incident: IncidentSummary }) {
  const { incident } = props;
  const now = useNow(10_000);
  return (
    <div class="incident-row" data-testid={`incident-${incident.id}`}>
      <Link href={`/incidents/${encodeURIComponent(incident.id)}`}>{incident.id}</Link>
      <StatusBadge status={incident.status} />
      <span class="badge">{incident.severity}</span>
      <span class="problem">{incident.problem}</span>
      <span class="muted small">
        {incident.integration} · {formatAgo(incident.openedAt, now)}
      </span>
    </div>
  );
}

export function IncidentsList() {
  const [status, setStatus] = useState<string>('');
  const [severity, setSeverity] = useState('');
  const [integration, setIntegration] = useState('');
  const [text, setText] = useState('');
  const list = useData(
    async (signal) => {
      const items: IncidentSummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await getJson<Page<IncidentSummary>>(
          '/incidents',
          {
            status: status || undefined,
            severity: severity || undefined,
            integration: integration || undefined,
            limit: 500,
            cursor,
          },
          signal,
        );
        items.push(...answer.items);
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      return items.sort((a, b) => b.openedAt - a.openedAt);
    },
    [status, severity, integration],
  );
  useLiveReload(list.reload, (m) => m.type === 'incident');
  const needle = text.trim().toLowerCase();
  const items = (list.data ?? []).filter(
    (i) => needle === '' || `${i.id} ${i.problem} ${i.integration}`.toLowerCase().includes(needle),
  );
  return (
    <>
      <h1>Incidents</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter incidents">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <input value={severity} onChange={(e) => setSeverity(e.currentTarget.value)} placeholder="SEV1" />
        </label>
        <label>
          Integration
          <input
            value={integration}
            onChange={(e) => setIntegration(e.currentTarget.value)}
            placeholder="payments"
          />
        </label>
        <label>
          Search
          <input
            type="search"
            data-search
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder="press /"
          />
        </label>
      </form>
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 && <p class="muted">No incidents match.</p>}
      <VirtualList
        items={items}
        rowHeight={44}
        height={Math.min(700, Math.max(items.length, 1) * 44)}
        label="Incidents"
        keyOf={(i) => i.id}
        renderRow={(i) => <IncidentRow incident={i} />}
      />
    </>
  );
}
