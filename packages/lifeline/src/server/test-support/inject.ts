/** Test helpers over `fastify.inject`: a server on a fake service, and JSON requests with parsed answers. */
import type { FastifyInstance } from 'fastify';
import type { Incident } from '../../engine/index.js';
import { createServer, type ServerOptions } from '../create-server.js';
import { FakeIncidentService, makeIncident } from './fake-incident-service.js';

export interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
  raw: string;
}

/** INC-1 triggered, INC-2 acknowledged sev1 on shipping, INC-3 resolved, INC-4 with a waiting approval step. */
export function sampleIncidents(): Incident[] {
  return [
    makeIncident('INC-1'),
    makeIncident('INC-2', { status: 'acknowledged', severity: 'sev1', integration: 'shipping' }),
    makeIncident('INC-3', { status: 'resolved' }),
    makeIncident('INC-4', {
      run: {
        number: 1,
        status: 'running',
        cursor: 0,
        startedAt: 0,
        steps: [
          { stepId: 'switch-to-cached', status: 'waiting', attempt: 1 },
          { stepId: 'call-vendor', status: 'waiting', attempt: 1 },
        ],
      },
    }),
  ];
}

export function testServer(options: Partial<ServerOptions> = {}): {
  app: FastifyInstance;
  service: FakeIncidentService;
} {
  const service = new FakeIncidentService(sampleIncidents());
  return { app: createServer({ service, ...options }), service };
}

export async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const json = payload === undefined ? {} : { 'content-type': 'application/json' };
  const response = await app.inject({
    method,
    url,
    headers: { ...json, ...headers },
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  const raw = response.body;
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
    raw,
  };
}
