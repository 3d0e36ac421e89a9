/**
 * The `email` channel: one mail per message over SMTP (nodemailer), text and HTML (rendered by
 * `email-content.ts`), with the idempotency key as its Message-ID and later messages of the incident threaded
 * (`References`) on the earlier ones. The SMTP password is a secret: resolved at delivery, never in an error.
 *
 * Protocol: SMTP (RFC 5321). A 4xx reply (e.g. 421, 450, 451) is temporary and retried; a 5xx reply (535
 * authentication failed, 550 mailbox unavailable, 554 transaction failed) is final; a dropped connection or a
 * timeout is retried. SMTP has no Retry-After.
 */
import { createTransport } from 'nodemailer';
import { NonRetriableError } from '../../errors.js';
import type { ChannelSender, DeliveryContext, DeliveryReceipt } from '../channel.js';
import { DELIVERY_TIMEOUT_MS, redactSecrets } from '../post-json.js';
import { emailContent } from './email-content.js';
import { formatDuration } from '../../workspace/values.js';

/** What the channel needs of an SMTP client; nodemailer's transport is one. */
export interface MailTransport {
  sendMail(mail: {
    from: string;
    to: string[];
    subject: string;
    text: string;
    html: string;
    messageId: string;
    date: Date;
    headers: Record<string, string>;
    references?: string[];
    signal: AbortSignal;
  }): Promise<{ messageId: string; response: string }>;
  close(): void;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  timeoutMs: number;
}

export function nodemailerTransport(settings: SmtpSettings): MailTransport {
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.auth ? { auth: settings.auth } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  }) as unknown as MailTransport;
}

/** Turns what the SMTP client threw into what the dispatcher needs. */
function failure(
  error: unknown,
  context: DeliveryContext,
  timeout: AbortSignal,
  what: string,
  secrets: string[],
) {
  if (context.signal.aborted) return context.signal.reason ?? error;
  const ms = context.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const smtp = error as { code?: string; responseCode?: number; message?: string };
  if (timeout.aborted || smtp.code === 'ETIMEDOUT') {
    return new Error(`${what} did not answer within ${formatDuration(ms)}`, { cause: error });
  }
  const detail = redactSecrets(String(smtp.message ?? error), secrets);
  const code = smtp.responseCode;
  if (code !== undefined && code >= 500) {
    const reason =
      code === 535 || smtp.code === 'EAUTH' ? 'the credential was refused' : 'the server refused the mail';
    return new NonRetriableError(`${what}: ${reason} (SMTP ${code}): ${detail}`);
  }
  if (code === undefined && (smtp.code === 'EENVELOPE' || smtp.code === 'EMESSAGE')) {
    return new NonRetriableError(`${what}: the mail cannot be sent: ${detail}`);
  }
  return new Error(`${what}: ${code !== undefined ? `SMTP ${code}: ` : ''}${detail}`, { cause: error });
}

export function createEmailChannel(
  transportOf: (settings: SmtpSettings) => MailTransport = nodemailerTransport,
): ChannelSender<'email'> {
  return {
    kind: 'email',
    async send(channel, message, context): Promise<DeliveryReceipt> {
      const what = `email channel ${channel.id}`;
      const password = channel.smtp.password ? await context.resolveSecret(channel.smtp.password) : undefined;
      const timeoutMs = context.timeoutMs ?? DELIVERY_TIMEOUT_MS;
      const secure = channel.smtp.secure ?? channel.smtp.port === 465;
      const transport = transportOf({
        host: channel.smtp.host,
        port: channel.smtp.port,
        secure,
        ...(channel.smtp.username ? { auth: { user: channel.smtp.username, pass: password ?? '' } } : {}),
        timeoutMs,
      });
      const now = context.now();
      const content = emailContent(message, {
        idempotencyKey: context.idempotencyKey,
        now,
        ...(channel.subjectPrefix ? { subjectPrefix: channel.subjectPrefix } : {}),
      });
      const earlier = (await context.priorReceipts?.()) ?? [];
      const references = earlier.map((r) => r.providerId).filter((id): id is string => id !== undefined);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const info = await transport.sendMail({
          from: channel.from,
          to: channel.to,
          subject: content.subject,
          text: content.text,
          html: content.html,
          messageId: content.messageId,
          date: new Date(now),
          headers: {
            'X-Lifeline-Incident': message.incidentId,
            'X-Lifeline-Idempotency-Key': context.idempotencyKey,
          },
          ...(references.length > 0 ? { references } : {}),
          signal: AbortSignal.any([context.signal, timeout]),
        });
        return {
          channel: channel.id,
          kind: 'email',
          status: 250,
          at: context.now(),
          response: redactSecrets(info.response, password ? [password] : []).slice(0, 200),
          providerId: info.messageId || content.messageId,
        };
      } catch (error) {
        throw failure(error, context, timeout, what, password ? [password] : []);
      } finally {
        transport.close();
      }
    },
  };
}

export const emailChannel = createEmailChannel();
