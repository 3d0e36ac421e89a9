/**
 * Test-only: a real SMTP server (smtp-server) on 127.0.0.1 port 0 that requires the channel's credentials,
 * parses each mail with mailparser and checks it against what the channel promises (RFC 5322 headers, a
 * Message-ID, text and HTML parts). Scripted failures become SMTP replies: 451/450 (temporary), 535/553/550/554
 * (final), a dropped connection, or a DATA reply held until the client gives up.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { ConformanceDelivery, ConformanceReceiver, Failure } from '../conformance.js';

const MSG_ID = /^<[^<>@\s]+@[^<>@\s]+>$/;

export interface EmailReceiver extends ConformanceReceiver {
  port: number;
  mails: ParsedMail[];
  raw: string[];
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

function violationsOf(mail: ParsedMail): string[] {
  const problems: string[] = [];
  if (!mail.messageId || !MSG_ID.test(mail.messageId))
    problems.push(`email: bad Message-ID ${mail.messageId}`);
  if (!mail.from?.value[0]?.address) problems.push('email: no From');
  if (!mail.to) problems.push('email: no To');
  if (!mail.subject) problems.push('email: no Subject');
  if (!mail.date) problems.push('email: no Date');
  if (!mail.text) problems.push('email: no text part');
  if (typeof mail.html !== 'string' || !mail.html.includes('<')) problems.push('email: no HTML part');
  return problems;
}

export async function startEmailReceiver(auth: {
  username: string;
  password: string;
}): Promise<EmailReceiver> {
  const mails: ParsedMail[] = [];
  const raw: string[] = [];
  const deliveries: ConformanceDelivery[] = [];
  const violations: string[] = [];
  const failures: Failure[] = [];
  const held: (() => void)[] = [];
  let pending: Failure | undefined;
  const server: SMTPServer = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(credentials, _session, callback) {
      pending = failures.shift();
      if (pending?.kind === 'refused' && pending.status === 401) {
        callback(
          smtpError(
            535,
            `5.7.8 Authentication failed for ${credentials.username}:${credentials.password ?? ''}`,
          ),
        );
        return;
      }
      if (credentials.username !== auth.username || credentials.password !== auth.password) {
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
        return;
      }
      callback(null, { user: credentials.username });
    },
    onMailFrom(_address, _session, callback) {
      const failure = pending;
      if (failure?.kind === 'drop') {
        for (const connection of server.connections) connection._socket.destroy();
        return;
      }
      if (failure?.kind === 'unavailable') return callback(smtpError(451, '4.3.0 Temporary server failure'));
      if (failure?.kind === 'rate-limited')
        return callback(smtpError(450, '4.7.0 Too many messages, slow down'));
      if (failure?.kind === 'refused' && failure.status === 403)
        return callback(smtpError(553, '5.7.1 Sender not allowed'));
      callback();
    },
    onRcptTo(_address, _session, callback) {
      if (pending?.kind === 'refused' && pending.status === 404)
        return callback(smtpError(550, '5.1.1 Mailbox unavailable'));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = pending;
        pending = undefined;
        if (failure?.kind === 'hold') {
          held.push(() => callback());
          return;
        }
        if (failure?.kind === 'refused') return callback(smtpError(554, '5.6.0 Message rejected'));
        const source = Buffer.concat(chunks);
        raw.push(source.toString('utf8'));
        simpleParser(source).then(
          (mail) => {
            mails.push(mail);
            violations.push(...violationsOf(mail));
            deliveries.push({ key: mail.messageId, text: `${mail.subject ?? ''}\n${mail.text ?? ''}` });
            callback();
          },
          (error: unknown) => callback(error as Error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    raw,
    deliveries: () => deliveries,
    violations: () => violations,
    transcript: () => raw.join('\n'),
    fail: (...next) => failures.push(...next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy();
        held.length = 0;
        server.close(() => resolve());
      }),
  };
}
