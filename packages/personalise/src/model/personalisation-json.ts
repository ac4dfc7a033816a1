/**
 * The export format of a trained personalisation, and its strict reading: {@link toPersonalisationJson} writes it,
 * {@link fromPersonalisationJson} checks every field before anything is built from it.
 */
import { LEARNING_STATES, WIA_EMOTIONS } from '@emolens/schema';
import { FEATURE_LAYOUT_ID, FEATURE_LENGTH } from '../features.js';
import { invalid } from '../invalid.js';
import type { DenseHead } from '../train/fit-types.js';
import { EMOTION_HEAD_INPUTS, MIN_FEATURE_STD, STATE_HEAD_INPUTS } from './head-input.js';
import type { PersonalModel, TrainedHead } from './personal-model.js';

/** `format` of every export. */
export const PERSONALISATION_FORMAT = 'emolens-personalisation';
/** `version` this package writes and reads. */
export const PERSONALISATION_VERSION = 1;
/** Largest hidden layer an import accepts. */
const MAX_HIDDEN = 256;

/** A head's weights as plain numbers: `tanh(x·w1 + b1)·w2 + b2`, matrices row-major. */
export interface HeadJson {
  inputs: number;
  hidden: number;
  outputs: number;
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

/**
 * What `export()` gives: JSON-safe, versioned, and tied to the feature layout it was trained on. It holds weights and
 * statistics, no correction and no image.
 */
export interface PersonalisationJson {
  format: typeof PERSONALISATION_FORMAT;
  version: typeof PERSONALISATION_VERSION;
  /** The feature layout (`FEATURE_LAYOUT_ID`) and its length. */
  layout: { id: string; length: number };
  /** Corrections the heads were trained on (all of them; those that named an emotion). */
  counts: { corrections: number; emotionCorrections: number };
  /** Per-feature mean and standard deviation of the training set, in layout order. */
  normalisation: { mean: number[]; std: number[] };
  heads: {
    /** Residual / 3 of each learning state, in `LEARNING_STATES` order. */
    states: HeadJson;
    /** Residual logits of each emotion, in `WIA_EMOTIONS` order; `null` without emotion corrections. */
    emotion: HeadJson | null;
  };
}

/** The export of `model`. */
export function toPersonalisationJson(model: PersonalModel): PersonalisationJson {
  const head = (h: DenseHead): HeadJson => ({
    inputs: h.inputs,
    hidden: h.hidden,
    outputs: h.outputs,
    w1: Array.from(h.w1),
    b1: Array.from(h.b1),
    w2: Array.from(h.w2),
    b2: Array.from(h.b2),
  });
  return {
    format: PERSONALISATION_FORMAT,
    version: PERSONALISATION_VERSION,
    layout: { id: FEATURE_LAYOUT_ID, length: FEATURE_LENGTH },
    counts: { corrections: model.states.corrections, emotionCorrections: model.emotion?.corrections ?? 0 },
    normalisation: { mean: Array.from(model.normalisation.mean), std: Array.from(model.normalisation.std) },
    heads: { states: head(model.states.head), emotion: model.emotion ? head(model.emotion.head) : null },
  };
}

/**
 * Reads an export (the object, or its JSON text). Throws `INVALID_REQUEST` with `details.field` naming the first
 * problem: not JSON, not an export of this package, another version or feature layout, counts that are not whole
 * numbers, arrays of the wrong length, a value that is not a finite number.
 */
export function fromPersonalisationJson(json: unknown): PersonalModel {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (cause) {
      throw invalid('json', 'The personalisation is not valid JSON', cause);
    }
  }
  const root = object(value, 'json', 'The personalisation must be a JSON object (an export of @emolens/personalise)');
  if (root['format'] !== PERSONALISATION_FORMAT) throw invalid('format', `Not a personalisation export: format is ${show(root['format'])}, not "${PERSONALISATION_FORMAT}"`);
  if (root['version'] !== PERSONALISATION_VERSION) throw invalid('version', `Unsupported personalisation version ${show(root['version'])}: this package reads version ${PERSONALISATION_VERSION}`);
  const layout = object(root['layout'], 'layout', 'layout must be an object');
  if (layout['id'] !== FEATURE_LAYOUT_ID || layout['length'] !== FEATURE_LENGTH) {
    throw invalid('layout', `The personalisation was trained on feature layout ${show(layout['id'])} (${show(layout['length'])} values); this package uses ${FEATURE_LAYOUT_ID} (${FEATURE_LENGTH})`);
  }
  const counts = object(root['counts'], 'counts', 'counts must be an object');
  const corrections = count(counts['corrections'], 'counts.corrections', 1);
  const emotionCorrections = count(counts['emotionCorrections'], 'counts.emotionCorrections', 0);
  if (emotionCorrections > corrections) throw invalid('counts.emotionCorrections', 'counts.emotionCorrections is more than counts.corrections');

