/**
 * EmoLens as a side-by-side {@link Runner}: `createDetector()` with its defaults (backend `'auto'` resolves
 * to WASM here: no GPU), in its Web Worker, which is the SDK's own worker entry plus the wasm memory hook
 * (`emolens-worker.ts`).
 */
import * as core from '@emolens/core';
import type { Runner } from '../harness.ts';

export async function createEmoLens(): Promise<Runner> {
  const detector = await core.createDetector({
    backend: 'wasm',
    worker: () => new Worker(new URL('../emolens-worker.ts', import.meta.url), { type: 'module', name: 'emolens-pipeline' }),
  });
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
