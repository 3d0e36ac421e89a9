/**
 * The abort of one check attempt (its timeout, or the run's own signal), made cheap enough to have one per
 * attempt at thousands of attempts a second. On Node 20 an `AbortController` costs several microseconds to
 * create (its signal is an EventTarget whose prototype is swapped), and every listener added to or removed from
 * it more; an `AttemptAbort` is a plain EventEmitter, which undici accepts as a request `signal`. A real
 * `AbortSignal` is made only when a kind asks for `context.signal`, and follows this abort from then on.
 *
 * The runner hands a kind an `AttemptContext` holding the attempt's `AttemptAbort`; `requestSignalOf(context)`
 * gives request code the cheapest handle that aborts with it.
 */
import { EventEmitter } from 'node:events';
import type { CheckRunContext } from './check-kind.js';

/** What undici and `sendRequest` accept as a request's abort signal. */
export type RequestSignal = AbortSignal | AttemptAbort;

export class AttemptAbort extends EventEmitter {
  #aborted = false;
  #reason: unknown = undefined;
  #controller: AbortController | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  /** A standard AbortSignal that aborts with this one (made on first use). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Aborts once: the signal (if made) first, then the `abort` listeners (undici's, for a request in flight). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.emit('abort');
  }
}

/**
 * The context of one attempt. `signal` is a getter on the prototype that makes the AbortSignal on first read
 * (an own getter would make every context a slow dictionary object). A spread copy (`{ ...context }`) does not
 * carry a prototype getter, so this object goes only to kinds known not to copy it; others get
 * `detachedContext(context)`, a plain copy with the signal made (see `registry.ts`).
 */
export class AttemptContext implements CheckRunContext {
  readonly workspace: CheckRunContext['workspace'];
  readonly integration: CheckRunContext['integration'];
  readonly timeoutMs: number;
  readonly now: CheckRunContext['now'];
  readonly resolveSecret: CheckRunContext['resolveSecret'];
  readonly resolvePath: CheckRunContext['resolvePath'];
  readonly #abort: AttemptAbort;

  constructor(base: Omit<CheckRunContext, 'signal'>, abort: AttemptAbort) {
    this.workspace = base.workspace;
    this.integration = base.integration;
    this.timeoutMs = base.timeoutMs;
    this.now = base.now;
    this.resolveSecret = base.resolveSecret;
    this.resolvePath = base.resolvePath;
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The attempt's abort itself, for request code (cheaper than `signal` for undici). */
  get abort(): AttemptAbort {
    return this.#abort;
  }
}

/** A plain copy of a context with its signal made: safe to spread, for kinds that may copy their context. */
export function detachedContext(context: CheckRunContext): CheckRunContext {
  if (!(context instanceof AttemptContext)) return context;
  return {
    workspace: context.workspace,
    integration: context.integration,
    signal: context.signal,
    timeoutMs: context.timeoutMs,
    now: context.now,
    resolveSecret: context.resolveSecret,
    resolvePath: context.resolvePath,
  };
}

/** The handle to give undici for a request of this context: the attempt's abort if the runner made it. */
export function requestSignalOf(context: CheckRunContext): RequestSignal {
  return context instanceof AttemptContext ? context.abort : context.signal;
}
