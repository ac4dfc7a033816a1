import { describe, expect, it, vi } from 'vitest';
import { EmoLensError } from '@emolens/schema';
import { StartSteps, stepOf, withStartDeadline } from './start-deadline.js';

describe('createDetector start deadline', () => {
  it('names each loading step', () => {
    expect(stepOf({ type: 'download', asset: 'ort-wasm', url: 'x', loaded: 1, total: 2 })).toBe('download ort-wasm');
    expect(stepOf({ type: 'asset', asset: 'emolens-fer', bytes: 1, source: 'cache' })).toBe('asset emolens-fer');
    expect(stepOf({ type: 'compile', model: 'blazeface-short' })).toBe('compile blazeface-short');
    expect(stepOf({ type: 'ready', backend: 'wasm', elapsedMs: 1, steps: [] })).toBe('ready');
  });

  it('rejects a start that never settles with TIMEOUT naming the last step, and ends it', async () => {
    const seen: string[] = [];
    const steps = new StartSteps((event) => seen.push(event.type));
    steps.listener({ type: 'compile', model: 'blazeface-short' });
    const onTimeout = vi.fn();
    const error = await withStartDeadline(new Promise(() => undefined), 20, steps, onTimeout).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmoLensError);
    expect(error).toMatchObject({ code: 'TIMEOUT', details: { kind: 'start_timeout', step: 'compile blazeface-short', timeoutMs: 20 } });
    expect(onTimeout).toHaveBeenCalledOnce();
    expect(seen).toEqual(['compile']);
  });

  it('reports what the app\'s callback throws as the page\'s error, and follows the step anyway', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    try {
      const thrown = new Error('progress boom');
      const steps = new StartSteps(() => {
        throw thrown;
      });
      expect(() => steps.listener({ type: 'compile', model: 'emolens-fer' })).not.toThrow();
      expect(steps.last).toBe('compile emolens-fer');
      expect(reported).toEqual([thrown]);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('names the worker start when no step was reached', async () => {
    const error = await withStartDeadline(new Promise(() => undefined), 5, new StartSteps(undefined), () => undefined).catch((e: unknown) => e);
    expect(error).toMatchObject({ details: { step: 'start worker' } });
  });

  it('passes a start that settles in time through, and has no deadline with Infinity', async () => {
    const onTimeout = vi.fn();
    await expect(withStartDeadline(Promise.resolve(7), 1000, new StartSteps(undefined), onTimeout)).resolves.toBe(7);
    await expect(withStartDeadline(Promise.reject(new Error('load failed')), 1000, new StartSteps(undefined), onTimeout)).rejects.toThrow('load failed');
    await expect(withStartDeadline(new Promise((r) => setTimeout(() => r('late'), 30)), Infinity, new StartSteps(undefined), onTimeout)).resolves.toBe('late');
    expect(onTimeout).not.toHaveBeenCalled();
  });
});
