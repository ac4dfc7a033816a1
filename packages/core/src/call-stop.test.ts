import { describe, expect, it } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { callStop, stoppable } from './call-stop.js';

const never = () => new Promise<never>(() => undefined);
const codeOf = (p: Promise<unknown>) => p.then(() => 'settled', (e: EmoLensError) => e.code);

describe('callStop', () => {
  it('stops a call that waits forever with TIMEOUT at its deadline', async () => {
    const stop = callStop(undefined, 20);
    expect(await codeOf(stoppable(never(), stop.signal))).toBe('TIMEOUT');
    expect((stop.signal.reason as EmoLensError).details['timeoutMs']).toBe(20);
  });

  it('stops it with ABORTED when the caller aborts, before or during the call', async () => {
    const before = new AbortController();
    before.abort();
    expect(await codeOf(stoppable(never(), callStop(before.signal, 1000).signal))).toBe('ABORTED');
    const during = new AbortController();
    const pending = codeOf(stoppable(never(), callStop(during.signal, 1000).signal));
    during.abort();
    expect(await pending).toBe('ABORTED');
  });

  it('lets a call that finishes in time through, hands a late value to discard, and releases its timer', async () => {
    const stop = callStop(undefined, 1000);
    expect(await stoppable(Promise.resolve(7), stop.signal)).toBe(7);
    stop.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(stop.signal.aborted).toBe(false);
    const discarded: number[] = [];
    const late = callStop(undefined, 5);
    let finish!: (v: number) => void;
    const result = codeOf(stoppable(new Promise<number>((r) => (finish = r)), late.signal, (v) => discarded.push(v)));
    expect(await result).toBe('TIMEOUT');
    finish(42);
    await Promise.resolve();
    await Promise.resolve();
    expect(discarded).toEqual([42]);
  });

  it('has no deadline with Infinity', async () => {
    const stop = callStop(undefined, Infinity);
    await new Promise((r) => setTimeout(r, 20));
    expect(stop.signal.aborted).toBe(false);
    stop.release();
  });
});
