/**
 * The web dashboard at `/`: the static files of `@lifeline/dashboard`'s build, open to anyone (`public`) because
 * they hold no data — every number the dashboard shows comes from the API, which needs a token once tokens exist.
 * The dashboard's own pages (`/incidents/INC-4`, `/integrations/payments`, …) are routed in the browser, so
 * those paths answer `index.html`; any other unknown path stays a 404 problem, like the API's. When the build is
 * missing, those pages say how to make it instead of answering a bare 404.
 *
 * Every HTML answer carries a Content-Security-Policy that allows only this origin: the dashboard makes no
 * external requests, and an injected script (from a note or a check message rendered by mistake) could not run.
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemOf } from './problem.js';
import { sendProblem } from './send-problem.js';

export const DASHBOARD_CSP = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  // uPlot positions its cursor and legend with style attributes.
  "style-src 'self' 'unsafe-inline'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface DashboardRouteOptions {
  /** The built dashboard (`index.html` + `assets/`); usually `DASHBOARD_STATIC_DIR` of `@lifeline/dashboard`. */
  dir: string;
}

const MISSING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lifeline: dashboard not built</title></head>
<body><main><h1>The dashboard is not built</h1>
<p>Run <code>npm run build</code> in the Lifeline repository, then restart <code>lifeline up</code>.</p>
<p>The API works without it: <a href="/healthz">/healthz</a>, <code>/api/v1/incidents</code>.</p>
</main></body></html>
`;

/** Paths the dashboard routes in the browser (see `packages/dashboard/src/web/router.tsx`). */
export const DASHBOARD_PAGES = [
  '/',
  '/sign-in',
  '/incidents',
  '/incidents/:id',
  '/integrations/:id',
  '/playbooks',
  '/playbooks/:id',
] as const;

// Static files are no API: `hide` keeps them out of the OpenAPI document.
const PAGE_ROUTE = { schema: { hide: true }, config: { permission: 'public' as const } };

/** Registers the dashboard's pages and assets in a child scope of `app` (they are `public`). */
export function registerDashboardRoute(app: FastifyInstance, options: DashboardRouteOptions): void {
  const root = resolve(options.dir);
  const built = existsSync(join(root, 'index.html'));
  void app.register(async (scope) => {
    if (built) await scope.register(fastifyStatic, { root, serve: false, decorateReply: true });
    for (const page of DASHBOARD_PAGES) scope.get(page, PAGE_ROUTE, handler);
    scope.get('/assets/*', PAGE_ROUTE, handler);
  });

  async function handler(request: FastifyRequest, reply: FastifyReply) {
    const path = decodePath(request.url);
    if (path === undefined) {
      return sendProblem(
        reply,
        problemOf('not-found', `no route ${request.method} ${request.url.split('?')[0]}`),
      );
    }
    if (!built) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(MISSING_PAGE);
    }
    const file = fileUnder(root, path);
    if (path.startsWith('/assets/') && file === undefined) {
      return sendProblem(reply, problemOf('not-found', `no dashboard asset ${path}`));
    }
    if (file !== undefined) {
      // Vite names assets by content hash: they never change under the same name.
      const immutable = file.startsWith(`assets${sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (file.endsWith('.html')) reply.header('content-security-policy', DASHBOARD_CSP);
      return reply.sendFile(file, { cacheControl: false });
    }
    reply.header('cache-control', 'no-cache').header('content-security-policy', DASHBOARD_CSP);
    return reply.sendFile('index.html', { cacheControl: false });
  }
}

function decodePath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}

/** The path of an existing file under `root`, relative to it; never one outside (`..`, absolute paths). */
function fileUnder(root: string, path: string): string | undefined {
  if (path.includes('\0')) return undefined;
  const relative = normalize(path).replace(/^[/\\]+/, '');
  if (relative === '' || relative.split(/[/\\]/).some((part) => part === '..' || part.startsWith('.'))) {
    return undefined;
  }
  const absolute = join(root, relative);
  if (!absolute.startsWith(root + sep)) return undefined;
  try {
    return statSync(absolute).isFile() ? relative : undefined;
  } catch {
    return undefined;
  }
}
