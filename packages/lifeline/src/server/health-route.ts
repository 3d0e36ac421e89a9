/**
 * `GET /healthz`: the daemon's health report for load balancers and `lifeline status`. 503 only when the daemon
 * cannot do its job (the service says `ok: false`, e.g. the store is down); a workspace reload that failed keeps
 * the daemon running on the last good workspace, so it stays 200 with the diagnostics in the report.
 */
import type { FastifyInstance } from 'fastify';
import type { IncidentService } from '../daemon/incident-service.js';

export function registerHealthRoute(app: FastifyInstance, service: IncidentService): void {
  // Open to all: load balancers probe it without a token, and it holds no incident data.
  app.get('/healthz', { config: { permission: 'public' } }, async (_request, reply) => {
    const report = await service.health();
    return reply.code(report.ok ? 200 : 503).send(report);
  });
}
