/**
 * Every option of `createPersonaliser`, declared once with its default, and {@link resolveOptions}, which checks
 * them and fills in the defaults in one place.
 */
import { readKnownOptions, type EmoLensError } from '@emolens/schema';
import { invalid } from './invalid.js';
import type { TrainInfo } from './train-info.js';

/** Default store name: IndexedDB database `emolens-personalise:default`. */
export const DEFAULT_STORE_NAME = 'default';
/** Default `k` of the blend weight `n / (n + k)`: the head's residual counts half after 5 corrections. */
export const DEFAULT_BLEND_K = 5;
/** Default number of new corrections after which the head is retrained in the background. */
export const DEFAULT_RETRAIN_EVERY = 10;
/**
 * Where the learning-state head's Huber loss turns from quadratic to linear, in residual / 3 units (0.05: 0.15 on
 * the 0–3 scale).
 */
export const DEFAULT_HUBER_DELTA = 0.05;
/** Default number of corrections kept (the oldest go first). */
export const DEFAULT_MAX_CORRECTIONS = 1000;
/** Default hidden units of each head. */
export const DEFAULT_HIDDEN_UNITS = 8;
/** Default full-batch training steps. */
export const DEFAULT_EPOCHS = 200;
/** Default Adam learning rate. */
export const DEFAULT_LEARNING_RATE = 0.03;
/**
 * Strength of the L2 prior on the heads' weights: the penalty is `DEFAULT_WEIGHT_DECAY / n · ‖W‖²` for `n`
 * training samples, so it restrains a head trained on few (or contradictory) corrections and fades as they
 * accumulate.
 */
export const DEFAULT_WEIGHT_DECAY = 0.03;
/** Default seed of the initial weights. */
export const DEFAULT_SEED = 1;
/**
 * Default share of the wall time the training worker computes (it pauses between steps for the rest). On a
 * two-core device, a flat-out training worker competes with the detector's two WASM threads: in Chromium, the
 * median `detect()` latency of one face rose ×1.5–2.3 while trainings on 500 corrections ran without pause, ×1.36
 * at 0.5, ×1.03–1.12 at 0.25 (`pnpm bench:personalise-live`).
 */
export const DEFAULT_TRAINING_LOAD = 0.25;

/** Options of `createPersonaliser`. */
export interface PersonaliserOptions {
  /**
   * Name of the store: personalisers with the same name (in any tab of the origin) share one IndexedDB database,
   * `emolens-personalise:<name>`. Use one per user profile. Defaults to `'default'`.
   */
  storeName?: string;
  /** Keep corrections and the model in memory only (Node, tests, a session that must leave nothing behind). Defaults to `false`. */
  inMemory?: boolean;
  /**
   * `k` of the blend weight `n / (n + k)` with which the head's residual is added to the base estimate after `n`
   * corrections: a larger `k` trusts the head later. Defaults to 5.
   */
  blendK?: number;
  /** Retrain in the background once this many corrections were added since the last training; 0 turns it off. Defaults to 10. */
  retrainEvery?: number;
  /** Corrections kept; past it the oldest are dropped. Defaults to 1000. */
  maxCorrections?: number;
  /**
   * Where training runs: `'worker'`, a dedicated Web Worker (tfjs never loads on the page), or `'inline'`, on the
   * calling thread. Defaults to `'worker'` where `Worker` exists, else `'inline'` (Node).
   */
  training?: 'worker' | 'inline';
  /** Starts the training worker, for bundlers or CSPs that need the app to create it. Defaults to the package's own. */
  worker?: () => Worker;
  /** Hidden units of each head. Defaults to 8. */
  hiddenUnits?: number;
  /** Full-batch training steps. Defaults to 200. */
  epochs?: number;
  /** Seed of the initial weights: the same corrections and seed train the same head. Defaults to 1. */
  seed?: number;
  /**
   * Share of the wall time a training computes, in (0, 1]: it pauses between steps for the rest, so that the detector
   * keeps its cores; a training then takes about 1 / `trainingLoad` times as long, and learns the same weights. 1: no
   * pauses. Defaults to 0.25 ({@link DEFAULT_TRAINING_LOAD}) with `training: 'worker'`, 1 with `'inline'`.
   */
  trainingLoad?: number;
  /** Called after each training that replaced the model (explicit or automatic). */
  onTrained?: (info: TrainInfo) => void;
  /** Called when an automatic retraining fails (an explicit `train()` rejects instead). The model is kept. */
  onTrainError?: (error: EmoLensError) => void;
}

