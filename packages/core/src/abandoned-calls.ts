/**
 * Worker calls whose callers gave up on them (a deadline, an abort) while the worker still has them. The worker
 * runs every call it was sent to the end; a caller retrying on a short deadline would otherwise send frame after
 * frame to a worker that is still on the first, each holding its bitmap, until the page runs out of memory. A new
 * call waits for the abandoned ones (under its own deadline) before it sends its frame.
 */
import { stoppable } from './call-stop.js';

export class AbandonedCalls {
  private readonly pending = new Set<Promise<void>>();

  /** Notes that `call`'s caller gave up on it; it counts until it settles. */
  add(call: Promise<unknown>): void {
    const settled = call.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /** How many are still running in the worker. */
  get size(): number {
    return this.pending.size;
  }

  /** Resolves when the calls abandoned so far have settled; rejects with the stop's error once `signal` fires. */
  async drained(signal: AbortSignal): Promise<void> {
    while (this.pending.size > 0) await stoppable(Promise.all([...this.pending]), signal);
  }
}
