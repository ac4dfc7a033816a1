/**
 * Where corrections and the trained model are kept on the device: IndexedDB in the browser ({@link idbStore}), or
 * memory ({@link memoryStore}, for Node and for apps that persist nothing).
 */
import type { StoredCorrection } from '../correction.js';

/** What a store holds. */
export interface StoredState {
  /** The corrections, oldest first. */
  corrections: StoredCorrection[];
  /** The last trained (or imported) model, as its export JSON; `undefined` when there is none. */
  model: unknown;
}

/** The persistence of one personaliser. Every method is one transaction. */
export interface CorrectionStore {
  /** Everything stored. */
  load(): Promise<StoredState>;
  /** Appends a correction; the oldest ones go while more than `max` are stored. */
  append(correction: StoredCorrection, max: number): Promise<void>;
  /** Replaces the stored model (`undefined` deletes it). */
  saveModel(model: unknown): Promise<void>;
  /** Deletes every correction and the model. */
  clear(): Promise<void>;
}

/** A store in memory: nothing outlives the page (or the Node process). */
export function memoryStore(): CorrectionStore {
  let corrections: StoredCorrection[] = [];
  let model: unknown;
  return {
    load: async () => ({ corrections: structuredClone(corrections), model: structuredClone(model) }),
    append: async (correction, max) => {
      corrections.push(structuredClone(correction));
      if (corrections.length > max) corrections = corrections.slice(corrections.length - max);
    },
    saveModel: async (value) => {
      model = structuredClone(value);
    },
    clear: async () => {
      corrections = [];
      model = undefined;
    },
  };
}
