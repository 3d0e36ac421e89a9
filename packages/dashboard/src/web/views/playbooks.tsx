/**
 * The playbook library and one playbook's plan: what an incident would look like, the response targets, who is
 * notified when nobody responds, and the steps with how they fare on the happy path (`GET …/plan`).
 */
import { getJson } from '../api';
import { formatDuration } from '../format';
import { Link } from '../router';
import type { Plan, PlaybookSummary } from '../types';
import { ErrorNote, useData } from '../use-data';

export function PlaybooksList() {
  const list = useData((signal) => getJson<{ items: PlaybookSummary[] }>('/playbooks', {}, signal), []);
  return (
    <>
      <h1>Playbooks</h1>
      <ErrorNote error={list.error} />
      <table class="table">
        <caption class="visually-hidden">Playbooks</caption>
        <thead>
          <tr>
            <th scope="col">Playbook</th>
            <th scope="col">Integration</th>
            <th scope="col">Severity</th>
            <th scope="col">Covers</th>
            <th scope="col">Steps</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={`/playbooks/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                {p.description && <div class="muted small">{p.description}</div>}
              </td>
              <td>{p.integration}</td>
              <td>{p.severity}</td>
              <td>{(p.covers ?? []).join(', ')}</td>
              <td>{p.steps}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function PlaybookPlan(props: { id: string }) {
  const plan = useData(
    (signal) => getJson<Plan>(`/playbooks/${encodeURIComponent(props.id)}/plan`, {}, signal),
    [props.id],
  );
  if (plan.error) return <ErrorNote error={plan.error} />;
  const p = plan.data;
  if (!p) return <p class="muted">Loading…</p>;
  return (
    <article>
      <p>
        <Link href="/playbooks">← Playbooks</Link>
      </p>
      <h1>{p.playbook.name}</h1>
      {p.playbook.description && <p>{p.playbook.description}</p>}
      <dl class="facts">
        <dt>Integration</dt>
        <dd>{p.playbook.integration}</dd>
        <dt>Severity</dt>
        <dd>{p.incident.severity.name}</dd>
        <dt>Owner</dt>
        <dd>{p.incident.ownerTeam.name ?? p.incident.ownerTeam.id}</dd>
        <dt>Problem (sample)</dt>
        <dd>{p.incident.problem}</dd>
        <dt>Trigger</dt>
        <dd>{p.trigger.signals.join('; ')}</dd>
      </dl>
      <h2>Response targets</h2>
      <ul>
        {p.responseTargets.map((t) => (
          <li key={t.kind}>
            {t.kind}: within {formatDuration(t.durationMs)}
          </li>
        ))}
      </ul>
      <h2>Steps</h2>
      <ol class="steps">
        {p.steps.map((s) => (
          <li key={s.id} class="step">
            <span class="badge">{s.action}</span> <strong>{s.name ?? s.id}</strong> <span>{s.summary}</span>{' '}
            <span class="muted small">
              happy path: {s.happyPath}
              {s.condition ? ` · if ${s.condition}` : ''}
              {s.who ? ` · who: ${s.who.people.join(', ')}` : ''}
            </span>
          </li>
        ))}
      </ol>
      <h2>When nobody responds</h2>
      <ol class="timeline">
        {[
          ...p.escalation.notifications.map((n) => ({
            at: n.atMs,
            text: `notify (level ${n.level + 1}, ${n.reason}): ${[...n.people, ...n.channels].join(', ')}`,
          })),
          ...p.escalation.clock.map((c) => ({ at: c.atMs, text: c.text })),
        ]
          .sort((a, b) => a.at - b.at)
          .map((e, index) => (
            <li key={index}>
              <span class="muted">+{formatDuration(e.at)}</span> {e.text}
            </li>
          ))}
      </ol>
      {p.checks.length > 0 && (
        <>
          <h2>Static checks</h2>
          <ul>
            {p.checks.map((c, index) => (
              <li key={index}>
                <span class="badge">{c.severity ?? 'note'}</span> {c.message}{' '}
                <span class="muted">{c.subject}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}
