/**
 * The daemon's HTTP API as a fastify instance, not yet listening (the caller decides where, tests use `inject`).
 * It only translates HTTP to the `IncidentService` port: every failure becomes an RFC 9457 problem, bodies are
 * JSON of at most 64 KB, and an exception inside the service is a 500 without internals.
 *
 * Every route declares who may call it (`config: { permission }`, see `auth/permissions.ts`); a route without
 * one is refused at registration. With `auth`, API tokens are enforced once one exists in the store, and the
 * actor of a command is then the token's name; before that it is the body's `actor` (a person id of the
 * workspace), as it was before tokens existed.
 *
 * @example
 * const app = createServer({ service });
 * await app.listen({ host: '127.0.0.1', port: 4400 });
 */
import type { ReloadResult } from '../daemon/daemon-options.js';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AlertService } from '../daemon/alert-service.js';
import type { ChangeService } from '../daemon/change-service.js';
import type { IncidentService } from '../daemon/incident-service.js';
import type { ReadService } from '../daemon/read-service.js';
import { registerAuditRoute } from '../auth/audit-route.js';
import { registerMeRoute } from '../auth/me-route.js';
import { registerServerAuth, requireRoutePermissions, type ServerAuthOptions } from '../auth/server-auth.js';
import { registerAlertRoutes } from './alert-routes.js';
import { registerChangeRoutes } from './change-routes.js';
import type { EventHub } from '../events/event-hub.js';
import { registerEventRoutes } from './event-routes.js';
import { registerDashboardRoute, type DashboardRouteOptions } from './dashboard-route.js';
import { DASHBOARD_STATIC_DIR } from '@lifeline/dashboard';
import { registerCommandRoutes } from './command-routes.js';
import { BODY_LIMIT_BYTES, problemForError } from './error-problems.js';
import { registerHealthRoute } from './health-route.js';
import { registerReloadRoute } from './reload-route.js';
import { registerIncidentRoutes } from './incident-routes.js';
import { registerMetricsRoute, type MetricsExposition } from './metrics-route.js';
import { registerOpenApi } from './openapi.js';
import { problemOf } from './problem.js';
import { registerReadRoutes } from './read-routes.js';
import { sendProblem } from './send-problem.js';
import { createValidatorCompiler } from './validator-compiler.js';

export interface ServerOptions {
  service: IncidentService;
  /** Change records and their webhooks (`/api/v1/changes…`); without it those routes do not exist. */
  changes?: ChangeService;
  /** Inbound alerts (`/api/v1/alerts…`); without it those routes do not exist. */
  alerts?: AlertService;
  /** The daemon's metrics (`GET /metrics`, Prometheus text format); without it the route does not exist. */
  metrics?: MetricsExposition;
  /** Live events (`GET /api/v1/events`, Server-Sent Events); without it the route does not exist. */
  events?: EventHub;
  /**
   * Integrations and their health, check results, playbooks, deliveries (`read-routes.ts`), and response-target
   * countdowns on `GET /api/v1/incidents/:id`; without it those routes do not exist.
   */
  read?: ReadService;
  /** A pino(-compatible) logger; without one the server logs nothing. */
  logger?: FastifyBaseLogger;
  /** API tokens, roles and the audit trail (`GET /api/v1/audit`); without it the API is open, as before tokens. */
  auth?: ServerAuthOptions;
  /** Workspace reload (`POST /api/v1/reload`, admin); without it the route does not exist. */
  reload?: () => Promise<ReloadResult>;
  /** The web dashboard at `/` (default: `@lifeline/dashboard`'s build); `false` leaves it out. */
  dashboard?: DashboardRouteOptions | false;
}

export function createServer(options: ServerOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Errors fastify answers before routing (a malformed URL) get the same problem format as the rest.
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply, problemForError(error, request.id));
    },
  });
  app.setValidatorCompiler(createValidatorCompiler());

  app.setErrorHandler((error, request, reply) => {
    const problem = problemForError(error, request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problemOf('not-found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // GET /metrics is `read`: scrapers send a viewer token once tokens exist (decision 008).
  requireRoutePermissions(app, { '/metrics': 'read' });
  if (options.auth) registerServerAuth(app, options.auth);
  // Before every route: the document is generated from the routes as they are added (GET /api/v1/openapi.json).
  registerOpenApi(app);
  registerHealthRoute(app, options.service);
  registerIncidentRoutes(app, options.service, options.read);
  registerCommandRoutes(app, options.service);
  if (options.changes) registerChangeRoutes(app, options.changes);
  if (options.alerts) registerAlertRoutes(app, options.alerts);
  if (options.auth) registerAuditRoute(app, options.auth.store);
  registerMeRoute(app, options.auth?.store);
  if (options.metrics) registerMetricsRoute(app, options.metrics);
  if (options.read) registerReadRoutes(app, options.read);
  if (options.events) registerEventRoutes(app, options.events);
  if (options.reload) registerReloadRoute(app, options.reload);
  if (options.dashboard !== false)
    registerDashboardRoute(app, options.dashboard ?? { dir: DASHBOARD_STATIC_DIR });
  return app;
}
