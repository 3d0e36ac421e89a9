/**
 * The read API a dashboard is built on, registered together: integrations and their health, check results,
 * playbooks and their plans, deliveries (one module per resource, shared pieces in `read-routes-common.ts`).
 * Everything here is `read` and answers from the `ReadService` port.
 */
import type { FastifyInstance } from 'fastify';
import type { ReadService } from '../daemon/read-service.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import { registerIntegrationRoutes } from './integration-routes.js';
import { registerPlaybookRoutes } from './playbook-routes.js';
import { registerResultRoutes } from './result-routes.js';

export function registerReadRoutes(app: FastifyInstance, read: ReadService): void {
  registerIntegrationRoutes(app, read);
  registerResultRoutes(app, read);
  registerPlaybookRoutes(app, read);
  registerDeliveryRoutes(app, read);
}
