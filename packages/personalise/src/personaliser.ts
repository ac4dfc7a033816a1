/**
 * The personaliser: keeps the user's corrections on the device, trains the heads on them (in the background), and
 * adjusts estimates with what it learned.
 */
import { bindMethods, EmoLensError, isEmoLensError, type LearningStateScores, type WiaEmotion } from '@emolens/schema';
import { checkCorrection, checkFeatures, checkScores, type Correction, type StoredCorrection } from './correction.js';
import { blendWeight, predictEmotions, predictStates } from './model/predict.js';
import { fromPersonalisationJson, toPersonalisationJson, type PersonalisationJson } from './model/personalisation-json.js';
import type { PersonalModel } from './model/personal-model.js';
import { resolveOptions, DEFAULT_HUBER_DELTA, DEFAULT_WEIGHT_DECAY, DEFAULT_LEARNING_RATE, type PersonaliserOptions, type ResolvedPersonaliserOptions } from './options.js';
import { memoryStore, type CorrectionStore } from './store/correction-store.js';
import { idbStore } from './store/idb-store.js';
import { datasetsOf } from './train/dataset.js';
import type { DenseHead, FitResult } from './train/fit-types.js';
import { inlineTrainer } from './train/inline-trainer.js';
import type { Trainer } from './train/trainer.js';
import { workerTrainer } from './train/worker-trainer.js';
import type { TrainInfo } from './train-info.js';

/** Where a personaliser stands. */
export interface PersonaliserState {
  /** Corrections stored. */
  corrections: number;
  /** Corrections the current model learned from (0: no model; estimates pass through unchanged). */
  trainedOn: number;
  /** Corrections added since the last training started. */
  pending: number;
  /** Weight of the learning-state residual now: `trainedOn / (trainedOn + blendK)`. */
  weight: number;
  /** A training is running or queued. */
  training: boolean;
}

/** On-device personalisation of the learning-state (and emotion) estimates. Made by {@link createPersonaliser}. */
export interface Personaliser {
  /** Where it stands. */
  readonly state: PersonaliserState;
  /**
   * Checks a correction and stores it on the device. Rejects with `INVALID_REQUEST` (`details.field`) when a field is
   * bad (wrong feature length, a score outside [0, 3] or not a number, an unknown emotion): nothing is stored then.
   * Every `retrainEvery` corrections, a retraining starts in the background.
   */
  addCorrection(correction: Correction): Promise<void>;
  /**
   * Trains the heads on every stored correction (in the training worker, in the browser) and, when it resolves,
   * uses them. With no corrections it does nothing (`skipped: true`). Trainings run one at a time, in call order.
   * Rejects with `INTERNAL_ERROR` when training fails; the previous model is kept.
   */
  train(): Promise<TrainInfo>;
  /**
   * The personalised learning-state scores of a face: `base` plus the head's residual times the blend weight,
   * clamped to [0, 3]. With no model, `base` unchanged. Synchronous and cheap (no tfjs).
   * Throws `INVALID_REQUEST` for a bad feature vector or base score.
   */
  predict(features: Float32Array | readonly number[], base: LearningStateScores): LearningStateScores;
  /**
   * The personalised emotion probabilities of a face (the features' seven probabilities, with the emotion head's
   * blended residual logits added before a softmax). Without emotion corrections, the features' probabilities as
   * they are (a hand-made vector whose seven values are not probabilities: clamped at 0 and scaled to sum 1).
   * Throws `INVALID_REQUEST` for a bad feature vector.
   */
  predictEmotions(features: Float32Array | readonly number[]): Record<WiaEmotion, number>;
  /** Resolves once no training is running or queued (automatic ones included). Never rejects. */
  idle(): Promise<void>;
  /** Deletes every correction and the model, on the device too; a training in flight is discarded. */
  reset(): Promise<void>;
  /** The trained model as JSON (weights, normalisation, counts; no correction, no image), or `null` before any training. */
  export(): PersonalisationJson | null;
  /**
   * Uses (and stores) an exported model instead of the current one; the stored corrections stay, and the next
   * training replaces it with one trained on them. Rejects with `INVALID_REQUEST` (`details.field`) when `json` is not a
   * valid export of this version and feature layout; the current state is then untouched.
   */
  import(json: unknown): Promise<void>;
  /** Ends the training worker. Later calls reject with `DISPOSED`. */
  dispose(): void;
}

