import { isEmoLensError } from '@emolens/schema';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLEND_K, DEFAULT_EPOCHS, DEFAULT_HIDDEN_UNITS, DEFAULT_MAX_CORRECTIONS, DEFAULT_RETRAIN_EVERY, DEFAULT_SEED, DEFAULT_TRAINING_LOAD, resolveOptions, type PersonaliserOptions } from './options.js';

function fieldOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    if (isEmoLensError(e) && e.code === 'INVALID_REQUEST') return e.details.field;
    throw e;
  }
  return undefined;
}

describe('resolveOptions', () => {
  it('fills in every default (inline training in Node, where there is no Worker)', () => {
    expect(resolveOptions()).toEqual({
      storeName: 'default',
      inMemory: false,
      blendK: DEFAULT_BLEND_K,
      retrainEvery: DEFAULT_RETRAIN_EVERY,
      maxCorrections: DEFAULT_MAX_CORRECTIONS,
      training: 'inline',
      worker: undefined,
      hiddenUnits: DEFAULT_HIDDEN_UNITS,
      epochs: DEFAULT_EPOCHS,
      seed: DEFAULT_SEED,
      trainingLoad: 1,
      onTrained: undefined,
      onTrainError: undefined,
    });
    expect([DEFAULT_BLEND_K, DEFAULT_RETRAIN_EVERY, DEFAULT_MAX_CORRECTIONS, DEFAULT_HIDDEN_UNITS, DEFAULT_EPOCHS, DEFAULT_SEED]).toEqual([5, 10, 1000, 8, 200, 1]);
  });

  it('keeps what was given', () => {
    const r = resolveOptions({ storeName: 'alice', inMemory: true, blendK: 2.5, retrainEvery: 0, maxCorrections: 5, training: 'worker', epochs: 3, seed: 9, hiddenUnits: 4, trainingLoad: 0.5 });
    expect(r).toMatchObject({ storeName: 'alice', inMemory: true, blendK: 2.5, retrainEvery: 0, maxCorrections: 5, training: 'worker', epochs: 3, seed: 9, hiddenUnits: 4, trainingLoad: 0.5 });
  });

  it('paces worker training by default, not inline training', () => {
    expect(resolveOptions({ training: 'worker' }).trainingLoad).toBe(DEFAULT_TRAINING_LOAD);
    expect(resolveOptions({ training: 'inline' }).trainingLoad).toBe(1);
    expect(DEFAULT_TRAINING_LOAD).toBeGreaterThan(0);
    expect(DEFAULT_TRAINING_LOAD).toBeLessThan(1);
  });

  it.each<[PersonaliserOptions, string]>([
    [{ storeName: '' }, 'storeName'],
    [{ inMemory: 'yes' as unknown as boolean }, 'inMemory'],
    [{ blendK: 0 }, 'blendK'],
    [{ blendK: Number.NaN }, 'blendK'],
    [{ retrainEvery: -1 }, 'retrainEvery'],
    [{ retrainEvery: 1.5 }, 'retrainEvery'],
    [{ maxCorrections: 0 }, 'maxCorrections'],
    [{ training: 'gpu' as 'worker' }, 'training'],
    [{ worker: 'w.js' as unknown as () => Worker }, 'worker'],
    [{ hiddenUnits: 0 }, 'hiddenUnits'],
    [{ epochs: Number.POSITIVE_INFINITY }, 'epochs'],
    [{ seed: -1 }, 'seed'],
    [{ trainingLoad: 0 }, 'trainingLoad'],
    [{ trainingLoad: 1.5 }, 'trainingLoad'],
    [{ onTrained: 1 as unknown as () => void }, 'onTrained'],
  ])('refuses %o with INVALID_REQUEST naming %s', (options, field) => {
    expect(fieldOf(() => resolveOptions(options))).toBe(field);
  });

  it('refuses a misspelt option, naming the one meant, rather than leaving it at its default', () => {
    expect(() => resolveOptions({ blend_k: 2 } as PersonaliserOptions)).toThrow(
      expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ kind: 'unknown_option', field: 'blend_k', suggestion: 'Did you mean "blendK"?' }) }),
    );
  });
  it('refuses an option whose getter throws with INVALID_REQUEST naming it, not the raw error', () => {
    for (const thrown of [new TypeError('no'), 42]) {
      const options = Object.defineProperty({}, 'blendK', { enumerable: true, get: () => { throw thrown; } }) as PersonaliserOptions;
      expect(() => resolveOptions(options)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', details: expect.objectContaining({ field: 'blendK' }) }));
    }
  });
});
