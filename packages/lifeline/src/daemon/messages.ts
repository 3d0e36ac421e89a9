/**
 * What a channel delivers: one message per (effect, channel), stored as the payload of a `notify` outbox row so
 * the dispatcher needs nothing but the row and the channel's settings. Also the human text of each kind of
 * message, written once here so a webhook, Slack and every later channel say the same thing. Each channel kind
 * renders this one model into its own format (`src/channels/<kind>/`); nothing here is a secret.
 */
import type {
  Effect,
  Incident,
  IncidentStatus,
  NotifyPayload,
  RequestHumanPayload,
  RunActionPayload,
  StepStatus,
  TargetKind,
  TargetStatus,
} from '../engine/index.js';

/** Why a message is sent. `acknowledged` goes to the channels already notified in the episode. */
export type MessageKind =
  NotifyPayload['reason'] | 'acknowledged' | 'step' | 'ticket' | 'approval' | 'manual';

/** The step of the playbook run in progress when the message was built. */
export interface MessageStep {
  id: string;
  status: StepStatus;
  /** 1-based position and count, for "step 2 of 5". */
  position: number;
  count: number;
}

/** A response target still running (or breached) when the message was built; times are epoch ms. */
export interface MessageTarget {
  kind: TargetKind;
  dueAt: number;
  status: TargetStatus;
}

export interface ChannelMessage {
  /** The engine effect this message comes from (several channels share it). */
  effectId: string;
  incidentId: string;
  kind: MessageKind;
  /** Id of the workspace channel it goes to. */
  channel: string;
  /** One line a responder reads first. */
  title: string;
  /** The body: what happened and what to do. */
  text: string;
  severity: string;
  status: IncidentStatus;
  problem: string;
  episode: number;
  level?: number;
  cycle?: number;
  /** People the message is meant for (person ids). */
  people: string[];
  /** The escalation policy's fallback channel, used when this delivery is dead-lettered. */
  fallbackChannel?: string;
  /** Set on a message re-sent to a fallback channel: the id of the dead-lettered row it replaces. */
  fallbackFor?: string;
  // The fields below are optional: rows written by older versions lack them and still render.
  /** Integration, endpoints and internal services affected. */
  affected?: { integration: string; endpoints: string[]; dependents: string[] };
  currentStep?: MessageStep;
  /** Response targets not met yet (pending, at risk or breached), soonest first. */
  targets?: MessageTarget[];
  /** Epoch ms the incident (this episode) was triggered. */
  triggeredAt?: number;
  /** Who acknowledged, on `acknowledged` messages. */
  acknowledgedBy?: string;
  /** A link to the incident, when the workspace declares where Lifeline is reachable. */
  link?: string;
}

/** The parts of a message every kind shares, taken from the incident as the decision left it. */
function base(
  effect: Effect,
  incident: Incident,
): Omit<ChannelMessage, 'kind' | 'channel' | 'title' | 'text'> {
  // Read defensively: incidents stored by older versions (and partial test fixtures) may lack these parts.
  const { run, targets: all = [], affected } = incident as Partial<Incident>;
  const record = run?.steps[run.cursor];
  const targets = all
    .filter((t) => t.status === 'pending' || t.status === 'at-risk' || t.status === 'breached')
    .map((t) => ({ kind: t.kind, dueAt: t.dueAt, status: t.status }))
    .sort((a, b) => a.dueAt - b.dueAt);
  return {
    effectId: effect.id,
    incidentId: incident.id,
    severity: incident.severity,
    status: incident.status,
    problem: incident.problem,
    episode: incident.episode,
    people: [],
    ...(affected
      ? {
          affected: {
            integration: affected.integration,
            endpoints: [...affected.endpoints],
            dependents: [...affected.dependents],
          },
        }
      : {}),
    ...(run && record
      ? {
          currentStep: {
            id: record.stepId,
            status: record.status,
            position: run.cursor + 1,
            count: run.steps.length,
          },
        }
      : {}),
    targets,
    triggeredAt: incident.triggeredAt,
  };
}

const TARGET_NAMES = { acknowledge: 'acknowledge', firstAction: 'first action', resolve: 'resolve' } as const;

export function escalationMessage(
  effect: Effect & { kind: 'notify' },
  incident: Incident,
): Omit<ChannelMessage, 'channel'> {
  const payload = effect.payload;
  const head = `[${payload.severity}] ${incident.id}`;
  const level =
    payload.level !== undefined
      ? ` (level ${payload.level + 1}${payload.cycle ? `, repeat ${payload.cycle}` : ''})`
      : '';
  let title: string;
  const reason: MessageKind = payload.reason;
  switch (reason) {
    case 'acknowledged':
      title = `${head} acknowledged${incident.acknowledgedBy ? ` by ${incident.acknowledgedBy}` : ''}`;
      break;
    case 'resolved':
      title = `${head} resolved`;
      break;
    case 'breach':
      title = `${head} ${payload.status}: ${TARGET_NAMES[payload.target ?? 'acknowledge']} target breached${level}`;
      break;
    default:
      title = `${head} ${payload.status}${level}`;
  }
  return {
    ...base(effect, incident),
    kind: reason,
    title,
    text: `${title}: ${payload.problem}`,
    severity: payload.severity,
    status: payload.status,
    problem: payload.problem,
    people: [...payload.people],
    ...(payload.level !== undefined ? { level: payload.level } : {}),
    ...(payload.cycle !== undefined ? { cycle: payload.cycle } : {}),
    ...(payload.fallbackChannel ? { fallbackChannel: payload.fallbackChannel } : {}),
    ...(reason === 'acknowledged' && incident.acknowledgedBy
      ? { acknowledgedBy: incident.acknowledgedBy }
      : {}),
  };
}

/** A `notify` or `ticket` step (or compensation): the rendered template is the text. */
export function stepMessage(
  effect: Effect,
  incident: Incident,
  payload: Pick<RunActionPayload, 'stepId' | 'text'>,
  kind: 'step' | 'ticket',
): Omit<ChannelMessage, 'channel'> {
  const title =
    kind === 'ticket'
      ? `[${incident.severity}] ${incident.id}: ${payload.text}`
      : `${incident.id}: ${payload.text}`;
  return { ...base(effect, incident), kind, title, text: payload.text };
}

export function humanRequestMessage(
  effect: Effect,
  incident: Incident,
  payload: RequestHumanPayload,
): Omit<ChannelMessage, 'channel'> {
  const who = payload.who
    ? ` (${payload.who.team}${payload.who.role ? `, role ${payload.who.role}` : ''})`
    : '';
  const title =
    payload.kind === 'approval'
      ? `${incident.id} needs an approval${who}: step ${payload.stepId}`
      : `${incident.id} needs a manual step${who}: ${payload.stepId}`;
  const how =
    payload.kind === 'approval'
      ? `Approve or decline step ${payload.stepId} of ${incident.id} in Lifeline.`
      : `Mark step ${payload.stepId} of ${incident.id} done in Lifeline once it is.`;
  return {
    ...base(effect, incident),
    kind: payload.kind,
    title,
    text: `${title}\n${payload.text}\n${how}`,
    people: [...payload.people],
  };
}
