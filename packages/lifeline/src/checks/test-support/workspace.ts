/**
 * Test-only builders of in-memory workspaces: an integration with sensible defaults, a workspace around it,
 * and a `CheckRunContext` for calling a kind or the request builder directly.
 */
import { DEFAULTS, type Integration, type Workspace, type WorkspaceDefaults } from '../../workspace/model.js';
import { resolveSecret } from '../../workspace/resolve-secret.js';
import type { CheckRunContext } from '../check-kind.js';

/** An integration `vendor` with no auth and no endpoints unless given. */
export function testIntegration(fields: Partial<Integration> & Pick<Integration, 'baseUrl'>): Integration {
  return { id: 'vendor', name: 'Vendor', owner: 'team', auth: { type: 'none' }, endpoints: [], ...fields };
}

export function testWorkspace(
  integrations: Integration[],
  options: { dir?: string; defaults?: Partial<WorkspaceDefaults> } = {},
): Workspace {
  return {
    dir: options.dir ?? process.cwd(),
    name: 'test',
    files: [],
    defaults: { ...DEFAULTS, ...options.defaults },
    integrations,
    teams: [],
    channels: [],
    severities: [],
    escalationPolicies: [],
    playbooks: [],
    glossary: [],
    failureModes: [],
    declarations: new Map(),
  };
}

/** A run context for direct calls; secrets resolve against `baseDir` (default the working directory). */
export function testContext(
  integration: Integration,
  fields: Partial<CheckRunContext> & { baseDir?: string; env?: Record<string, string> } = {},
): CheckRunContext {
  const { baseDir = process.cwd(), env, ...rest } = fields;
  return {
    workspace: testWorkspace([integration]),
    integration,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    now: Date.now,
    resolveSecret: (ref) => resolveSecret(ref, { baseDir, ...(env === undefined ? {} : { env }) }),
    resolvePath: (path) => (path.startsWith('/') ? path : `${baseDir}/${path}`),
    ...rest,
  };
}

/** A clock tests move by hand. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = Date.parse('2026-11-28T12:00:00.000Z')): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}

/** A sleep that records what it was asked to wait and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
    },
  };
}
