/**
 * A message as an email: a subject (the title, after the channel's `subjectPrefix`), a plain-text part and an
 * HTML part that say the same thing (problem, body, facts, link), and a Message-ID made from the idempotency key,
 * so a redelivered message carries the same id and mail clients and archives show it once.
 *
 * Format: RFC 5322 (Internet Message Format; `msg-id` = `<` dot-atom-text `@` dot-atom-text `>`) and RFC 2045-2049
 * MIME (multipart/alternative with text/plain and text/html, composed by nodemailer).
 */
import type { ChannelMessage } from '../../daemon/messages.js';
import { bodyOf, factsOf } from '../render.js';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  /** `<…@lifeline>` */
  messageId: string;
}

const MESSAGE_ID_DOMAIN = 'lifeline';

/** The idempotency key as an RFC 5322 msg-id: characters outside atext are %-escaped. */
export function messageIdOf(idempotencyKey: string): string {
  const local = idempotencyKey
    .replace(
      /[^A-Za-z0-9!#$&'*+\-/=?^_`{|}~.]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .replace(/\.{2,}/g, (dots) => '%2E'.repeat(dots.length))
    .replace(/^\.|\.$/g, '%2E');
  return `<${local}@${MESSAGE_ID_DOMAIN}>`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function subjectOf(message: ChannelMessage, prefix: string | undefined): string {
  const subject = `${prefix ? `${prefix} ` : ''}${message.title}`.replace(/[\r\n]+/g, ' ');
  return subject.length <= 250 ? subject : `${subject.slice(0, 249)}…`;
}

export function emailContent(
  message: ChannelMessage,
  options: { idempotencyKey: string; now: number; subjectPrefix?: string },
): EmailContent {
  const body = bodyOf(message);
  const extra = body && body !== message.problem ? body : undefined;
  const facts = factsOf(message, options.now);
  const text = [
    message.title,
    '',
    `Problem: ${message.problem}`,
    ...(extra ? ['', extra] : []),
    '',
    ...facts.map((f) => `${f.title}: ${f.value}`),
    ...(message.link ? ['', `Open in Lifeline: ${message.link}`] : []),
    '',
    '-- ',
    'Sent by Lifeline.',
  ].join('\n');
  const rows = facts
    .map((f) => `<tr><th align="left">${escapeHtml(f.title)}</th><td>${escapeHtml(f.value)}</td></tr>`)
    .join('');
  const html = [
    '<!doctype html><html><body>',
    `<h2>${escapeHtml(message.title)}</h2>`,
    `<p><strong>Problem:</strong> ${escapeHtml(message.problem)}</p>`,
    ...(extra ? [`<p>${escapeHtml(extra).replace(/\n/g, '<br>')}</p>`] : []),
    `<table>${rows}</table>`,
    ...(message.link ? [`<p><a href="${escapeHtml(message.link)}">Open in Lifeline</a></p>`] : []),
    '<p style="color:#888">Sent by Lifeline.</p>',
    '</body></html>',
  ].join('\n');
  return {
    subject: subjectOf(message, options.subjectPrefix),
    text,
    html,
    messageId: messageIdOf(options.idempotencyKey),
  };
}
