/**
 * A promise queue that runs one task at a time, in the order they were queued. The daemon routes every engine
 * decision through one of these so two decisions never interleave between `decide` and the commit of its
 * result (the pure core assumes it sees every state it produced).
 */

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Runs `task` after every task queued before it has settled; its outcome is the task's. */
  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task);
    // The next task waits for this one whatever it settles with; a failure belongs to this task's caller.
    this.tail = result.then(
      () => this.done(),
      () => this.done(),
    );
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }

  private done(): void {
    this.pending--;
  }
}