  const normalisation = object(root['normalisation'], 'normalisation', 'normalisation must be an object');
  const mean = numbers(normalisation['mean'], 'normalisation.mean', FEATURE_LENGTH);
  const std = numbers(normalisation['std'], 'normalisation.std', FEATURE_LENGTH);
  std.forEach((s, i) => {
    if (s < Math.fround(MIN_FEATURE_STD)) throw invalid(`normalisation.std[${i}]`, `normalisation.std[${i}] is ${s}, below the floor ${MIN_FEATURE_STD}`);
  });

  const heads = object(root['heads'], 'heads', 'heads must be an object');
  const states = head(heads['states'], 'heads.states', STATE_HEAD_INPUTS, LEARNING_STATES.length);
  const emotionJson = heads['emotion'];
  if ((emotionJson === null) !== (emotionCorrections === 0)) {
    throw invalid('heads.emotion', 'heads.emotion must be present exactly when counts.emotionCorrections is above 0');
  }
  const emotion: TrainedHead | undefined =
    emotionJson === null ? undefined : { head: head(emotionJson, 'heads.emotion', EMOTION_HEAD_INPUTS, WIA_EMOTIONS.length), corrections: emotionCorrections };
  return { normalisation: { mean, std }, states: { head: states, corrections }, emotion };
}

function head(value: unknown, field: string, inputs: number, outputs: number): DenseHead {
  const h = object(value, field, `${field} must be an object`);
  if (h['inputs'] !== inputs) throw invalid(`${field}.inputs`, `${field}.inputs must be ${inputs}, got ${show(h['inputs'])}`);
  if (h['outputs'] !== outputs) throw invalid(`${field}.outputs`, `${field}.outputs must be ${outputs}, got ${show(h['outputs'])}`);
  const hidden = h['hidden'];
  if (typeof hidden !== 'number' || !Number.isInteger(hidden) || hidden < 1 || hidden > MAX_HIDDEN) {
    throw invalid(`${field}.hidden`, `${field}.hidden must be a whole number in [1, ${MAX_HIDDEN}], got ${show(hidden)}`);
  }
  return {
    inputs,
    hidden,
    outputs,
    w1: numbers(h['w1'], `${field}.w1`, inputs * hidden),
    b1: numbers(h['b1'], `${field}.b1`, hidden),
    w2: numbers(h['w2'], `${field}.w2`, hidden * outputs),
    b2: numbers(h['b2'], `${field}.b2`, outputs),
  };
}

/** An array of `length` finite numbers (each representable as a float32 without overflow), as a Float32Array. */
function numbers(value: unknown, field: string, length: number): Float32Array {
  if (!Array.isArray(value)) throw invalid(field, `${field} must be an array of ${length} numbers`);
  if (value.length !== length) throw invalid(field, `${field} must have ${length} numbers, got ${value.length}`);
  const out = new Float32Array(length);
  // An index loop, not forEach, which skips the holes of a sparse array (new Array(n) would import as zeros).
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || !Number.isFinite(Math.fround(v))) {
      throw invalid(`${field}[${i}]`, `${field}[${i}] must be a finite number, got ${show(v)}`);
    }
    out[i] = v;
  }
  return out;
}

function count(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(field, `${field} must be a whole number ≥ ${min}, got ${show(value)}`);
  return value;
}

function object(value: unknown, field: string, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, message);
  return value as Record<string, unknown>;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
