/**
 * Reads a response body as JSON for the kinds that expect JSON (body assertions, schema validation). A body
 * that is empty or not JSON is an `assertion` outcome naming the content type, never an exception.
 */
import type { CheckOutcome } from '../check-kind.js';
import { notJson } from '../classify.js';
import type { ReceivedResponse } from './send.js';

export type JsonBody = { ok: true; value: unknown } | { ok: false; outcome: CheckOutcome };

export function parseJsonBody(response: ReceivedResponse): JsonBody {
  const text = response.body.toString('utf8');
  if (text.trim().length > 0) {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      // Falls through to the shared "not JSON" outcome.
    }
  }
  const outcome = notJson(response.headers['content-type'], response.body.length);
  return { ok: false, outcome: { ...outcome, status: response.status } };
}
