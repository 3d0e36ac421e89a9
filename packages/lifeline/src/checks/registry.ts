/**
 * Which runner handles which check kind, and the long-lived state they share (undici agents, the OAuth2 token
 * cache, compiled response schemas). One registry per process (or per test) keeps tokens reused and schemas
 * compiled once; `dispose()` closes its connections. The `tls` kind lives in `checks/tls/` and is imported on
 * first use unless a runner for it is passed in, so this module does not depend on it being loaded.
 */
import type { Check } from '../workspace/model.js';
import type { CheckKindRunner, CheckOutcome, CheckRunContext } from './check-kind.js';
import { createCredentialCheck } from './credential/credential-check.js';
import { createHttpCheck } from './http/http-check.js';
import { closeRequestDeps, createRequestDeps, type RequestDeps } from './request/request-deps.js';
import type { TokenCacheOptions } from './request/token-cache.js';
import { ResponseSchemaCache } from './schema-check/schema-cache.js';
import { createSchemaCheck } from './schema-check/schema-check.js';

export type KindName = Check['kind'];

/**
 * A runner of some one kind. `CheckKindRunner<K>` is invariant in `K` (it appears inside `Extract`), so the
 * default `CheckKindRunner` does not accept a `CheckKindRunner<'tls'>`; this union of each kind's runner does.
 */
export type AnyCheckKindRunner = { [K in KindName]: CheckKindRunner<K> }[KindName];

/** A runner as the registry hands it out: it takes any check and dispatches on the kind it was made for. */
export interface KindRunner {
  readonly kind: KindName;
  run(check: Check, context: CheckRunContext): Promise<CheckOutcome>;
}

export interface CheckRegistry {
  /** The runner for `kind`, or undefined when none is registered or loadable. */
  runnerFor(kind: KindName): Promise<KindRunner | undefined>;
  /** Shared request state, for callers that build requests themselves. */
  readonly requestDeps: RequestDeps;
  /** Closes every connection the registry's runners opened. Safe to call twice. */
  dispose(): Promise<void>;
}

export interface CheckRegistryOptions {
  tokens?: TokenCacheOptions;
  /** Load `checks/tls/` on first use when no `tls` runner is given (default true). */
  lazyTls?: boolean;
}

/**
 * @example
 *   const registry = createCheckRegistry();            // http, credential, schema; tls loaded on first use
 *   const registry = createCheckRegistry([myTlsCheck]);  // extra runners replace the built-in ones by kind
 *   try { await runCheck(declared, { workspace, now: Date.now, registry }); } finally { await registry.dispose(); }
 */
export function createCheckRegistry(
  extra: readonly AnyCheckKindRunner[] = [],
  options: CheckRegistryOptions = {},
): CheckRegistry {
  const requestDeps = createRequestDeps(options.tokens === undefined ? {} : { tokens: options.tokens });
  const runners = new Map<KindName, KindRunner>();
  const builtIn: AnyCheckKindRunner[] = [
    createHttpCheck(requestDeps),
    createCredentialCheck(requestDeps),
    createSchemaCheck(requestDeps, new ResponseSchemaCache()),
  ];
  for (const runner of [...builtIn, ...extra]) runners.set(runner.kind, toKindRunner(runner));
  let tlsLoading: Promise<KindRunner | undefined> | undefined;
  let disposed = false;
  return {
    requestDeps,
    async runnerFor(kind) {
      const runner = runners.get(kind);
      if (runner !== undefined || kind !== 'tls' || options.lazyTls === false) return runner;
      tlsLoading ??= loadTlsRunner();
      return tlsLoading;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await closeRequestDeps(requestDeps);
    },
  };
}

/** The TLS kind from its own folder; a failure to load it becomes "no runner", reported per check. */
async function loadTlsRunner(): Promise<KindRunner | undefined> {
  try {
    const module = await import('./tls/index.js');
    return toKindRunner(module.tlsCheck);
  } catch {
    return undefined;
  }
}

/** Erases the kind parameter; the kind is checked at run time instead, so a mismatch is an outcome. */
export function toKindRunner(runner: AnyCheckKindRunner): KindRunner {
  const run = runner.run.bind(runner) as (check: Check, context: CheckRunContext) => Promise<CheckOutcome>;
  return {
    kind: runner.kind,
    async run(check, context) {
      if (check.kind !== runner.kind) {
        const message = `the ${runner.kind} runner was given a ${check.kind} check`;
        return { class: 'assertion', errorCode: 'internal', message: `internal error: ${message}` };
      }
      return run(check, context);
    },
  };
}
