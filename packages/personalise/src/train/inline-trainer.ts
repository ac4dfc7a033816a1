/**
 * Fits on the calling thread, loading tfjs with `import()` on the first fit. For Node (tests, tools) and for pages
 * that choose it (`training: 'inline'`): a fit then blocks that thread for its duration.
 */
import { EmoLensError } from '@emolens/schema';
import type { Trainer } from './trainer.js';
import { TRAIN_BACKEND } from './trainer.js';

/** A trainer on this thread, on tfjs's `cpu` backend. */
export function inlineTrainer(): Trainer {
  let loading: Promise<typeof import('./fit.js') & { tf: typeof import('@tensorflow/tfjs') }> | undefined;
  const load = () =>
    (loading ??= (async () => {
      const [tf, fit] = await Promise.all([import('@tensorflow/tfjs'), import('./fit.js')]);
      if (tf.getBackend() !== TRAIN_BACKEND && !(await tf.setBackend(TRAIN_BACKEND))) {
        throw new EmoLensError('BACKEND_UNAVAILABLE', `tfjs's ${TRAIN_BACKEND} backend did not start`, { backend: TRAIN_BACKEND });
      }
      return { ...fit, tf };
    })());
  return {
    async fit(requests, share) {
      const { tf, fitHead } = await load();
      try {
        const results = [];
        for (const request of requests) results.push(await fitHead(tf, request, share));
        return results;
      } catch (cause) {
        throw new EmoLensError('INTERNAL_ERROR', `Training failed: ${String(cause)}`, { kind: 'unexpected', reason: String(cause) }, { cause });
      }
    },
    dispose() {},
  };
}
