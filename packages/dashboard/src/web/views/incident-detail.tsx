/**
 * One incident: status, countdown to each response target, playbook steps with their state, the timeline, linked
 * changes and similar past incidents. Responders and admins get the commands (acknowledge, mitigate, resolve,
 * note, approve/decline an approval, complete a manual step); viewers get none. Everything the incident carries
 * (problem, notes, step details) is rendered as text.
 */
import { useState } from 'preact/hooks';
import { ApiError, getJson, postCommand } from '../api';
import { StatusBadge } from '../components/charts';
import { useNow } from '../components/clock';
import { formatDuration, formatTime } from '../format';
import { Link } from '../router';
import { canRespond, useMe } from '../session-context';
import type { Incident, Plan, PlanStep, StepRecord } from '../types';
import { ErrorNote, useData } from '../use-data';
import { useLiveReload } from '../use-live-reload';

const TARGET_NAMES: Record<string, string> = {
  acknowledge: 'Acknowledge',
  firstAction: 'First action',
  resolve: 'Resolve',
};

export function IncidentDetail(props: { id: string }) {
  const { id } = props;
  const me = useMe();
  const incident = useData(
    (signal) => getJson<Incident>(`/incidents/${encodeURIComponent(id)}`, {}, signal),
    [id],
  );
  const playbookId = incident.data?.playbookId;
  const plan = useData(
    async (signal) =>
      playbookId
        ? await getJson<Plan>(`/playbooks/${encodeURIComponent(playbookId)}/plan`, {}, signal).catch(
            () => undefined,
          )
        : undefined,
    [playbookId],
  );
  useLiveReload(incident.reload, (m) => m.type === 'incident' && m.data.id === id, 100);
  const [actionError, setActionError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const act = async (label: string, path: string, body: Record<string, string> = {}) => {
    setActionError(undefined);
    setNotice(undefined);
    try {
      const answer = await postCommand<Incident & { note?: string }>(
        `/incidents/${encodeURIComponent(id)}${path}`,
        body,
      );
      setNotice(answer.note ? `${label}: ${answer.note}` : `${label}: done`);
    } catch (error) {
      setActionError(`${label} failed: ${error instanceof ApiError ? error.message : String(error)}`);
    }
    incident.reload();
  };

  if (incident.error) return <ErrorNote error={incident.error} />;
  const data = incident.data;
  if (!data) return <p class="muted">Loading…</p>;
  const responder = canRespond(me.role);
  const stepsById = new Map((plan.data?.steps ?? []).map((s) => [s.id, s]));
  return (
    <article aria-labelledby="incident-title">
      <p>
        <Link href="/incidents">← Incidents</Link>
      </p>
      <h1 id="incident-title">
        {data.id} <StatusBadge status={data.status} /> <span class="badge">{data.severity}</span>
      </h1>
      <p class="problem-statement" data-testid="problem">
        {data.problem}
      </p>
      <dl class="facts">
        <dt>Integration</dt>
        <dd>
          <Link href={`/integrations/${encodeURIComponent(data.integration)}`}>{data.integration}</Link>
        </dd>
        <dt>Playbook</dt>
        <dd>
          <Link href={`/playbooks/${encodeURIComponent(data.playbookId)}`}>{data.playbookId}</Link>
        </dd>
        <dt>Owner</dt>
        <dd>{data.ownerTeam}</dd>
        <dt>Opened</dt>
        <dd>{formatTime(data.openedAt)}</dd>
        {data.acknowledgedBy && (
          <>
            <dt>Acknowledged by</dt>
            <dd>{data.acknowledgedBy}</dd>
          </>
        )}
        {data.assignee && (
          <>
            <dt>Assignee</dt>
            <dd>{data.assignee}</dd>
          </>
        )}
      </dl>

      <Countdowns incident={data} />

      {responder && data.status !== 'resolved' && (
        <section aria-label="Actions" class="actions" data-testid="actions">
          {data.status === 'triggered' && (
            <button type="button" onClick={() => act('Acknowledge', '/ack')}>
              Acknowledge
            </button>
          )}
          {(data.status === 'triggered' || data.status === 'acknowledged') && (
            <button type="button" onClick={() => act('Mitigate', '/mitigate')}>
              Mark mitigated
            </button>
          )}
          <button type="button" onClick={() => act('Resolve', '/resolve')}>
            Resolve
          </button>
          <NoteForm onNote={(text) => act('Note', '/note', { text })} />
        </section>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {actionError && (
        <p class="error" role="alert">
          {actionError}
        </p>
      )}

      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">Playbook steps (run {data.run.status})</h2>
        {data.run.steps.length === 0 && <p class="muted">This playbook has no steps.</p>}
        <ol class="steps">
          {data.run.steps.map((step) => (
            <StepItem
              key={step.stepId}
              step={step}
              plan={stepsById.get(step.stepId)}
              canAct={responder && data.status !== 'resolved'}
              act={act}
            />
          ))}
        </ol>
      </section>

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol class="timeline" data-testid="timeline">
          {[...data.timeline].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <time dateTime={new Date(entry.at).toISOString()}>{formatTime(entry.at)}</time>{' '}
              <span class="badge">{entry.kind}</span> <span class="muted">{entry.actor}</span>{' '}
              <span class="entry-text">{entry.text}</span>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">Linked changes</h2>
        {(data.changes ?? []).length === 0 ? (
          <p class="muted">No recorded change near this incident.</p>
        ) : (
          <ul>
            {(data.changes ?? []).map((change, index) => (
              <li key={change.id ?? index}>
                {formatTime(change.at)} <span class="badge">{change.kind ?? 'change'}</span>{' '}
                {change.summary ?? change.title ?? change.id}
                {change.by ? <span class="muted"> by {change.by}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="similar-heading">
        <h2 id="similar-heading">Similar past incidents</h2>
        {(data.similar ?? []).length === 0 ? (
          <p class="muted">None resolved before.</p>
        ) : (
          <ul>
            {(data.similar ?? []).map((other) => (
              <li key={other.id}>
                <Link href={`/incidents/${encodeURIComponent(other.id)}`}>{other.id}</Link>{' '}
                {other.problem ?? ''}
                {other.resolution ? (
                  <span class="muted">
                    {' — resolved '}
                    {other.resolution.automatic ? 'automatically' : `by ${other.resolution.by}`}
                    {other.resolution.note ? `: ${other.resolution.note}` : ''}
                    {(other.stepsSucceeded ?? []).length > 0
                      ? ` (steps: ${(other.stepsSucceeded ?? []).join(', ')})`
                      : ''}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

function Countdowns(props: { incident: Incident }) {
  const now = useNow();
  // The daemon's clock may differ from the browser's: correct by the offset it reported with the answer.
  const skew = props.incident.now !== undefined ? props.incident.now - Date.now() : 0;
  const targets = props.incident.targets;
  if (targets.length === 0) return null;
  return (
    <section aria-labelledby="targets-heading">
      <h2 id="targets-heading">Response targets</h2>
      <ul class="countdowns">
        {targets.map((target) => {
          const remaining = target.dueAt - (now + skew);
          const open =
            target.status === 'pending' || target.status === 'at-risk' || target.status === 'breached';
          return (
            <li key={target.kind} class={`target target-${target.status}`}>
              <strong>{TARGET_NAMES[target.kind] ?? target.kind}</strong>{' '}
              <span class="badge">{target.status}</span>{' '}
              {open ? (
                <span role="timer" aria-live="off">
                  {remaining >= 0
                    ? `due in ${formatDuration(remaining)}`
                    : `overdue by ${formatDuration(remaining)}`}
                </span>
              ) : (
                <span class="muted">due {formatTime(target.dueAt)}</span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function StepItem(props: {
  step: StepRecord;
  plan: PlanStep | undefined;
  canAct: boolean;
  act: (label: string, path: string, body?: Record<string, string>) => Promise<void>;
}) {
  const { step, plan, canAct, act } = props;
  const waiting = step.status === 'waiting';
  const kind = plan?.action;
  const approval = kind === 'approval';
  const manual = kind === 'manual';
  const unknown = kind === undefined;
  return (
    <li class={`step step-${step.status}`} data-testid={`step-${step.stepId}`}>
      <span class="badge">{step.status}</span> <strong>{plan?.name ?? step.stepId}</strong>{' '}
      {plan && <span class="muted">{plan.summary}</span>}
      {step.detail && <div class="step-detail">{step.detail}</div>}
      {step.by && <div class="muted small">by {step.by}</div>}
      {canAct && waiting && (
        <span class="step-actions">
          {(approval || unknown) && (
            <>
              <button type="button" onClick={() => act('Approve', '/approve', { step: step.stepId })}>
                Approve
              </button>
              <button type="button" onClick={() => act('Decline', '/decline', { step: step.stepId })}>
                Decline
              </button>
            </>
          )}
          {(manual || unknown) && (
            <button
              type="button"
              onClick={() => act('Step done', `/steps/${encodeURIComponent(step.stepId)}/done`)}
            >
              Mark step done
            </button>
          )}
        </span>
      )}
    </li>
  );
}

function NoteForm(props: { onNote: (text: string) => Promise<void> }) {
  const [text, setText] = useState('');
  return (
    <form
      class="note-form"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!text.trim()) return;
        await props.onNote(text);
        setText('');
      }}
    >
      <label for="note-text">Note</label>
      <input id="note-text" value={text} onInput={(e) => setText(e.currentTarget.value)} maxLength={10_000} />
      <button type="submit">Add note</button>
    </form>
  );
}
