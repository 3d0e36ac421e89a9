/**
 * Which runner handles which check kind, and the long-lived state they share (undici agents, the OAuth2 token
 * cache, compiled response schemas). One registry per process (or per test) keeps tokens reused and schemas
 * compiled once; `dispose()` closes its connections. The `tls` kind lives in `checks/tls/` and is imported on
 * first use unless a runner for it is passed in, so this module does not depend on it being loaded.
 */
import type { Check } from '../workspace/model.js';
import { detachedContext } from './attempt-abort.js';
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
  return new Registry(extra, options);
}

/**
 * A class rather than an object of closures: every registry then shares the same `runnerFor` and `run`
 * functions, so optimised code made while one registry was in use stays valid for the next (a new registry per
 * batch would otherwise undo the JIT's work at the first call).
 */
class Registry implements CheckRegistry {
  readonly requestDeps: RequestDeps;
  readonly #runners = new Map<KindName, KindRunner>();
  readonly #lazyTls: boolean;
  #tlsLoading: Promise<KindRunner | undefined> | undefined;
  #disposed = false;

  constructor(extra: readonly AnyCheckKindRunner[], options: CheckRegistryOptions) {
    this.requestDeps = createRequestDeps(options.tokens === undefined ? {} : { tokens: options.tokens });
    this.#lazyTls = options.lazyTls !== false;
    const builtIn: AnyCheckKindRunner[] = [
      createHttpCheck(this.requestDeps),
      createCredentialCheck(this.requestDeps),
      createSchemaCheck(this.requestDeps, new ResponseSchemaCache()),
    ];
    for (const runner of builtIn) this.#runners.set(runner.kind, toKindRunner(runner, { builtIn: true }));
    for (const runner of extra) this.#runners.set(runner.kind, toKindRunner(runner));
  }

  runnerFor(kind: KindName): Promise<KindRunner | undefined> {
    const runner = this.#runners.get(kind);
    if (runner !== undefined || kind !== 'tls' || !this.#lazyTls) return Promise.resolve(runner);
    this.#tlsLoading ??= loadTlsRunner();
    return this.#tlsLoading;
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await closeRequestDeps(this.requestDeps);
  }
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

/**
 * Erases the kind parameter; the kind is checked at run time instead, so a mismatch is an outcome. The built-in
 * kinds of this folder get the runner's context as it is; any other runner gets a plain copy with its signal
 * made (`detachedContext`), so that it may spread or keep its context freely.
 */
export function toKindRunner(runner: AnyCheckKindRunner, options: { builtIn?: boolean } = {}): KindRunner {
  return new CheckedRunner(runner, options.builtIn === true);
}

/** A runner of one kind seen through the kind-erased `KindRunner` port. */
type ErasedRunner = Pick<KindRunner, 'kind' | 'run'>;

class CheckedRunner implements KindRunner {
  readonly kind: KindName;
  readonly #runner: ErasedRunner;
  readonly #builtIn: boolean;

  constructor(runner: AnyCheckKindRunner, builtIn: boolean) {
    this.kind = runner.kind;
    // Sound because `run` below hands the runner only checks of its own kind.
    this.#runner = runner as ErasedRunner;
    this.#builtIn = builtIn;
  }

  // Not `async`: the kind's own promise is handed on as is (no extra promise and ticks per run).
  run(check: Check, context: CheckRunContext): Promise<CheckOutcome> {
    if (check.kind !== this.kind) {
      const message = `the ${this.kind} runner was given a ${check.kind} check`;
      return Promise.resolve({
        class: 'assertion',
        errorCode: 'internal',
        message: `internal error: ${message}`,
      });
    }
    try {
      return this.#runner.run(check, this.#builtIn ? context : detachedContext(context));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
