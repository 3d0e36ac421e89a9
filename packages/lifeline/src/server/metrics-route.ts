/**
 * `GET /metrics`: the daemon's metrics in the Prometheus text format, for a Prometheus server to scrape
 * (docs/metrics.md). The route only serves what it is given; which metrics exist and how they are measured is
 * `src/metrics/`. A scrape computes the gauges then, so it is as fresh as the scrape.
 */
import type { FastifyInstance } from 'fastify';

/** What the route needs: the exposition text and its content type (`LifelineMetrics` provides both). */
export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

export function registerMetricsRoute(app: FastifyInstance, metrics: MetricsExposition): void {
  // `read`: once API tokens exist, a scraper sends a viewer token (`authorization` in the scrape config).
  const schema = { summary: 'Metrics in the Prometheus text format', tags: ['daemon'] };
  app.get('/metrics', { schema, config: { permission: 'read' } }, async (_request, reply) => {
    const text = await metrics.text();
    return reply.code(200).header('content-type', metrics.contentType).send(text);
  });
}
