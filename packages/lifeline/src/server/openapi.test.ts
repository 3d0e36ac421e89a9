import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertService } from '../daemon/alert-service.js';
import type { ChangeService } from '../daemon/change-service.js';
import { isDocumentedUrl, OPENAPI_PATH } from './openapi.js';
import { readFixture, type ReadFixture } from './test-support/read-fixture.js';

interface Operation {
  responses: Record<string, { $ref?: string }>;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  'x-lifeline-permission'?: string;
}
interface Document {
  openapi: string;
  info: { version: string };
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, { content: Record<string, unknown> }>;
    securitySchemes: Record<string, { type: string; scheme: string }>;
  };
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Every route fastify serves, as `METHOD /path/{param}`, read from its own route tree (HEAD left out). */
function registeredRoutes(app: ReadFixture['app']): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*) \(([^)]*)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (depth === 0 ? '' : stack[depth - 1]!) + match[2]!;
    stack[depth] = path;
    for (const method of match[3]!.split(', ')) {
      if (method === '-' || method === 'HEAD') continue;
      routes.push(`${method} ${path.replaceAll(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  }
  return routes;
}

describe('GET /api/v1/openapi.json', () => {
  let fixture: ReadFixture | undefined;
  afterEach(async () => fixture?.close());

  /** Every optional part of the API, so every route exists; these tests never call the stubbed services. */
  async function fullServer(): Promise<ReadFixture> {
    return readFixture((store) => ({
      changes: {} as ChangeService,
      alerts: {} as AlertService,
      metrics: { contentType: 'text/plain', text: async () => '' },
      auth: { store },
    }));
  }

  async function documentOf(app: ReadFixture['app']): Promise<Document> {
    const response = await app.inject({ method: 'GET', url: OPENAPI_PATH });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return response.json<Document>();
  }

  it('is a valid OpenAPI 3.1 document, per a real validator', async () => {
    fixture = await fullServer();
    const document = await documentOf(fixture.app);
    const validation = await new Validator().validate(document as never);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe(PACKAGE_VERSION);
  });

  it('documents every route of the API, and nothing else', async () => {
    fixture = await fullServer();
    const document = await documentOf(fixture.app);
    const registered = registeredRoutes(fixture.app).filter((route) => isDocumentedUrl(route.split(' ')[1]!));
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    // The list is long: the read API, incidents and their commands, changes, alerts, audit, probes.
    expect(registered).toContain('GET /api/v1/integrations/{id}/series');
    expect(registered).toContain('POST /api/v1/changes/github');
    expect(registered).toContain('GET /metrics');
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
  });

  it('describes problem+json errors once and refers to them from every operation', async () => {
    fixture = await fullServer();
    const document = await documentOf(fixture.app);
    expect(Object.keys(document.components.responses.Problem!.content)).toEqual(['application/problem+json']);
    expect(document.components.schemas.Problem).toMatchObject({
      required: ['type', 'title', 'status', 'detail'],
    });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.responses['4XX'], `${method} ${path}`).toEqual({
          $ref: '#/components/responses/Problem',
        });
        expect(operation.responses['5XX'], `${method} ${path}`).toEqual({
          $ref: '#/components/responses/Problem',
        });
      }
    }
  });

  it('says which routes need a bearer token and with which permission', async () => {
    fixture = await fullServer();
    const document = await documentOf(fixture.app);
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
    const integrations = document.paths['/api/v1/integrations']!.get!;
    expect(integrations['x-lifeline-permission']).toBe('read');
    expect(integrations.security).toBeUndefined();
    expect(document.paths['/healthz']!.get!.security).toEqual([]);
    expect(document.paths[OPENAPI_PATH]!.get!.security).toEqual([]);
    expect(document.paths['/api/v1/alerts']!.post!['x-lifeline-permission']).toBe('webhook');
    expect(document.paths['/api/v1/alerts']!.post!.security).toEqual([]);
    expect(document.paths['/api/v1/incidents/{id}/ack']!.post!['x-lifeline-permission']).toBe('respond');
  });

  it('lists the query parameters the routes validate, so unknown ones are visibly unknown', async () => {
    fixture = await fullServer();
    const document = await documentOf(fixture.app);
    const names = (path: string) =>
      (document.paths[path]!.get!.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    expect(names('/api/v1/results')).toEqual(
      ['check', 'class', 'cursor', 'integration', 'limit', 'ok', 'since', 'until'].sort(),
    );
    expect(names('/api/v1/deliveries')).toEqual(['channel', 'cursor', 'incident', 'limit', 'status']);
  });
});
