/**
 * Writes check results to the store in batches (one transaction every `flushMs`) rather than one per result:
 * 10,000 checks every 30 s are ~330 results a second, which SQLite takes easily in a few transactions and badly
 * in hundreds. A failed write keeps the batch for the next flush (up to a bound, oldest dropped first), so a
 * store hiccup costs latency, not data.
 */
import type { CheckResult } from '../checks/check-result.js';
import type { Clock, TimerHandle } from '../checks/scheduler/index.js';
import { isStoreError, type Store } from '../store/index.js';
import { errorText, type DaemonLogger } from './logger.js';

export const DEFAULT_FLUSH_MS = 250;
/** Results kept while the store cannot take them. */
const MAX_BUFFERED = 50_000;

export class ResultBatcher {
  private buffer: CheckResult[] = [];
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: DaemonLogger,
    private readonly flushMs: number = DEFAULT_FLUSH_MS,
  ) {}

  add(result: CheckResult): void {
    this.buffer.push(result);
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
    }
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
  }

  /** Writes what is buffered now; resolves when written (or kept for later after a failure). */
  async flush(signal?: AbortSignal): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.store
      .recordCheckResults(batch, signal ? { signal } : {})
      .then(() => {
        if (this.dropped > 0)
          this.logger.warn('check results were dropped while the store was failing', {
            dropped: this.dropped,
          });
        this.dropped = 0;
      })
      .catch((error: unknown) => {
        if (isStoreError(error, 'store-invalid-input') || isStoreError(error, 'store-closed')) {
          // Retrying cannot help: a rejected batch would block every later one.
          this.logger.error('check results could not be recorded and were dropped', {
            error: errorText(error),
            count: batch.length,
          });
          return;
        }
        this.buffer = [...batch, ...this.buffer];
        this.logger.error('recording check results failed; keeping them for the next flush', {
          error: errorText(error),
        });
        this.timer ??= this.clock.setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, this.flushMs * 4);
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  /** Stops the flush timer; call `flush` afterwards to write the rest. */
  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