/**
 * Opens the personaliser of `options.storeName` (loading its corrections and model from IndexedDB), or an
 * in-memory one (`inMemory: true`). Rejects with `INVALID_REQUEST` for a bad option, `BACKEND_UNAVAILABLE` where
 * there is no IndexedDB.
 *
 * @example
 * ```ts
 * const personaliser = await createPersonaliser();
 * const features = featuresOf(face);
 * const scores = personaliser.predict(features, base);   // base until corrections have been learned
 * await personaliser.addCorrection({ features, predicted: base, corrected: userScores });
 * ```
 */
export async function createPersonaliser(options: PersonaliserOptions = {}): Promise<Personaliser> {
  const resolved = resolveOptions(options);
  const store = resolved.inMemory ? memoryStore() : idbStore(resolved.storeName);
  const stored = await store.load();
  // What IndexedDB gives back is checked as addCorrection checks it: a record another version, an extension or a
  // damaged disk wrote is left out, not trained on (one bad row would fail or poison every training).
  const corrections = stored.corrections.flatMap((record) => {
    try {
      return [checkCorrection(record)];
    } catch {
      return [];
    }
  });
  let model: PersonalModel | undefined;
  if (stored.model !== undefined) {
    try {
      model = fromPersonalisationJson(stored.model);
    } catch {
      // A model this version cannot read (another feature layout): retrained from the corrections.
      await store.saveModel(undefined);
    }
  }
  return new DevicePersonaliser(resolved, store, corrections, model);
}

