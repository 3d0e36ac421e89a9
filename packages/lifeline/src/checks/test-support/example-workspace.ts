/**
 * Test-only: the example workspace (`examples/acme`) pointed at a running sandbox over plain HTTP, so that the
 * checks users run in the quickstart are the ones tested, with their real schemas, secrets and paths.
 */
import { fileURLToPath } from 'node:url';
import { loadWorkspace } from '../../workspace/load-workspace.js';
import { checksOf, type DeclaredCheck, type Integration, type Workspace } from '../../workspace/model.js';

export const EXAMPLE_DIR = fileURLToPath(new URL('../../../../../examples/acme', import.meta.url));

const ORIGIN = /^https?:\/\/[^/]+/;

/** The example workspace with every base URL and token URL moved to `httpUrl` (TLS settings dropped). */
export async function exampleWorkspaceOn(httpUrl: string): Promise<Workspace> {
  const loaded = await loadWorkspace(EXAMPLE_DIR);
  if (loaded.workspace === undefined) {
    throw new Error(`examples/acme does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const rebase = (integration: Integration): Integration => {
    const { tls: _dropped, ...rest } = integration;
    const auth =
      integration.auth.type === 'oauth2-client-credentials'
        ? { ...integration.auth, tokenUrl: integration.auth.tokenUrl.replace(ORIGIN, httpUrl) }
        : integration.auth;
    return { ...rest, baseUrl: integration.baseUrl.replace(ORIGIN, httpUrl), auth };
  };
  return { ...loaded.workspace, integrations: loaded.workspace.integrations.map(rebase) };
}

/** One declared check of the workspace by id. */
export function declaredCheck(workspace: Workspace, id: string): DeclaredCheck {
  const found = checksOf(workspace).find((declared) => declared.check.id === id);
  if (found === undefined) throw new Error(`no check ${id} in the workspace`);
  return found;
}
