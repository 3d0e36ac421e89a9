/**
 * `POST /api/v1/reload` (admin): reloads the workspace as SIGHUP or saving a file does, for daemons whose files
 * are deployed by a pipeline that can call an API but cannot signal the process. An invalid edit is refused with
 * a 422 problem carrying every diagnostic; the daemon keeps running on the last good workspace.
 */
import type { FastifyInstance } from 'fastify';
import type { ReloadResult } from '../daemon/daemon-options.js';
import { API_PREFIX } from './command-actions.js';
import { PROBLEM_SCHEMA, record } from './openapi-schemas.js';
import { problemOf } from './problem.js';
import { sendProblem } from './send-problem.js';

const RELOADED_SCHEMA = record(
  'The workspace now in use, and the warnings it loaded with.',
  {
    ok: { type: 'boolean', const: true },
    workspace: { type: 'string', description: 'The workspace name.' },
    files: { type: 'array', items: { type: 'string' } },
    warnings: { type: 'array', items: record('A diagnostic with its file:line:col.', {}) },
  },
  ['ok', 'workspace', 'files', 'warnings'],
);

export function registerReloadRoute(app: FastifyInstance, reload: () => Promise<ReloadResult>): void {
  const schema = {
    summary: 'Reload the workspace (refused with its diagnostics when the edit is invalid)',
    tags: ['daemon'],
    response: { 200: RELOADED_SCHEMA, 422: PROBLEM_SCHEMA },
  };
  app.post(`${API_PREFIX}/reload`, { schema, config: { permission: 'admin' } }, async (_request, reply) => {
    const result = await reload();
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      return sendProblem(
        reply,
        problemOf(
          'workspace-invalid',
          `the edited workspace has ${errors} error(s); the daemon keeps the last good workspace`,
          { diagnostics: result.diagnostics },
        ),
      );
    }
    return reply.send({
      ok: true,
      workspace: result.workspace.name,
      files: [...result.workspace.files],
      warnings: result.diagnostics,
    });
  });
}
