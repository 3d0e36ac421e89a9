/**
 * Constructors of decision outcomes and the HTTP status the API answers a command with. Kept apart so every
 * concern module builds outcomes the same way and the API's mapping is one exhaustive switch.
 */
import { assertNever } from './assert-never.js';
import type { Outcome } from './types.js';

export const ok = (): Outcome => ({ kind: 'ok' });
export const ignored = (reason: string): Outcome => ({ kind: 'ignored', reason });
export const notFound = (reason: string): Outcome => ({ kind: 'not-found', reason });
export const conflict = (reason: string): Outcome => ({ kind: 'conflict', reason });
export const forbidden = (reason: string): Outcome => ({ kind: 'forbidden', reason });

/**
 * The HTTP status of a command's outcome. `ignored` only happens to system events; should a command ever get it,
 * 409 is the honest answer (nothing was changed).
 */
export function httpStatusOf(outcome: Outcome): 200 | 403 | 404 | 409 {
  switch (outcome.kind) {
    case 'ok':
      return 200;
    case 'not-found':
      return 404;
    case 'forbidden':
      return 403;
    case 'conflict':
    case 'ignored':
      return 409;
    default:
      return assertNever(outcome, 'outcome');
  }
}
