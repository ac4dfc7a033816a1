import { describe, expect, it } from 'vitest';
import { latestResults, type Producer } from './latest-results.js';

function manual<T>() {
  let sink!: { push(value: T): void; end(error?: unknown): void };
  let stops = 0;
  const producer: Producer<T> = {
    start(s) {
      sink = s;
      return { stop: async () => void stops++ };
    },
  };
  return { producer, sink: () => sink, stops: () => stops };
}

describe('latestResults', () => {
  it('gives the newest value to a slow consumer, not a backlog', async () => {
    const m = manual<number>();
    const it = latestResults(m.producer);
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
    const it = latestResults(m.producer);
    m.sink().end(new Error('camera unplugged'));
    await expect(it.next()).rejects.toThrow('camera unplugged');
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('stops the producer when the loop is left', async () => {
    const m = manual<number>();
    const it = latestResults(m.producer);
    m.sink().push(1);
    for await (const value of it) {
      expect(value).toBe(1);
      break;
    }
    expect(m.stops()).toBe(1);
    m.sink().push(2);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });
});
