/**
 * The commands the API accepts on an incident, their URL paths and how a request becomes an engine
 * `CommandEvent`. Shared by the server routes and the API client so both sides spell every path the same way.
 *
 * | action    | path                                     | body (besides `actor`, `text?`) | event          |
 * |-----------|------------------------------------------|---------------------------------|----------------|
 * | ack       | POST /api/v1/incidents/:id/ack           |                                 | acknowledge    |
 * | mitigate  | POST /api/v1/incidents/:id/mitigate      |                                 | mitigate       |
 * | resolve   | POST /api/v1/incidents/:id/resolve       |                                 | resolve        |
 * | note      | POST /api/v1/incidents/:id/note          | `text` required                 | note           |
 * | assign    | POST /api/v1/incidents/:id/assign        | `assignee`                      | assign         |
 * | attempt   | POST /api/v1/incidents/:id/attempt       |                                 | mark-attempt   |
 * | approve   | POST /api/v1/incidents/:id/approve       | `step`                          | approve        |
 * | decline   | POST /api/v1/incidents/:id/decline       | `step`                          | decline        |
 * | step-done | POST /api/v1/incidents/:id/steps/:step/done |                              | step-done      |
 */
import { assertNever, type CommandEvent, type Incident } from '../engine/index.js';

export const API_PREFIX = '/api/v1';

export const COMMAND_ACTIONS = [
  'ack',
  'mitigate',
  'resolve',
  'note',
  'assign',
  'attempt',
  'approve',
  'decline',
  'step-done',
] as const;

export type CommandAction = (typeof COMMAND_ACTIONS)[number];

/** The JSON body of a command; which fields apply depends on the action (see the table above). */
export interface CommandBody {
  /** Who acts: a person id from the workspace (until API tokens identify the caller). */
  actor: string;
  text?: string;
  assignee?: string;
  step?: string;
}

/** A command's answer: the incident after it, plus a `note` when the command changed nothing (`ignored`). */
export type CommandResponse = Incident & { note?: string };

export function incidentPath(incidentId: string): string {
  return `${API_PREFIX}/incidents/${encodeURIComponent(incidentId)}`;
}

/** The path of a command; `step-done` carries its step in the path, every other action in the body. */
export function commandPath(action: CommandAction, incidentId: string, step?: string): string {
  if (action === 'step-done')
    return `${incidentPath(incidentId)}/steps/${encodeURIComponent(step ?? '')}/done`;
  return `${incidentPath(incidentId)}/${action}`;
}

/**
 * The engine event of a validated request. The body schema of each route guarantees the fields an action
 * needs; `step-done` routes pass the path's step as `body.step`.
 */
export function commandEventOf(action: CommandAction, incidentId: string, body: CommandBody): CommandEvent {
  const common = { incidentId, actor: body.actor, ...(body.text !== undefined ? { text: body.text } : {}) };
  switch (action) {
    case 'ack':
      return { kind: 'acknowledge', ...common };
    case 'mitigate':
      return { kind: 'mitigate', ...common };
    case 'resolve':
      return { kind: 'resolve', ...common };
    case 'note':
      return { kind: 'note', ...common, text: body.text ?? '' };
    case 'assign':
      return { kind: 'assign', ...common, assignee: body.assignee ?? '' };
    case 'attempt':
      return { kind: 'mark-attempt', ...common };
    case 'approve':
      return { kind: 'approve', ...common, stepId: body.step ?? '' };
    case 'decline':
      return { kind: 'decline', ...common, stepId: body.step ?? '' };
    case 'step-done':
      return { kind: 'step-done', ...common, stepId: body.step ?? '' };
    default:
      return assertNever(action, 'command action');
  }
}
