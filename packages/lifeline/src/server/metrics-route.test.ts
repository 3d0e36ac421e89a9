/**
 * `GET /metrics` through `fastify.inject`: the Prometheus text of the given metrics with the 0.0.4 content type,
 * fresh at every scrape; without metrics the route does not exist (a problem document, like any unknown route).
 */
import { describe, expect, it } from 'vitest';
import { LifelineMetrics } from '../metrics/lifeline-metrics.js';
import { testServer } from './test-support/inject.js';

describe('GET /metrics', () => {
  it('serves the metrics in the Prometheus text format', async () => {
    const metrics = new LifelineMetrics({ defaultMetrics: false });
    const { app } = testServer({ metrics });
    metrics.storeOperation('getMeta', 0.001);
    const first = await app.inject({ method: 'GET', url: '/metrics' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(first.body).toContain('# HELP lifeline_check_results_total ');
    expect(first.body).toContain('# TYPE lifeline_check_duration_seconds histogram');
    expect(first.body).toContain('lifeline_store_operation_duration_seconds_count{operation="getMeta"} 1');

    metrics.storeOperation('getMeta', 0.001);
    const second = await app.inject({ method: 'GET', url: '/metrics' });
    expect(second.body).toContain('lifeline_store_operation_duration_seconds_count{operation="getMeta"} 2');
  });

  it('does not exist without metrics', async () => {
    const { app } = testServer();
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
