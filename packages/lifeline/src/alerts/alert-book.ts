/**
 * The alert book: the inbound alerts firing now, keyed by source and fingerprint. Pure: applying alerts returns a
 * new book and the entries that changed (for the shell to persist), and matching an `alert` signal reads it at a
 * given time. A firing alert with an `endsAt` in the future expires then unless its source repeats it, so a lost
 * "resolved" cannot keep an incident open forever; Alertmanager's firing alerts carry no `endsAt` and stay until
 * resolved.
 */
import type { AlertSelector } from '../engine/signals/index.js';
import { alertKey, type InboundAlert } from './alert.js';
import { labelMatches, parseLabelMatcher, type LabelMatcher } from './label-matcher.js';

export type AlertBook = ReadonlyMap<string, InboundAlert>;

export const EMPTY_ALERT_BOOK: AlertBook = new Map();

/** An entry of the book that changed: the alert now kept under `key`, or null when it left the book. */
export interface AlertBookChange {
  key: string;
  alert: InboundAlert | null;
}

export interface AppliedAlerts {
  book: AlertBook;
  /** In key order; empty when the alerts changed nothing. */
  changes: AlertBookChange[];
}

/** Whether the alert fires at `now`: firing, and not past its `endsAt`. */
export function isFiring(alert: InboundAlert, now: number): boolean {
  return alert.status === 'firing' && (alert.endsAt === undefined || alert.endsAt > now);
}

/**
 * Applies alerts received at `now`, in order. A firing alert enters (or replaces) its entry; a resolved one
 * removes it, unless the entry is a later firing of the same alert (a late "resolved" of the previous episode).
 * Entries past their `endsAt` leave the book on the way.
 */
export function applyAlerts(book: AlertBook, alerts: readonly InboundAlert[], now: number): AppliedAlerts {
  const next = new Map(book);
  const touched = new Set<string>();
  for (const alert of alerts) {
    const key = alertKey(alert);
    const kept = next.get(key);
    if (isFiring(alert, now)) {
      next.set(key, alert);
      touched.add(key);
    } else if (kept && kept.startsAt <= alert.startsAt) {
      next.delete(key);
      touched.add(key);
    }
  }
  for (const [key, alert] of next) {
    if (!isFiring(alert, now)) {
      next.delete(key);
      touched.add(key);
    }
  }
  const changes = [...touched]
    .sort()
    .filter((key) => JSON.stringify(book.get(key) ?? null) !== JSON.stringify(next.get(key) ?? null))
    .map((key) => ({ key, alert: next.get(key) ?? null }));
  return { book: changes.length > 0 ? next : book, changes };
}

/** A book from persisted entries (`alertKey` → alert), leaving out what is malformed or no longer firing. */
export function restoreAlertBook(entries: Iterable<[string, unknown]>, now: number): AlertBook {
  const book = new Map<string, InboundAlert>();
  for (const [key, document] of entries) {
    if (isInboundAlert(document) && alertKey(document) === key && isFiring(document, now))
      book.set(key, document);
  }
  return book;
}

/**
 * The alerts of the book firing at `now` that `selector` matches, oldest first: same name, every label matcher
 * satisfied, severity (the `severity` label) among those listed, and the alert not about another integration.
 * A selector with an invalid regex matches nothing (the workspace loader reports it).
 */
export function matchAlerts(book: AlertBook, selector: AlertSelector, now: number): InboundAlert[] {
  const matchers = compile(selector.labels);
  if (!matchers) return [];
  const matched: [string, InboundAlert][] = [];
  for (const [key, alert] of book) {
    if (alert.name !== selector.name || !isFiring(alert, now)) continue;
    if (alert.integration !== undefined && alert.integration !== selector.integration) continue;
    if (selector.severity && !selector.severity.includes(alert.labels['severity'] ?? '')) continue;
    if (!matchers.every(([label, matcher]) => labelMatches(matcher, alert.labels[label]))) continue;
    matched.push([key, alert]);
  }
  return matched
    .sort(([ka, a], [kb, b]) => a.startsAt - b.startsAt || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .map(([, alert]) => alert);
}

function compile(labels: Readonly<Record<string, string>>): [string, LabelMatcher][] | undefined {
  const out: [string, LabelMatcher][] = [];
  for (const [label, text] of Object.entries(labels)) {
    const matcher = parseLabelMatcher(text);
    if (matcher.kind === 'invalid') return undefined;
    out.push([label, matcher]);
  }
  return out;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

function isInboundAlert(value: unknown): value is InboundAlert {
  if (value === null || typeof value !== 'object') return false;
  const a = value as Record<string, unknown>;
  return (
    (a.source === 'alertmanager' || a.source === 'generic') &&
    typeof a.fingerprint === 'string' &&
    typeof a.name === 'string' &&
    isStringMap(a.labels) &&
    isStringMap(a.annotations) &&
    (a.status === 'firing' || a.status === 'resolved') &&
    typeof a.startsAt === 'number' &&
    (a.endsAt === undefined || typeof a.endsAt === 'number') &&
    (a.integration === undefined || typeof a.integration === 'string')
  );
}
