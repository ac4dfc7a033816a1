/**
 * The feature vector of a face: the one place that says which values, in which order, on which scale. The
 * personalisation head reads nothing else, and an export names this layout ({@link FEATURE_LAYOUT_ID}) so weights
 * trained on one layout are never applied to another.
 */
import { ACTION_UNITS, WIA_EMOTIONS, type WiaFace } from '@emolens/schema';
import { invalid } from './invalid.js';

/** One entry of the layout: its name and the range its value lies in. */
export interface FeatureSlot {
  /** Stable name, e.g. `emotion:happiness`, `au:AU43`, `head:yaw`. */
  readonly name: string;
  /** What the value is and how it was scaled. */
  readonly description: string;
}

/** Degrees that map to ±1 for gaze yaw and pitch (values beyond are clamped). */
export const GAZE_SCALE_DEG = 45;
/** Degrees that map to ±1 for head yaw (values beyond are clamped). */
export const HEAD_YAW_SCALE_DEG = 60;
/** Degrees that map to ±1 for head pitch and roll (values beyond are clamped). */
export const HEAD_TILT_SCALE_DEG = 45;

/**
 * The layout, in order. Every value lies in [-1, 1]; a value the face does not carry is 0.
 *
 * | slots | value |
 * |---|---|
 * | 7 × `emotion:<label>` | probability of each WIA label, in `WIA_EMOTIONS` order, [0, 1] |
 * | 17 × `au:<code>` | intensity of each action unit, in `ACTION_UNITS` order, [0, 1] (0 when absent) |
 * | `au:present` | 1 when the face has `action_units`, else 0 (so "absent" differs from "all at rest") |
 * | `eye:left`, `eye:right` | eye openness, [0, 1] (0 when absent) |
 * | `gaze:yaw`, `gaze:pitch` | gaze in degrees / {@link GAZE_SCALE_DEG}, clamped to [-1, 1] (0 when absent) |
 * | `head:yaw` | head yaw / {@link HEAD_YAW_SCALE_DEG}, clamped (0 when absent) |
 * | `head:pitch`, `head:roll` | head pitch, roll / {@link HEAD_TILT_SCALE_DEG}, clamped (0 when absent) |
 * | `attention:present` | 1 when the face has `attention`, else 0 (so "absent" differs from "eyes closed") |
 *
 * The head pose is `attention.head_pose`, else the face's `head_pose`.
 */
export const FEATURE_LAYOUT: readonly FeatureSlot[] = Object.freeze([
  ...WIA_EMOTIONS.map((label) => ({ name: `emotion:${label}`, description: `probability of ${label}, [0, 1]` })),
  ...ACTION_UNITS.map((au) => ({ name: `au:${au}`, description: `intensity of ${au}, [0, 1]; 0 when absent` })),
  { name: 'au:present', description: '1 when the face has action_units, else 0' },
  { name: 'eye:left', description: 'openness of the left eye, [0, 1]; 0 when absent' },
  { name: 'eye:right', description: 'openness of the right eye, [0, 1]; 0 when absent' },
  { name: 'gaze:yaw', description: `gaze yaw / ${GAZE_SCALE_DEG}°, clamped to [-1, 1]; 0 when absent` },
  { name: 'gaze:pitch', description: `gaze pitch / ${GAZE_SCALE_DEG}°, clamped to [-1, 1]; 0 when absent` },
  { name: 'head:yaw', description: `head yaw / ${HEAD_YAW_SCALE_DEG}°, clamped to [-1, 1]; 0 when absent` },
  { name: 'head:pitch', description: `head pitch / ${HEAD_TILT_SCALE_DEG}°, clamped to [-1, 1]; 0 when absent` },
  { name: 'head:roll', description: `head roll / ${HEAD_TILT_SCALE_DEG}°, clamped to [-1, 1]; 0 when absent` },
  { name: 'attention:present', description: '1 when the face has attention, else 0' },
]);

/** Length of a feature vector: {@link FEATURE_LAYOUT}'s. */
export const FEATURE_LENGTH = FEATURE_LAYOUT.length;

/**
 * Id of {@link FEATURE_LAYOUT}, written into every export. It changes whenever the layout does (a slot added,
 * removed, reordered or rescaled), so an import of weights trained on another layout is refused.
 */
export const FEATURE_LAYOUT_ID = `emolens-face-v1:${FEATURE_LENGTH}`;

/** Index of each slot by name. */
export const FEATURE_INDEX: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(FEATURE_LAYOUT.map((slot, i) => [slot.name, i])),
);

/** Index of the first emotion probability (the seven follow in `WIA_EMOTIONS` order). */
export const EMOTION_OFFSET = 0;

/**
 * The feature vector of a WIA face ({@link FEATURE_LAYOUT}). Missing parts (no `action_units`, no `attention`, no
 * gaze) give 0; a part of the wrong shape (a list that is not an array, an entry that is not an object) and a value
 * that is not a finite number count as absent; every value is clamped to its range.
 *
 * @throws {@link EmoLensError} `INVALID_REQUEST` (`details.field: 'face'`) when `face` is not an object.
 *
 * @example
 * ```ts
 * const result = await detector.detect(frame, { returnActionUnits: true, returnAttention: true });
 * const features = featuresOf(result.faces[0]);
 * ```
 */
export function featuresOf(face: WiaFace): Float32Array {
  if (typeof face !== 'object' || face === null || Array.isArray(face)) throw invalid('face', 'featuresOf needs a WIA face (an object from a result\'s faces)');
  const out = new Float32Array(FEATURE_LENGTH);
  const put = (name: string, value: unknown, scale = 1, min = 0) => {
    const at = FEATURE_INDEX[name];
    if (at === undefined || typeof value !== 'number' || !Number.isFinite(value)) return;
    out[at] = Math.min(1, Math.max(min, value / scale));
  };
  for (const entry of entries(face.emotions?.all)) put(`emotion:${String(entry['label'])}`, entry['confidence']);
  if (face.action_units) {
    put('au:present', 1);
    for (const entry of entries(face.action_units)) put(`au:${String(entry['au'])}`, entry['intensity']);
  }
  const attention = face.attention;
  if (attention) {
    put('attention:present', 1);
    put('eye:left', attention.eyes?.left);
    put('eye:right', attention.eyes?.right);
    put('gaze:yaw', attention.gaze?.yaw, GAZE_SCALE_DEG, -1);
    put('gaze:pitch', attention.gaze?.pitch, GAZE_SCALE_DEG, -1);
  }
  const head = attention?.head_pose ?? face.head_pose;
  if (head) {
    put('head:yaw', head.yaw, HEAD_YAW_SCALE_DEG, -1);
    put('head:pitch', head.pitch, HEAD_TILT_SCALE_DEG, -1);
    put('head:roll', head.roll, HEAD_TILT_SCALE_DEG, -1);
  }
  return out;
}

/** The objects of `list` when it is an array; nothing otherwise. */
function entries(list: unknown): Record<string, unknown>[] {
  if (!Array.isArray(list)) return [];
  return list.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
}