/** {@link PersonaliserOptions} checked, with every default filled in. */
export interface ResolvedPersonaliserOptions {
  storeName: string;
  inMemory: boolean;
  blendK: number;
  retrainEvery: number;
  maxCorrections: number;
  training: 'worker' | 'inline';
  worker: (() => Worker) | undefined;
  hiddenUnits: number;
  epochs: number;
  seed: number;
  trainingLoad: number;
  onTrained: ((info: TrainInfo) => void) | undefined;
  onTrainError: ((error: EmoLensError) => void) | undefined;
}

/**
 * Every key of {@link PersonaliserOptions}: another is refused (a misspelt option would be left at its default). Written
 * as a record of the interface's keys, so that an option added there and not here fails to compile.
 */
const OPTION_KEYS = Object.keys({
  storeName: true, inMemory: true, blendK: true, retrainEvery: true, maxCorrections: true, training: true, worker: true,
  hiddenUnits: true, epochs: true, seed: true, trainingLoad: true, onTrained: true, onTrainError: true,
} satisfies Record<keyof PersonaliserOptions, true>) as (keyof PersonaliserOptions)[];

/**
 * Checks `options` and fills in the defaults. Throws `INVALID_REQUEST` with `details.field` naming the first bad
 * option, or an unknown key (`details.kind: 'unknown_option'`).
 */
export function resolveOptions(given: PersonaliserOptions = {}): ResolvedPersonaliserOptions {
  if (typeof given !== 'object' || given === null) throw invalid('options', 'createPersonaliser takes an options object');
  const options = readKnownOptions(given, OPTION_KEYS);
  const { storeName = DEFAULT_STORE_NAME, inMemory = false, worker, onTrained, onTrainError } = options;
  if (typeof storeName !== 'string' || storeName === '') throw invalid('storeName', 'storeName must be a non-empty string');
  if (typeof inMemory !== 'boolean') throw invalid('inMemory', 'inMemory must be true or false');
  if (worker !== undefined && typeof worker !== 'function') throw invalid('worker', 'worker must be a function that returns a Worker');
  if (onTrained !== undefined && typeof onTrained !== 'function') throw invalid('onTrained', 'onTrained must be a function');
  if (onTrainError !== undefined && typeof onTrainError !== 'function') throw invalid('onTrainError', 'onTrainError must be a function');
  const training = options.training ?? (typeof Worker === 'function' ? 'worker' : 'inline');
  if (training !== 'worker' && training !== 'inline') throw invalid('training', `training must be 'worker' or 'inline', got ${String(training)}`);
  return {
    storeName,
    inMemory,
    blendK: number(options, 'blendK', DEFAULT_BLEND_K, { min: 0, exclusiveMin: true }),
    retrainEvery: number(options, 'retrainEvery', DEFAULT_RETRAIN_EVERY, { min: 0, integer: true }),
    maxCorrections: number(options, 'maxCorrections', DEFAULT_MAX_CORRECTIONS, { min: 1, integer: true }),
    training,
    worker,
    hiddenUnits: number(options, 'hiddenUnits', DEFAULT_HIDDEN_UNITS, { min: 1, max: 256, integer: true }),
    epochs: number(options, 'epochs', DEFAULT_EPOCHS, { min: 1, max: 10_000, integer: true }),
    seed: number(options, 'seed', DEFAULT_SEED, { min: 0, max: 2 ** 32 - 1, integer: true }),
    trainingLoad: number(options, 'trainingLoad', training === 'worker' ? DEFAULT_TRAINING_LOAD : 1, { min: 0, exclusiveMin: true, max: 1 }),
    onTrained,
    onTrainError,
  };
}

type NumberOption = 'blendK' | 'retrainEvery' | 'maxCorrections' | 'hiddenUnits' | 'epochs' | 'seed' | 'trainingLoad';

function number(options: PersonaliserOptions, field: NumberOption, fallback: number, rule: { min: number; exclusiveMin?: boolean; max?: number; integer?: boolean }): number {
  const value = options[field];
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule.exclusiveMin === true ? value > rule.min : value >= rule.min) &&
    (rule.max === undefined || value <= rule.max) &&
    (rule.integer !== true || Number.isInteger(value));
  if (!ok) {
    const range = `${rule.exclusiveMin === true ? '>' : '≥'} ${rule.min}${rule.max === undefined ? '' : ` and ≤ ${rule.max}`}`;
    throw invalid(field, `${field} must be a${rule.integer === true ? 'n integer' : ' finite number'} ${range}, got ${String(value)}`);
  }
  return value;
}
