import { describe, expect, it } from 'vitest';
import { latestResults, type Producer } from './latest-results.js';

function manual<T>() {
  let sink: { push(value: T): void; end(error?: unknown): void } | undefined;
  let stops = 0;
  let starts = 0;
  const producer: Producer<T> = {
    start(s) {
      sink = s;
      starts++;
      return { stop: async () => void stops++ };
    },
  };
  return { producer, sink: () => sink!, stops: () => stops, starts: () => starts };
}

/** An iterator over `m`'s values, its producer started by a first `next()` that got `0`. */
async function started<T>(m: ReturnType<typeof manual<T>>, first: T) {
  const it = latestResults(m.producer);
  const pending = it.next();
  m.sink().push(first);
  expect(await pending).toEqual({ value: first, done: false });
  return it;
}

describe('latestResults', () => {
  it('gives the newest value to a slow consumer, not a backlog', async () => {
    const m = manual<number>();
    const it = await started(m, 0);
    m.sink().push(1);
    m.sink().push(2);
    m.sink().push(3);
    expect(await it.next()).toEqual({ value: 3, done: false });
    const pending = it.next();
    m.sink().push(4);
    expect(await pending).toEqual({ value: 4, done: false });
  });

  it('serves concurrent next() calls in order and ends them all', async () => {
    const m = manual<number>();
    const it = latestResults(m.producer);
    const a = it.next();
    const b = it.next();
    m.sink().push(1);
    m.sink().end();
    expect(await a).toEqual({ value: 1, done: false });
    expect(await b).toEqual({ value: undefined, done: true });
  });

  it('throws the producer error once, then reports the end', async () => {
    const m = manual<number>();
    const it = await started(m, 0);
    m.sink().end(new Error('camera unplugged'));
    await expect(it.next()).rejects.toThrow('camera unplugged');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('stops the producer when the loop is left', async () => {
    const m = manual<number>();
    const it = await started(m, 0);
    m.sink().push(1);
    for await (const value of it) {
      expect(value).toBe(1);
      break;
    }
    expect(m.stops()).toBe(1);
    m.sink().push(2);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('starts the producer at the first next(), once; an iterator left before it starts nothing', async () => {
    const m = manual<number>();
    const it = latestResults(m.producer);
    expect(m.starts()).toBe(0);
    const a = it.next();
    const b = it.next();
    expect(m.starts()).toBe(1);
    m.sink().push(1);
    m.sink().end();
    expect([await a, await b]).toEqual([{ value: 1, done: false }, { value: undefined, done: true }]);
    const never = manual<number>();
    const left = latestResults(never.producer);
    expect(await left.return!()).toEqual({ value: undefined, done: true });
    expect(await left.next()).toEqual({ value: undefined, done: true });
    expect([never.starts(), never.stops()]).toEqual([0, 0]);
  });
});
