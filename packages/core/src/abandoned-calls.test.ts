import { describe, expect, it } from 'vitest';
import { AbandonedCalls } from './abandoned-calls.js';

/** A promise and its settlers. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('AbandonedCalls', () => {
  it('lets a call through at once when nothing was abandoned', async () => {
    await expect(new AbandonedCalls().drained(new AbortController().signal)).resolves.toBeUndefined();
  });

  it('holds a new call until every abandoned call has settled, rejected ones included', async () => {
    const calls = new AbandonedCalls();
    const [a, b] = [deferred(), deferred()];
    calls.add(a.promise);
    calls.add(b.promise);
    let through = false;
    const waiting = calls.drained(new AbortController().signal).then(() => (through = true));
    a.resolve();
    await new Promise((r) => setTimeout(r, 5));
    expect(through).toBe(false);
    expect(calls.size).toBe(1);
    b.reject(new Error('the worker failed it'));
    await waiting;
    expect(calls.size).toBe(0);
  });

  it("rejects with the stop's reason when the new call's own deadline passes while it waits", async () => {
    const calls = new AbandonedCalls();
    calls.add(new Promise(() => undefined));
    const stop = new AbortController();
    const waiting = calls.drained(stop.signal);
    stop.abort('deadline');
    await expect(waiting).rejects.toBe('deadline');
  });
});