class DevicePersonaliser implements Personaliser {
  /** Bumped by reset() and import(): a training that started before must not install its model. */
  private generation = 0;
  /** Corrections added since the last training took its snapshot. */
  private pending: number;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private autoQueued = false;
  private trainer: Trainer | undefined;
  private disposed = false;
  /** Aborted by dispose(): a fit in flight then rejects with DISPOSED (its worker, ended, would never answer). */
  private readonly closing = new AbortController();
  /** addCorrection, reset and import, one after another: a reset called right after an add clears it too. */
  private mutations: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: ResolvedPersonaliserOptions,
    private readonly store: CorrectionStore,
    private corrections: StoredCorrection[],
    private model: PersonalModel | undefined,
  ) {
    bindMethods(this);
    this.pending = Math.max(0, corrections.length - (model?.states.corrections ?? 0));
    this.maybeRetrain();
  }

  get state(): PersonaliserState {
    const trainedOn = this.model?.states.corrections ?? 0;
    return {
      corrections: this.corrections.length,
      trainedOn,
      pending: this.pending,
      weight: blendWeight(trainedOn, this.options.blendK),
      training: this.queued > 0,
    };
  }

  async addCorrection(correction: Correction): Promise<void> {
    this.assertOpen();
    const stored = readInput('correction', () => checkCorrection(correction));
    await this.serially(async () => {
      await this.store.append(stored, this.options.maxCorrections);
      this.corrections.push(stored);
      if (this.corrections.length > this.options.maxCorrections) this.corrections.splice(0, this.corrections.length - this.options.maxCorrections);
      this.pending++;
    });
    this.maybeRetrain();
  }

  train(): Promise<TrainInfo> {
    try {
      this.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    this.queued++;
    const run = this.queue.then(() => this.runTraining()).finally(() => this.queued--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  predict(features: Float32Array | readonly number[], base: LearningStateScores): LearningStateScores {
    this.assertOpen();
    const checked = checkFeatures(features, 'features');
    return predictStates(this.model, checked, checkScores(base, 'base'), this.options.blendK);
  }

  predictEmotions(features: Float32Array | readonly number[]): Record<WiaEmotion, number> {
    this.assertOpen();
    return predictEmotions(this.model, checkFeatures(features, 'features'), this.options.blendK);
  }

  async idle(): Promise<void> {
    while (this.queued > 0) await this.queue;
  }

  async reset(): Promise<void> {
    this.assertOpen();
    await this.serially(async () => {
      this.generation++;
      this.corrections = [];
      this.model = undefined;
      this.pending = 0;
      await this.store.clear();
    });
  }

  export(): PersonalisationJson | null {
    this.assertOpen();
    return this.model ? toPersonalisationJson(this.model) : null;
  }

  async import(json: unknown): Promise<void> {
    this.assertOpen();
    const model = readInput('json', () => fromPersonalisationJson(json)); // throws before anything changes
    await this.serially(async () => {
      await this.store.saveModel(toPersonalisationJson(model));
      this.generation++;
      this.model = model;
      this.pending = 0;
    });
  }

  dispose(): void {
    this.disposed = true;
    this.generation++;
    this.closing.abort();
    this.trainer?.dispose();
    this.trainer = undefined;
  }

  /** Runs `op` after every mutation called before it has finished. */
  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.mutations.then(op);
    this.mutations = run.catch(() => undefined);
    return run;
  }

  /** Queues a background training once `retrainEvery` corrections are pending (one at a time). */
  private maybeRetrain(): void {
    const every = this.options.retrainEvery;
    if (every === 0 || this.pending < every || this.autoQueued || this.disposed) return;
    this.autoQueued = true;
    this.train().then(
      () => {
        this.autoQueued = false;
        this.maybeRetrain(); // corrections that came while it trained
      },
      (error: unknown) => {
        // No retry loop: the next correction tries again.
        this.autoQueued = false;
        const typed = isEmoLensError(error) ? error : new EmoLensError('INTERNAL_ERROR', String(error), { kind: 'unexpected', reason: String(error) });
        this.options.onTrainError?.(typed);
      },
    );
  }

  private async runTraining(): Promise<TrainInfo> {
    this.assertOpen();
    const started = performance.now();
    const generation = this.generation;
    const corrections = this.corrections.slice();
    const skipped = (backend: string | null): TrainInfo => ({
      corrections: 0,
      emotionCorrections: 0,
      ms: performance.now() - started,
      fitMs: { states: 0 },
      loss: { states: 0 },
      backend,
      skipped: true,
    });
    if (corrections.length === 0) return skipped(null);
    this.pending = 0;
    const { hiddenUnits: hidden, epochs, seed } = this.options;
    let sets: ReturnType<typeof datasetsOf>;
    let results: FitResult[];
    try {
      sets = datasetsOf(corrections, { hidden, epochs, seed, learningRate: DEFAULT_LEARNING_RATE, weightDecay: DEFAULT_WEIGHT_DECAY, huberDelta: DEFAULT_HUBER_DELTA });
      this.trainer ??= this.options.training === 'worker' ? workerTrainer(this.options.worker) : inlineTrainer();
      results = await untilDisposed(this.trainer.fit(sets.emotion ? [sets.states, sets.emotion] : [sets.states], this.options.trainingLoad), this.closing.signal);
      for (const result of results) assertFinite(result);
    } catch (error) {
      if (generation === this.generation) this.pending += corrections.length; // still to learn
      throw error;
    }
    const [states, emotion] = results as [FitResult, FitResult | undefined];
    if (generation !== this.generation || this.disposed) return skipped(states.backend);
    const emotionCorrections = sets.emotion?.rows ?? 0;
    const model: PersonalModel = {
      normalisation: sets.normalisation,
      states: { head: states.head, corrections: corrections.length },
      emotion: emotion ? { head: emotion.head, corrections: emotionCorrections } : undefined,
    };
    this.model = model;
    await this.store.saveModel(toPersonalisationJson(model));
    const info: TrainInfo = {
      corrections: corrections.length,
      emotionCorrections,
      ms: performance.now() - started,
      fitMs: emotion ? { states: states.ms, emotion: emotion.ms } : { states: states.ms },
      loss: emotion ? { states: states.loss, emotion: emotion.loss } : { states: states.loss },
      backend: states.backend,
      skipped: false,
    };
    this.options.onTrained?.(info);
    return info;
  }

  private assertOpen(): void {
    if (this.disposed) throw disposedError();
  }
}

/** Rejects a fit whose weights are not all finite (the model in use is then kept). */
function assertFinite({ head, loss }: FitResult): void {
  const arrays: (keyof DenseHead)[] = ['w1', 'b1', 'w2', 'b2'];
  for (const key of arrays) {
    if (!(head[key] as Float32Array).every(Number.isFinite)) {
      throw new EmoLensError('INTERNAL_ERROR', 'Training diverged: the head has weights that are not finite', { kind: 'unexpected', reason: `non-finite ${key}`, loss });
    }
  }
}

/** `promise`, or a rejection with `DISPOSED` once `signal` aborts, whichever comes first. */
function untilDisposed<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(disposedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(disposedError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function disposedError(): EmoLensError {
  return new EmoLensError('DISPOSED', 'The personaliser was disposed', { reason: 'dispose() was called' });
}

/** Runs a check of caller input; anything but an EmoLensError (a getter that throws, a revoked Proxy) is `INVALID_REQUEST`. */
function readInput<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isEmoLensError(error)) throw error;
    throw new EmoLensError('INVALID_REQUEST', `${field} could not be read`, { field, reason: error instanceof Error ? error.message : String(error) });
  }
}
