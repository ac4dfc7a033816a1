/**
 * The async-iterator form of a live stream: `for await (const frame of detector.frames(video))`. A consumer slower
 * than the stream sees the newest result, never a backlog: the one-slot buffer keeps only the latest. The stream
 * starts at the first `next()` (an iterator never iterated costs nothing), and leaving the loop (break, return,
 * throw) stops it.
 */

/** A producer of values: started once with a sink, stopped by the iterator. */
export interface Producer<T> {
  start(sink: { push(value: T): void; end(error?: unknown): void }): { stop(): Promise<unknown> };
}

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

/** An async iterator over the newest values of `producer` (see the module comment). */
export function latestResults<T>(producer: Producer<T>): AsyncIterableIterator<T> {
  let slot: { value: T } | undefined;
  let ended: { error?: unknown } | undefined;
  const waiters: Waiter<T>[] = [];

  const settle = () => {
    while (waiters.length > 0 && (slot || ended)) {
      const waiter = waiters.shift()!;
      if (slot) {
        const { value } = slot;
        slot = undefined;
        waiter.resolve({ value, done: false });
      } else if (ended!.error !== undefined) {
        const { error } = ended!;
        ended = {}; // the error is thrown once; later calls see the end
        waiter.reject(error);
      } else waiter.resolve({ value: undefined, done: true });
    }
  };

  let handle: { stop(): Promise<unknown> } | undefined;
  const start = () =>
    producer.start({
      push(value) {
        if (ended) return;
        slot = { value };
        settle();
      },
      end(error) {
        if (ended) return;
        ended = error === undefined ? {} : { error };
        settle();
      },
    });

  const finish = async (): Promise<IteratorResult<T>> => {
    slot = undefined;
    ended = {};
    await handle?.stop();
    settle();
    return { value: undefined, done: true };
  };

  return {
    next: () =>
      new Promise<IteratorResult<T>>((resolve, reject) => {
        if (!handle && !ended) handle = start();
        waiters.push({ resolve, reject });
        settle();
      }),
    return: finish,
    async throw(error?: unknown) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
