/**
 * What the rolling windows do not keep: the latest result of each check and integration (its class, and since
 * when results have had that class without interruption), the certificate days left seen by TLS results, and —
 * only for the keys a workspace asks p90 or p99.9 of — raw latency samples, because the windows answer p50, p95
 * and p99 only.
 */
import type { CheckResult, FailureClass } from '../checks/check-result.js';
import { checkWindowKey, integrationWindowKey } from '../checks/windows/index.js';

interface Latest {
  class: FailureClass;
  since: number;
  at: number;
  signature: string;
}

/** Most samples kept per key: enough for a p99.9 that means something, bounded whatever the check rate. */
const MAX_SAMPLES = 4096;

export class LatestResults {
  private readonly latest = new Map<string, Latest>();
  /** Check id → integration id and days left of its latest TLS result. */
  private readonly tls = new Map<string, { integration: string; daysLeft: number }>();
  private readonly samples = new Map<string, { at: number; latencyMs: number }[]>();

  /** @param retentionMs how far back raw samples are kept (the longest latency window asked for). */
  constructor(private readonly retentionMs: number) {}

  /** Keeps raw latency samples for these window keys from now on (others are dropped). */
  sampleKeys(keys: ReadonlySet<string>): void {
    for (const key of [...this.samples.keys()]) if (!keys.has(key)) this.samples.delete(key);
    for (const key of keys) if (!this.samples.has(key)) this.samples.set(key, []);
  }

  record(result: CheckResult): void {
    for (const key of [checkWindowKey(result.check), integrationWindowKey(result.integration)]) {
      const previous = this.latest.get(key);
      // Results can arrive out of order (a slow run finishing after a fast one): the newest start wins.
      if (previous && previous.at > result.startedAt) continue;
      const since = previous && previous.class === result.class ? previous.since : result.startedAt;
      this.latest.set(key, { class: result.class, since, at: result.startedAt, signature: result.signature });
      const samples = this.samples.get(key);
      if (samples) {
        samples.push({ at: result.startedAt, latencyMs: result.latencyMs });
        const cutoff = result.startedAt - this.retentionMs;
        while (samples.length > MAX_SAMPLES || (samples[0] && samples[0].at < cutoff)) samples.shift();
      }
    }
    if (result.tls)
      this.tls.set(result.check, { integration: result.integration, daysLeft: result.tls.daysLeft });
  }

  latestClass(key: string): { class: FailureClass; since: number } | undefined {
    const latest = this.latest.get(key);
    return latest && { class: latest.class, since: latest.since };
  }

  /** The failure signature of the check's latest result when it failed; undefined when it passed. */
  failingSignature(check: string): string | undefined {
    const latest = this.latest.get(checkWindowKey(check));
    return latest && latest.class !== 'ok' ? latest.signature : undefined;
  }

  /** Days left of the check's certificate, or the soonest-expiring one of the integration's checks. */
  tlsDaysLeft(integration: string, check?: string): number | undefined {
    if (check !== undefined) return this.tls.get(check)?.daysLeft;
    let least: number | undefined;
    for (const seen of this.tls.values()) {
      if (seen.integration === integration)
        least = least === undefined ? seen.daysLeft : Math.min(least, seen.daysLeft);
    }
    return least;
  }

  /** A percentile (0–100) of the samples in `[now - windowMs, now]`; undefined when the key keeps none there. */
  percentile(key: string, percentile: number, windowMs: number, now: number): number | undefined {
    const values = (this.samples.get(key) ?? [])
      .filter((s) => s.at >= now - windowMs && s.at <= now)
      .map((s) => s.latencyMs)
      .sort((a, b) => a - b);
    if (values.length === 0) return undefined;
    // Nearest rank, like HdrHistogram's getValueAtPercentile.
    const rank = Math.max(1, Math.ceil((percentile / 100) * values.length));
    return values[rank - 1];
  }

  /** Forgets a removed check. */
  forget(check: string): void {
    this.latest.delete(checkWindowKey(check));
    this.tls.delete(check);
    this.samples.delete(checkWindowKey(check));
  }
}
