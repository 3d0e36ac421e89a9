/**
 * Effects as outbox rows, written in the same transaction as the decision that emitted them. Messages fan out to
 * one row per channel (id `<effect id>@<channel>`, still deterministic, so replaying a decision inserts nothing
 * new and a receiver sees each idempotency key once); people and teams are reached through their teams'
 * channels. Every other effect is one row for the daemon's own executors, in a lane of its own per step so a
 * long `wait` never holds up the incident's messages (rows of one incident and lane are claimed in order).
 */
import {
  assertNever,
  renderTemplate,
  type EngineConfig,
  type Effect,
  type Incident,
} from '../engine/index.js';
import type { OutboxRecord } from '../store/engine-records.js';
import { escalationMessage, humanRequestMessage, stepMessage, type ChannelMessage } from './messages.js';

/** Outbox row kinds the dispatcher handles besides the engine's effect kinds. */
export const MESSAGE_ROW_KIND = 'notify';

/** The row id of a message to one channel. */
export function messageRowId(effectId: string, channel: string): string {
  return `${effectId}@${channel}`;
}

/** Channels of the teams of `people`, then of `teams`, without repeats, in that order. */
export function channelsOfPeople(
  config: EngineConfig,
  people: readonly string[],
  teams: readonly string[] = [],
): string[] {
  const channels = new Set<string>();
  const teamIds = new Set<string>();
  for (const person of people) for (const team of config.people.get(person) ?? []) teamIds.add(team);
  for (const team of teams) teamIds.add(team);
  for (const team of teamIds)
    for (const channel of config.teams.get(team)?.channels ?? []) channels.add(channel);
  return [...channels];
}

function messageRows(
  effect: Effect,
  message: Omit<ChannelMessage, 'channel'>,
  channels: readonly string[],
  now: number,
): OutboxRecord[] {
  const targets = channels.length > 0 ? channels : message.fallbackChannel ? [message.fallbackChannel] : [];
  if (targets.length === 0) {
    // Nobody is reachable: the row is dead-lettered by the dispatcher with the reason, rather than dropped.
    return [
      {
        id: messageRowId(effect.id, '-'),
        incidentId: effect.incidentId,
        kind: MESSAGE_ROW_KIND,
        payload: { ...message, channel: '' },
        createdAt: now,
      },
    ];
  }
  return [...new Set(targets)].map((channel) => ({
    id: messageRowId(effect.id, channel),
    incidentId: effect.incidentId,
    kind: MESSAGE_ROW_KIND,
    channel,
    payload: { ...message, channel } satisfies ChannelMessage,
    createdAt: now,
  }));
}

/** Channels a `notify` or `ticket` action writes to; a notify naming nobody goes to the owner team. */
function actionChannels(
  config: EngineConfig,
  incident: Incident,
  action: { action: string; channels?: string[]; teams?: string[]; channel?: string },
): string[] {
  if (action.action === 'ticket') return action.channel ? [action.channel] : [];
  const named = [...(action.channels ?? []), ...channelsOfPeople(config, [], action.teams ?? [])];
  if (named.length > 0 || action.channels !== undefined || action.teams !== undefined)
    return [...new Set(named)];
  return channelsOfPeople(config, [], [incident.ownerTeam]);
}

function actionRow(effect: Effect, lane: string, now: number): OutboxRecord {
  return {
    id: effect.id,
    incidentId: effect.incidentId,
    kind: effect.kind,
    channel: lane,
    payload: effect.payload,
    createdAt: now,
  };
}

/** The rows of one effect of a decision about `incident`. */
export function outboxRowsOf(
  config: EngineConfig,
  incident: Incident,
  effect: Effect,
  now: number,
): OutboxRecord[] {
  switch (effect.kind) {
    case 'notify': {
      const payload = effect.payload;
      const channels = [...new Set([...payload.channels, ...channelsOfPeople(config, payload.people)])];
      return messageRows(effect, escalationMessage(effect, incident), channels, now);
    }
    case 'request-human': {
      const payload = effect.payload;
      const team = payload.who?.team ?? incident.ownerTeam;
      const channels = channelsOfPeople(config, [], [team]);
      return messageRows(effect, humanRequestMessage(effect, incident, payload), channels, now);
    }
    case 'run-action': {
      const { step, stepId, text } = effect.payload;
      const row = actionRow(effect, `step:${stepId}`, now);
      if (step.action !== 'notify' && step.action !== 'ticket') return [row];
      const kind = step.action === 'ticket' ? 'ticket' : 'step';
      const message = stepMessage(effect, incident, { stepId, text }, kind);
      return [...messageRows(effect, message, actionChannels(config, incident, step), now), row];
    }
    case 'compensate': {
      const { action, stepId } = effect.payload;
      const row = actionRow(effect, `compensate:${stepId}`, now);
      if (action.action !== 'notify' && action.action !== 'ticket') return [row];
      const template = action.action === 'notify' ? action.message : action.title;
      const text = renderTemplate(template ?? `undo of ${stepId}`, effect.payload.vars);
      const message = stepMessage(
        effect,
        incident,
        { stepId, text },
        action.action === 'ticket' ? 'ticket' : 'step',
      );
      return [...messageRows(effect, message, actionChannels(config, incident, action), now), row];
    }
    case 'evaluate-condition':
      return [actionRow(effect, `condition:${effect.payload.stepId}`, now)];
    case 'watch-guard':
      return [actionRow(effect, `guard:${effect.payload.stepId}`, now)];
    case 'follow-up':
      return [actionRow(effect, 'follow-up', now)];
    default:
      return assertNever(effect, 'effect');
  }
}
