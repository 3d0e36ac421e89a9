/**
 * What the runner needs of a declared check besides the check itself: its timeout and retry settings, the
 * target its failure signature names, and the directory its secrets and files are relative to. The part that
 * costs something to work out belongs to the integration (the declaring file's directory, a `resolvePath`, the
 * signature memo of each target) and is worked out once per integration rather than per run; the rest is a few
 * property reads, done per run so that nothing is kept per check.
 *
 * The integration's part is remembered only when the declaration is frozen — the workspace loader
 * deep-freezes what it loads — so it is a memo of immutable values, not state: an integration built in memory
 * (tests, the API) is planned afresh on every run and a change to it between runs is seen.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { DeclaredCheck, Integration, Workspace } from '../workspace/model.js';
import type { FailureClass } from './check-result.js';
import { findEndpoint } from './endpoint.js';
import { DEFAULT_BACKOFF_MS, type RetrySettings } from './retry-policy.js';

export interface CheckPlan {
  readonly timeoutMs: number;
  readonly retry: RetrySettings;
  /** What the failure signature names as the failing target (see `signatureTarget`). */
  readonly signatureTarget: string;
  /** The directory of the file that declares the integration (secrets and paths are relative to it). */
  readonly baseDir: string;
  readonly resolvePath: (path: string) => string;
  /** The last signature computed for this integration and target (see `SignatureSlot`). */
  readonly signatures: SignatureSlot;
}

/**
 * The signature of the last drift-free outcome for one integration and target, with what it was computed from.
 * Most runs repeat the last outcome, so most signatures come from here without hashing. Shared by the checks
 * of a frozen integration that name the same target.
 */
export interface SignatureSlot {
  class?: FailureClass;
  status?: number | undefined;
  errorCode?: string | undefined;
  signature?: string;
}

interface IntegrationPlan {
  /** The workspace it was made for; reused only for the same one. */
  readonly workspace: Workspace;
  readonly baseDir: string;
  readonly resolvePath: (path: string) => string;
  readonly slots: Map<string, SignatureSlot>;
}

const integrationPlans = new WeakMap<Integration, IntegrationPlan>();

/**
 * @example
 *   const plan = planCheck(declared, workspace);
 *   plan.timeoutMs; // 5000
 */
export function planCheck(declared: DeclaredCheck, workspace: Workspace): CheckPlan {
  const { integration, check } = declared;
  const shared = integrationPlan(integration, workspace);
  const target = signatureTarget(declared);
  let slot = shared.slots.get(target);
  if (slot === undefined) {
    slot = {};
    shared.slots.set(target, slot);
  }
  const defaults = workspace.defaults;
  return {
    timeoutMs: check.timeout ?? defaults.checkTimeoutMs,
    retry: {
      attempts: check.retries?.attempts ?? 0,
      backoffMs: check.retries?.backoff ?? DEFAULT_BACKOFF_MS,
      maxWaitMs: check.every ?? defaults.checkIntervalMs,
    },
    signatureTarget: target,
    baseDir: shared.baseDir,
    resolvePath: shared.resolvePath,
    signatures: slot,
  };
}

function integrationPlan(integration: Integration, workspace: Workspace): IntegrationPlan {
  const known = integrationPlans.get(integration);
  if (known !== undefined && known.workspace === workspace) return known;
  const declaration = workspace.declarations.get(`integration:${integration.id}`);
  const baseDir = declaration === undefined ? workspace.dir : dirname(declaration.absoluteFile);
  const plan: IntegrationPlan = {
    workspace,
    baseDir,
    resolvePath: (path: string) => (isAbsolute(path) ? path : resolve(baseDir, path)),
    slots: new Map(),
  };
  if (Object.isFrozen(integration) && Object.isFrozen(workspace)) integrationPlans.set(integration, plan);
  return plan;
}

/** What the signature names as the failing target: the endpoint's path template, or the TLS/token target. */
export function signatureTarget({ integration, check }: DeclaredCheck): string {
  const template = (id: string): string => {
    const found = findEndpoint(integration, id);
    return found.ok ? found.endpoint.path : `endpoint:${id}`;
  };
  switch (check.kind) {
    case 'http':
    case 'schema':
      return template(check.endpoint);
    case 'credential':
      if (check.endpoint !== undefined) return template(check.endpoint);
      return integration.auth.type === 'oauth2-client-credentials'
        ? `token:${integration.auth.tokenUrl}`
        : 'credential';
    case 'tls':
      return `tls:${check.host ?? ''}:${check.port ?? ''}`;
  }
}
