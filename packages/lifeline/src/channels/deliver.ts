/**
 * Delivers one message to the workspace channel it names, looked up in the workspace as it is now (a reload may
 * have changed a URL). Kinds this version cannot send, unknown channels and messages that reach nobody fail as
 * non-retriable, so they are dead-lettered at once with the reason instead of waiting for ever.
 */
import { dirname } from 'node:path';
import type { Dispatcher } from 'undici';
import { NonRetriableError } from '../errors.js';
import type { Workspace } from '../workspace/model.js';
import { resolveSecret } from '../workspace/resolve-secret.js';
import type { ChannelMessage } from '../daemon/messages.js';
import type { DeliveryReceipt } from './channel.js';
import { slackChannel } from './slack/slack-channel.js';
import { webhookChannel } from './webhook/webhook-channel.js';

export interface DeliverOptions {
  signal: AbortSignal;
  now: () => number;
  idempotencyKey: string;
  env?: Readonly<Record<string, string | undefined>>;
  http?: Dispatcher;
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
  const context = {
    signal: options.signal,
    now: options.now,
    idempotencyKey: options.idempotencyKey,
    ...(options.http ? { http: options.http } : {}),
    resolveSecret: (ref: Parameters<typeof resolveSecret>[0]) =>
      resolveSecret(ref, { baseDir, ...(options.env ? { env: options.env } : {}) }),
  };
  switch (channel.kind) {
    case 'webhook':
      return webhookChannel.send(channel, message, context);
    case 'slack':
      return slackChannel.send(channel, message, context);
    default:
      throw new NonRetriableError(`channel kind ${channel.kind} is not supported by this version`);
  }
}
