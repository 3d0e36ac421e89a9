/**
 * Human commands on an incident (`POST /api/v1/incidents/:id/<action>`, see `command-actions.ts`): validate the
 * body, hand the event to the service and answer by outcome — ok 200 with the incident; ignored 200 with the
 * incident and a `note` (nothing changed, nothing to retry); not-found 404; forbidden 403; conflict 409 with the
 * incident's current state. Unlike the engine's `httpStatusOf`, `ignored` is a 200 here: a command that finds
 * its work already done is not the caller's error.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CommandResult, IncidentService } from '../daemon/incident-service.js';
import { assertNever, type Incident } from '../engine/index.js';
import {
  API_PREFIX,
  COMMAND_ACTIONS,
  commandEventOf,
  type CommandAction,
  type CommandBody,
  type CommandResponse,
} from './command-actions.js';
import { INCIDENT_SCHEMA } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import { COMMAND_BODY_SCHEMAS, INCIDENT_PARAMS_SCHEMA, STEP_PARAMS_SCHEMA } from './schemas.js';
import { sendProblem } from './send-problem.js';

interface CommandRoute {
  Params: { id: string; step?: string };
  Body: CommandBody;
}

export function registerCommandRoutes(app: FastifyInstance, service: IncidentService): void {
  for (const action of COMMAND_ACTIONS) {
    const stepInPath = action === 'step-done';
    app.post<CommandRoute>(
      stepInPath ? `${API_PREFIX}/incidents/:id/steps/:step/done` : `${API_PREFIX}/incidents/:id/${action}`,
      {
        schema: {
          summary: stepInPath ? 'Mark a manual step done' : `Command: ${action}`,
          tags: ['incidents'],
          params: stepInPath ? STEP_PARAMS_SCHEMA : INCIDENT_PARAMS_SCHEMA,
          body: COMMAND_BODY_SCHEMAS[action],
          // The incident after the command; `note` says why nothing changed when nothing did.
          response: { 200: INCIDENT_SCHEMA },
        },
        // With a token, the token's name is the actor (see auth/server-auth.ts).
        config: { permission: 'respond', actorFromToken: true },
      },
      async (request, reply) => {
        const { id, step } = request.params;
        const body = stepInPath ? { ...request.body, step } : request.body;
        const result = await service.command(commandEventOf(action, id, body));
        return answer(reply, action, id, result, service);
      },
    );
  }
}

async function answer(
  reply: FastifyReply,
  action: CommandAction,
  id: string,
  result: CommandResult,
  service: IncidentService,
): Promise<FastifyReply> {
  const { outcome } = result;
  switch (outcome.kind) {
    case 'ok':
      return reply.send(await incidentAfter(action, id, result, service));
    case 'ignored': {
      const response: CommandResponse = {
        ...(await incidentAfter(action, id, result, service)),
        note: outcome.reason,
      };
      return reply.send(response);
    }
    case 'not-found':
      return sendProblem(reply, problemOf('not-found', outcome.reason));
    case 'forbidden':
      return sendProblem(reply, problemOf('forbidden', outcome.reason));
    case 'conflict':
      return sendProblem(
        reply,
        problemOf('conflict', outcome.reason, result.incident ? { incident: result.incident } : {}),
      );
    default:
      return assertNever(outcome, 'outcome');
  }
}

/** The service returns the incident with the outcome; reading it again covers a service that does not. */
async function incidentAfter(
  action: CommandAction,
  id: string,
  result: CommandResult,
  service: IncidentService,
): Promise<Incident> {
  const incident = result.incident ?? (await service.getIncident(id));
  if (!incident) throw new Error(`command ${action} on ${id} succeeded but the incident is gone`);
  return incident;
}
