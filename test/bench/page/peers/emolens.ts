/**
 * EmoLens as a side-by-side {@link Runner}: `createDetector()` with its defaults (backend `'auto'` resolves
 * to WASM here: no GPU), in its Web Worker, which is the SDK's own worker entry plus the wasm memory hook
 * (`emolens-worker.ts`).
 */
import * as core from '@emolens/core';
import type { Runner } from '../harness.ts';

/** The detector as the bench runs it: WASM, in the bench's worker (the SDK's worker plus the wasm memory hook). */
export function createBenchDetector(): Promise<core.Detector> {
  return core.createDetector({
    backend: 'wasm',
    threads: threadsParam(),
    worker: () => new Worker(new URL('../emolens-worker.ts', import.meta.url), { type: 'module', name: 'emolens-pipeline' }),
  });
}

/** `?threads=auto|N` of the page URL (set by run.ts from `--threads`). */
export function threadsParam(): number | 'auto' {
  const value = new URLSearchParams(location.search).get('threads') ?? 'auto';
  return value === 'auto' ? 'auto' : Number(value);
}

export async function createEmoLens(): Promise<Runner> {
  const detector = await createBenchDetector();
  return {
    system: 'emolens',
    backend: detector.backend,
    threads: detector.threads,
    version: '@emolens/core (workspace)',
    async detect(frame) {
      return (await detector.detect(frame)).faces.length;
    },
    async dispose() {
      detector.dispose();
    },
  };
}
