/**
 * Slows down token guessing: a client (by IP address) with too many failed authentications in a sliding
 * window is refused (429) until its oldest failure leaves the window — even with a right token, or a guess
 * that happened to be right would still tell the guesser so. Memory is bounded: at most `maxClients` clients
 * are remembered, the least recently failing forgotten first.
 */
export interface FailureLimiterOptions {
  /** Epoch ms; inject a fake clock in tests. */
  now: () => number;
  /** Failures allowed in the window; the next request is refused. Default 10. */
  maxFailures?: number;
  /** Default one minute. */
  windowMs?: number;
  /** Default 10,000. */
  maxClients?: number;
}

export const DEFAULT_MAX_AUTH_FAILURES = 10;
export const DEFAULT_AUTH_FAILURE_WINDOW_MS = 60_000;

export class FailureLimiter {
  private readonly now: () => number;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxClients: number;
  /** Failure times per client, oldest first; Map order is least recently failing first. */
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions) {
    this.now = options.now;
    this.maxFailures = options.maxFailures ?? DEFAULT_MAX_AUTH_FAILURES;
    this.windowMs = options.windowMs ?? DEFAULT_AUTH_FAILURE_WINDOW_MS;
    this.maxClients = options.maxClients ?? 10_000;
  }

  /** How long (ms) `client` must wait before it may try again; 0 when it may try now. */
  retryAfterMs(client: string): number {
    const times = this.recent(client);
    if (times.length < this.maxFailures) return 0;
    const oldest = times[times.length - this.maxFailures] ?? this.now();
    return Math.max(1, oldest + this.windowMs - this.now());
  }

  /** Records one failed authentication of `client`. */
  fail(client: string): void {
    const times = this.recent(client);
    times.push(this.now());
    // Only the last `maxFailures` matter for the decision.
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures);
    this.failures.delete(client);
    this.failures.set(client, times);
    if (this.failures.size > this.maxClients) {
      const first = this.failures.keys().next();
      if (!first.done) this.failures.delete(first.value);
    }
  }

  private recent(client: string): number[] {
    const times = this.failures.get(client);
    if (!times) return [];
    const from = this.now() - this.windowMs;
    const kept = times.filter((at) => at > from);
    if (kept.length === 0) this.failures.delete(client);
    else this.failures.set(client, kept);
    return kept;
  }
}
