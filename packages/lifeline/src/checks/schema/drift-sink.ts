/**
 * Where the drift walker puts what it finds: deduplicates by (kind, pointer), keeps at most a few entries per
 * (pointer pattern, kind) so 10,000 identical rows give a handful of entries, and enforces the entry cap.
 * A `oneOf` branch is scored in a sink of its own that gives up as soon as it cannot win.
 */
import type { DriftEntry } from '../check-result.js';

export interface SinkLimits {
  maxEntries: number;
  /** How often one kind may be reported under one pointer pattern (array indexes read as `*`). */
  maxPerPattern: number;
}

/** `removed` and `required-missing` describe the same absence; only one is kept per pointer. */
function dedupeKey(entry: DriftEntry): string {
  const kind = entry.kind === 'removed' || entry.kind === 'required-missing' ? 'absent' : entry.kind;
  return `${kind} ${entry.pointer}`;
}

export class DriftSink {
  readonly entries: DriftEntry[] = [];
  /** Every distinct difference offered, including those not kept: a branch's score. */
  raw = 0;
  truncated = false;
  private full = false;
  private readonly patterns: string[] = [];
  /** dedupe key → index in `entries`, or -1 when it was counted but not kept. */
  private readonly seen = new Map<string, number>();
  private readonly perPattern = new Map<string, number>();

  /** @param abortAt stop as soon as `raw` reaches this (a branch that cannot beat the best one so far). */
  constructor(
    private readonly limits: SinkLimits,
    private readonly abortAt?: number,
  ) {}

  /** True when walking further cannot change the outcome. */
  get stopped(): boolean {
    return this.full || this.aborted;
  }

  get aborted(): boolean {
    return this.abortAt !== undefined && this.raw >= this.abortAt;
  }

  add(entry: DriftEntry, pattern: string): void {
    const key = dedupeKey(entry);
    const existing = this.seen.get(key);
    if (existing !== undefined) {
      // A property required by one allOf member and optional in another is required.
      if (entry.kind === 'required-missing' && existing >= 0 && this.entries[existing]?.kind === 'removed') {
        this.entries[existing] = entry;
      }
      return;
    }
    this.raw++;
    const patternKey = `${entry.kind} ${pattern}`;
    const count = this.perPattern.get(patternKey) ?? 0;
    if (count >= this.limits.maxPerPattern || this.entries.length >= this.limits.maxEntries) {
      this.truncated = true;
      if (this.entries.length >= this.limits.maxEntries) this.full = true;
      this.seen.set(key, -1);
      return;
    }
    this.perPattern.set(patternKey, count + 1);
    this.seen.set(key, this.entries.length);
    this.entries.push(entry);
    this.patterns.push(pattern);
  }

  /** Takes over what a chosen branch found. */
  absorb(other: DriftSink): void {
    other.entries.forEach((entry, i) => this.add(entry, other.patterns[i] ?? entry.pointer));
    this.raw += Math.max(0, other.raw - other.entries.length);
    if (other.truncated) this.truncated = true;
  }
}
