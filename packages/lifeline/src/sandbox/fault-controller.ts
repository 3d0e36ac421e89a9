/**
 * Holds the faults active on each vendor and decides, request by request, what a fault makes of it. The
 * decision is a tagged union that the HTTP layer turns into a vendor-flavoured answer; keeping the decision
 * here (seeded generator, injected clock) makes error rates and rate-limit windows exactly reproducible.
 */
import {
  DEFAULT_ERROR_STATUS,
  type FaultsByVendor,
  SandboxFaultError,
  VENDOR_NAMES,
  type VendorFaults,
  type VendorName,
  mergeFaults,
  parseFaultsPatch,
} from './faults.js';

/**
 * What to do with one request. Checked in this order: `hang`, `rejectCredentials`, `rateLimit`, `errorRate`;
 * so a revoked key is reported even while throttled, as real gateways authenticate before they count.
 */
export type FaultDecision =
  | { kind: 'hang' }
  | { kind: 'reject-credentials'; delayMs: number }
  | { kind: 'rate-limited'; delayMs: number; retryAfterSeconds: number }
  | { kind: 'error'; delayMs: number; status: number }
  | { kind: 'pass'; delayMs: number };

export interface FaultControllerOptions {
  /** Default seed for `errorRate` draws when a vendor's faults carry none. */
  seed: number;
  /** Milliseconds since the epoch; injected so rate-limit windows can be tested with a fake clock. */
  now: () => number;
}

interface VendorState {
  faults: VendorFaults;
  random: () => number;
  window: { startedAt: number; count: number } | undefined;
}

export class FaultController {
  readonly #options: FaultControllerOptions;
  readonly #states = new Map<VendorName, VendorState>();

  constructor(options: FaultControllerOptions) {
    this.#options = options;
    this.reset();
  }

  /**
   * Merges an untrusted partial update (a `VendorFaultsPatch`) into `vendor`'s faults.
   * Throws `SandboxFaultError` listing every problem; nothing is applied then.
   */
  set(vendor: VendorName, patch: unknown): VendorFaults {
    const parsed = parseFaultsPatch(patch);
    if (!parsed.ok) throw new SandboxFaultError(parsed.problems);
    const faults = mergeFaults(this.#state(vendor).faults, parsed.value);
    // Any change restarts the draws and the window, so "set faults, then send N requests" is reproducible.
    this.#states.set(vendor, this.#freshState(faults));
    return { ...faults };
  }

  get(vendor: VendorName): VendorFaults {
    return { ...this.#state(vendor).faults };
  }

  all(): FaultsByVendor {
    const result = {} as FaultsByVendor;
    for (const vendor of VENDOR_NAMES) result[vendor] = this.get(vendor);
    return result;
  }

  reset(): void {
    for (const vendor of VENDOR_NAMES) this.#states.set(vendor, this.#freshState({}));
  }

  /** Decides the fate of one request to `vendor`; consumes a draw and a rate-limit slot as a side effect. */
  decide(vendor: VendorName): FaultDecision {
    const state = this.#state(vendor);
    const { faults } = state;
    const delayMs = faults.latencyMs ?? 0;
    if (faults.hang === true) return { kind: 'hang' };
    if (faults.rejectCredentials === true) return { kind: 'reject-credentials', delayMs };
    if (faults.rateLimit !== undefined) {
      const retryAfterSeconds = this.#consumeRateLimit(state, faults.rateLimit);
      if (retryAfterSeconds !== undefined) return { kind: 'rate-limited', delayMs, retryAfterSeconds };
    }
    if (faults.errorRate !== undefined && faults.errorRate > 0 && state.random() < faults.errorRate) {
      return { kind: 'error', delayMs, status: faults.errorStatus ?? DEFAULT_ERROR_STATUS };
    }
    return { kind: 'pass', delayMs };
  }

  /** A fixed window opened by the first request after it ended; returns the seconds to wait when over. */
  #consumeRateLimit(
    state: VendorState,
    limit: { burst: number; retryAfterSeconds: number },
  ): number | undefined {
    const now = this.#options.now();
    const windowMs = limit.retryAfterSeconds * 1000;
    if (state.window === undefined || now >= state.window.startedAt + windowMs) {
      state.window = { startedAt: now, count: 0 };
    }
    state.window.count += 1;
    if (state.window.count <= limit.burst) return undefined;
    const remainingMs = state.window.startedAt + windowMs - now;
    return Math.max(1, Math.ceil(remainingMs / 1000));
  }

  #state(vendor: VendorName): VendorState {
    const state = this.#states.get(vendor);
    if (state === undefined) throw new SandboxFaultError([`unknown vendor '${String(vendor)}'`]);
    return state;
  }

  #freshState(faults: VendorFaults): VendorState {
    return { faults, random: seededRandom(faults.seed ?? this.#options.seed), window: undefined };
  }
}

/** mulberry32: tiny, fast and good enough to spread fault draws; not for anything cryptographic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
