/**
 * Key age against the integration's rotation policy (`auth.rotation: { every, lastRotated }`), judged on the
 * caller's clock. Overdue is a `credential` failure with the days overdue; the last stretch before the due date
 * is a warning that still passes, said in the message so that a responder sees it coming.
 */
import { formatDuration } from '../../workspace/values.js';

export const DAY_MS = 86_400_000;

/** Warn this close to the due date: a tenth of the period, at most 14 days. */
const MAX_WARN_MS = 14 * DAY_MS;

export interface RotationPolicy {
  every: number;
  lastRotated?: string;
}

export type RotationStatus =
  | { state: 'unknown'; message: string }
  | { state: 'ok'; daysLeft: number; message: string }
  | { state: 'due-soon'; daysLeft: number; message: string }
  | { state: 'overdue'; daysOverdue: number; message: string };

/**
 * @example
 *   rotationStatus({ every: 90 * DAY_MS, lastRotated: '2026-01-01' }, Date.parse('2026-04-11'))
 *   // → { state: 'overdue', daysOverdue: 10, message: 'key rotation overdue by 10 days (…)' }
 */
export function rotationStatus(policy: RotationPolicy, now: number): RotationStatus {
  const period = formatDuration(policy.every);
  if (policy.lastRotated === undefined) {
    return { state: 'unknown', message: `rotation every ${period}, but lastRotated is not recorded` };
  }
  // `YYYY-MM-DD` is midnight UTC; a full timestamp is taken as written.
  const rotatedAt = Date.parse(policy.lastRotated);
  if (Number.isNaN(rotatedAt)) {
    return { state: 'unknown', message: `lastRotated ${JSON.stringify(policy.lastRotated)} is not a date` };
  }
  const dueAt = rotatedAt + policy.every;
  const since = `last rotated ${policy.lastRotated}, policy every ${period}`;
  if (now > dueAt) {
    const daysOverdue = Math.ceil((now - dueAt) / DAY_MS);
    return {
      state: 'overdue',
      daysOverdue,
      message: `key rotation overdue by ${plural(daysOverdue)} (${since})`,
    };
  }
  const daysLeft = Math.floor((dueAt - now) / DAY_MS);
  if (dueAt - now <= Math.min(MAX_WARN_MS, policy.every / 10)) {
    return { state: 'due-soon', daysLeft, message: `key rotation due in ${plural(daysLeft)} (${since})` };
  }
  return { state: 'ok', daysLeft, message: `key rotation due in ${plural(daysLeft)}` };
}

function plural(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}
