/**
 * Deliveries the dispatcher gave up on. A message that never arrived is part of the incident's story — a
 * responder reading the timeline must see that the page to `#ops` was dead-lettered and why — so a dead letter
 * becomes a timeline entry. Nothing else changes: the dispatcher has already handed the message to the fallback
 * channel, and escalation carries on by its own timers.
 */
import { record, type Draft } from './draft.js';
import { ignored, ok } from './outcomes.js';
import type { Outcome, SystemEvent } from './types.js';

type DeadLettered = Extract<SystemEvent, { kind: 'delivery-dead-lettered' }>;

/** The timeline text of a dead letter; it names the row, so the same dead letter is recorded once. */
export function deadLetterText(event: DeadLettered): string {
  return `message to channel ${event.channel} not delivered: ${event.reason} (outbox row ${event.rowId})`;
}

export function onDeliveryDeadLettered(draft: Draft, event: DeadLettered): Outcome {
  const text = deadLetterText(event);
  if (draft.incident.timeline.some((entry) => entry.kind === 'delivery-failed' && entry.text === text))
    return ignored(`dead letter ${event.rowId} is already on the timeline`);
  record(draft, 'delivery-failed', text);
  return ok();
}
