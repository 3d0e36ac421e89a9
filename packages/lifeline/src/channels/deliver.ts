/**
 * Delivers one message to the workspace channel it names, looked up in the workspace as it is now (a reload may
 * have changed a URL). Unknown channels and messages that reach nobody fail as non-retriable, so they are
 * dead-lettered at once with the reason instead of waiting for ever. Every kind has its sender in `SENDERS`.
 */
import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import { NonRetriableError } from '../errors.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import type { ChannelMessage } from '../daemon/messages.js';
import type { Channel, Workspace } from '../workspace/model.js';
import type { ChannelSender, DeliveryContext, DeliveryReceipt } from './channel.js';
import { emailChannel } from './email/email-channel.js';
import { githubChannel } from './github/github-channel.js';
import { jiraChannel } from './jira/jira-channel.js';
import { pagerdutyChannel } from './pagerduty/pagerduty-channel.js';
import { slackChannel } from './slack/slack-channel.js';
import { teamsChannel } from './teams/teams-channel.js';
import { webhookChannel } from './webhook/webhook-channel.js';

/** The sender of each channel kind: adding a kind to the schema fails to compile until it has one. */
const SENDERS: { [K in Channel['kind']]: ChannelSender<K> } = {
  webhook: webhookChannel,
  slack: slackChannel,
  teams: teamsChannel,
  pagerduty: pagerdutyChannel,
  email: emailChannel,
  jira: jiraChannel,
  github: githubChannel,
};

function send<K extends Channel['kind']>(
  channel: Extract<Channel, { kind: K }>,
  message: ChannelMessage,
  context: DeliveryContext,
): Promise<DeliveryReceipt> {
  return (SENDERS[channel.kind] as ChannelSender<K>).send(channel, message, context);
}

export interface DeliverOptions {
  signal: AbortSignal;
  now: () => number;
  idempotencyKey: string;
  env?: Readonly<Record<string, string | undefined>>;
  http?: Dispatcher;
  /** Receipts of earlier delivered messages of the same incident to the same channel, oldest first. */
  priorReceipts?: () => Promise<DeliveryReceipt[]>;
}

export async function deliverMessage(
  workspace: Workspace,
  message: ChannelMessage,
  options: DeliverOptions,
): Promise<DeliveryReceipt> {
  if (message.channel === '') {
    const who = message.people.length > 0 ? ` (people: ${message.people.join(', ')})` : '';
    throw new NonRetriableError(
      `no channel reaches the targets of this message${who}: give their teams channels`,
    );
  }
  const channel = workspace.channels.find((c) => c.id === message.channel);
  if (!channel) throw new NonRetriableError(`channel ${message.channel} is not declared in the workspace`);
  const declaration = workspace.declarations.get(`channel:${channel.id}`);
  const baseDir = declaration ? dirname(declaration.absoluteFile) : workspace.dir;
  const context: DeliveryContext = {
    signal: options.signal,
    now: options.now,
    idempotencyKey: options.idempotencyKey,
    ...(options.http ? { http: options.http } : {}),
    ...(options.priorReceipts ? { priorReceipts: options.priorReceipts } : {}),
    ...(channel.timeout !== undefined ? { timeoutMs: channel.timeout } : {}),
    resolveSecret: (ref: Parameters<typeof resolveSecret>[0]) =>
      resolveSecret(ref, { baseDir, ...(options.env ? { env: options.env } : {}) }),
  };
  return send(channel, message, context);
}
