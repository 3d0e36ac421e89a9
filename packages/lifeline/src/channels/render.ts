/**
 * The words every channel shows, taken from the one message model: the facts (severity, status, affected
 * components, current step, response-target countdowns) and the body. Each kind's renderer lays these out in its
 * own format (Block Kit, Adaptive Card, ADF, Markdown, HTML), so Slack and Jira never disagree on what they say.
 */
import type { ChannelMessage, MessageKind } from '../daemon/messages.js';
import { assertNever } from '../engine/assert-never.js';

export interface Fact {
  title: string;
  value: string;
}

const TARGET_NAMES = { acknowledge: 'Acknowledge', firstAction: 'First action', resolve: 'Resolve' } as const;

/** What kind of update a message is, in two or three words. */
export function kindLabel(kind: MessageKind): string {
  switch (kind) {
    case 'escalation':
      return 'Incident';
    case 'breach':
      return 'Response target breached';
    case 'acknowledged':
      return 'Acknowledged';
    case 'resolved':
      return 'Resolved';
    case 'step':
      return 'Playbook step';
    case 'ticket':
      return 'Ticket';
    case 'approval':
      return 'Approval needed';
    case 'manual':
      return 'Manual step';
    default:
      return assertNever(kind, 'message kind');
  }
}

/** `12m`, `1h 5m`, `40s`: a span rounded for a human. */
export function formatSpan(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

/** `due in 12m (10:42 UTC)` or `overdue by 3m (10:42 UTC)`, counted from `now`. */
export function countdown(dueAt: number, now: number): string {
  const clock = `${new Date(dueAt).toISOString().slice(11, 16)} UTC`;
  return dueAt >= now
    ? `due in ${formatSpan(dueAt - now)} (${clock})`
    : `overdue by ${formatSpan(now - dueAt)} (${clock})`;
}

/** The body without the title it repeats (messages are `<title>: <body>`). */
export function bodyOf(message: ChannelMessage): string {
  return message.text.startsWith(message.title)
    ? message.text.slice(message.title.length).replace(/^[:\s]+/, '')
    : message.text;
}

export function stepText(message: ChannelMessage): string | undefined {
  const step = message.currentStep;
  return step ? `${step.id} (step ${step.position} of ${step.count}, ${step.status})` : undefined;
}

export function affectedText(message: ChannelMessage): string | undefined {
  const affected = message.affected;
  if (!affected) return undefined;
  const parts = [affected.integration];
  if (affected.endpoints.length > 0) parts.push(affected.endpoints.join(', '));
  if (affected.dependents.length > 0) parts.push(`used by ${affected.dependents.join(', ')}`);
  return parts.join(' · ');
}

/** One line per response target still running; none once the incident is resolved. */
export function targetTexts(message: ChannelMessage, now: number): Fact[] {
  if (message.status === 'resolved') return [];
  return (message.targets ?? []).map((t) => ({
    title: TARGET_NAMES[t.kind],
    value: t.status === 'breached' ? `breached, ${countdown(t.dueAt, now)}` : countdown(t.dueAt, now),
  }));
}

/** The facts a responder scans, in the order every channel shows them. */
export function factsOf(message: ChannelMessage, now: number): Fact[] {
  const facts: Fact[] = [
    { title: 'Incident', value: message.incidentId },
    { title: 'Severity', value: message.severity },
    {
      title: 'Status',
      value: message.acknowledgedBy ? `${message.status} by ${message.acknowledgedBy}` : message.status,
    },
  ];
  const affected = affectedText(message);
  if (affected) facts.push({ title: 'Affected', value: affected });
  const step = stepText(message);
  if (step) facts.push({ title: 'Current step', value: step });
  facts.push(...targetTexts(message, now));
  return facts;
}

/** The whole message as plain text: title, problem, body, facts, link. */
export function plainText(message: ChannelMessage, now: number): string {
  const lines = [message.title, '', `Problem: ${message.problem}`];
  const body = bodyOf(message);
  if (body && body !== message.problem) lines.push('', body);
  lines.push('', ...factsOf(message, now).map((f) => `${f.title}: ${f.value}`));
  if (message.link) lines.push('', message.link);
  return lines.join('\n');
}
