/**
 * Adapter to a SAMO-DL style ranked list, `[{ emotion, confidence }]`.
 */
import { EmoLensError } from '../errors.js';
import { LABEL_TABLE } from '../labels.js';
import type { WiaFaceResult } from '../wia.js';
import { readKnownOptions } from '../unknown-option.js';
import { checkResult } from './check-result.js';
import { indexOfLargest } from './largest-face.js';
import { rankedClasses, scoreMap } from './scores.js';

/**
 * The seven GoEmotions words (of SAMO-DL's 28) that match a WIA class, in WIA order: `LABEL_TABLE`'s
 * `samo` column.
 */
export const SAMO_LABELS = ['joy', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'] as const;

/** A GoEmotions word that EmoLens reports. */
export type SamoLabel = (typeof SAMO_LABELS)[number];

/** One entry of the ranked list. */
export interface RankedEmotion {
  emotion: SamoLabel;
  /** The class's WIA probability, 0 to 1 (not renormalised). */
  confidence: number;
}

/** Options of {@link toRankedList}. */
export interface RankedListOptions {
  /** Index in `result.faces` of the face to report (equal to its `face_id` in SDK results). Default: the largest face by box area. */
  face?: number;
  /** Keep at most this many entries: an integer ≥ 1. Default: all seven. */
  topK?: number;
  /** Keep entries with `confidence >= threshold`: a number from 0 to 1. Default: 0 (keep all). */
  threshold?: number;
}

/**
 * A SAMO-DL `/predict` style body (`ranked-list.schema.json`) for one face: its seven classes in GoEmotions
 * words (happiness → `joy`), sorted by confidence, highest first (ties in `WIA_EMOTIONS` order), then those
 * below `threshold` dropped, then cut to `topK`. The confidences are the face's WIA probabilities.
 * No face gives `[]`.
 *
 * @throws {@link EmoLensError} `INVALID_REQUEST` with `details.field` `'face'`, `'topK'` or `'threshold'`
 * when an option is out of range (NaN, negative, a fraction for `face`/`topK`, `threshold` above 1, `face`
 * past the last face).
 *
 * @example
 * ```ts
 * toRankedList(result, { topK: 3 }); // [{ emotion: 'joy', confidence: 0.87 }, { emotion: 'neutral', … }, …]
 * ```
 */
export function toRankedList(result: WiaFaceResult, options: RankedListOptions = {}): RankedEmotion[] {
  checkResult(result, 'toRankedList');
  const { face, topK, threshold = 0 } = readKnownOptions(options, ['face', 'topK', 'threshold']);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    throw invalidOption('topK', 'topK must be an integer of at least 1', topK);
  }
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw invalidOption('threshold', 'threshold must be a number from 0 to 1', threshold);
  }
  let index: number;
  if (face === undefined) {
    index = indexOfLargest(result);
    if (index < 0) return [];
  } else {
    if (!(Number.isInteger(face) && face >= 0 && face < result.faces.length)) {
      throw invalidOption('face', `face must be the index of one of the ${result.faces.length} faces`, face);
    }
    index = face;
  }
  const scores = scoreMap(result.faces[index]!);
  const ranked = rankedClasses(scores)
    .filter((label) => scores[label] >= threshold)
    .map((label) => ({ emotion: LABEL_TABLE[label].samo as SamoLabel, confidence: scores[label] }));
  return topK === undefined ? ranked : ranked.slice(0, topK);
}

function invalidOption(field: string, message: string, value: unknown): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, {
    field,
    reason: `got ${typeof value === 'number' ? String(value) : typeof value}`,
    suggestion: `Pass a valid ${field} or leave it out.`,
  });
}
