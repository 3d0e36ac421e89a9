/**
 * `GET /healthz`: the daemon's health report for load balancers and `lifeline status`. 503 only when the daemon
 * cannot do its job (the service says `ok: false`, e.g. the store is down); a workspace reload that failed keeps
 * the daemon running on the last good workspace, so it stays 200 with the diagnostics in the report.
 */
import type { FastifyInstance } from 'fastify';
import type { IncidentService } from '../daemon/incident-service.js';
import { HEALTH_REPORT_SCHEMA } from './openapi-schemas.js';

export function registerHealthRoute(app: FastifyInstance, service: IncidentService): void {
  // Open to all: load balancers probe it without a token, and it holds no incident data.
  const schema = {
    summary: "The daemon's health (503 when it cannot do its job)",
    tags: ['daemon'],
    response: { 200: HEALTH_REPORT_SCHEMA, 503: HEALTH_REPORT_SCHEMA },
  };
  app.get('/healthz', { schema, config: { permission: 'public' } }, async (_request, reply) => {
    const report = await service.health();
    return reply.code(report.ok ? 200 : 503).send(report);
  });
}
