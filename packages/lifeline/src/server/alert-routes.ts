/**
 * Inbound alerts from existing monitoring: `POST /api/v1/alerts/alertmanager` (Alertmanager's `webhook_config`
 * receiver, payload version 4) and `POST /api/v1/alerts` (the generic JSON alert, one object or an array). The
 * answer is 202 with `{ accepted: n }` once the alerts are recorded; a malformed body is a 400 naming the field
 * (nothing of it is recorded); with `alerts.token` in the workspace, a request without that bearer token is a 401
 * and its body is never read. Bodies may be up to 1 MB: one Alertmanager group can hold many alerts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AlertSource, PayloadIssue } from '../alerts/alert.js';
import type { AlertService } from '../daemon/alert-service.js';
import { assertNever } from '../engine/index.js';
import { API_PREFIX } from './command-actions.js';
import { problemOf, type FieldError, type Problem } from './problem.js';
import { sendProblem } from './send-problem.js';

export const ALERT_BODY_LIMIT_BYTES = 1024 * 1024;
/** How long recording a body may take before the request gives up (the sender retries). */
const RECEIVE_TIMEOUT_MS = 10_000;

const ROUTES: readonly { url: string; intake: AlertSource }[] = [
  { url: `${API_PREFIX}/alerts/alertmanager`, intake: 'alertmanager' },
  { url: `${API_PREFIX}/alerts`, intake: 'generic' },
];

export function registerAlertRoutes(app: FastifyInstance, alerts: AlertService): void {
  const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await alerts.authorize(
      request.headers.authorization,
      AbortSignal.timeout(RECEIVE_TIMEOUT_MS),
    );
    switch (result.kind) {
      case 'ok':
        return;
      case 'unauthorized':
        reply.header('www-authenticate', 'Bearer realm="lifeline alerts"');
        return sendProblem(reply, problemOf('unauthorized', result.reason));
      case 'unavailable':
        return sendProblem(reply, problemOf('unavailable', result.reason));
      default:
        return assertNever(result, 'authorization');
    }
  };
  for (const { url, intake } of ROUTES) {
    app.post<{ Body: unknown }>(
      url,
      // Senders are monitoring systems with their own bearer token (`alerts.token`), not API tokens.
      {
        bodyLimit: ALERT_BODY_LIMIT_BYTES,
        onRequest: authorize,
        schema: {
          summary: intake === 'alertmanager' ? 'Alertmanager webhook (v4)' : 'Generic JSON alerts',
          tags: ['alerts'],
          response: {
            202: { type: 'object', properties: { accepted: { type: 'integer' } }, required: ['accepted'] },
          },
        },
        config: { permission: 'webhook' },
      },
      async (request, reply) => {
        const receipt = await alerts.receive(intake, request.body, AbortSignal.timeout(RECEIVE_TIMEOUT_MS));
        switch (receipt.kind) {
          case 'accepted':
            return reply.code(202).send({ accepted: receipt.accepted });
          case 'invalid':
            return sendProblem(reply, invalidBody(receipt.issues));
          default:
            return assertNever(receipt, 'receipt');
        }
      },
    );
  }
}

/** A 400 in the shape schema validation gives elsewhere: the first field in `detail`, all of them in `errors`. */
function invalidBody(issues: readonly PayloadIssue[]): Problem {
  const errors: FieldError[] = issues.map((issue) => ({
    field: issue.field,
    in: 'body',
    message: issue.message,
  }));
  const first = errors[0] ?? { field: '', in: 'body', message: 'is invalid' };
  const where = first.field ? `body \`${first.field}\`` : 'body';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return problemOf('invalid-request', `${where} ${first.message}${more}`, {
    field: first.field,
    in: 'body',
    errors,
  });
}
