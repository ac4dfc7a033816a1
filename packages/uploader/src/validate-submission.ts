/**
 * Checks the fields of a submission (everything but the image) against the rules of the `/insert` JSON Schema, so a
 * bad call fails at once with `INVALID_REQUEST` instead of becoming a dead letter later.
 */
import {
  ACTION_UNITS,
  EmoLensError,
  LEARNING_STATE_MAX,
  LEARNING_STATE_MIN,
  LEARNING_STATES,
  WIA_EMOTIONS,
  WIA_FACE_RESULT_SCHEMA,
  type AnnotationMeta,
  type LearningStateScores,
  type WakeeInsertExtensions,
} from '@emolens/schema';

/** Most entries of `meta` (the schema's `maxProperties`). */
export const META_MAX_ENTRIES = 32;
/** Longest string value of `meta`. */
export const META_MAX_STRING = 256;
const META_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
/** Most mesh points of a face (`wia-face-result.schema.json`: MediaPipe's mesh with the irises). */
const MAX_LANDMARKS = 478;

/** The fields of a submission as read once: the image as given, the rest as a JSON copy. */
export interface SubmissionSnapshot {
  image: unknown;
  predicted: LearningStateScores;
  corrected: LearningStateScores;
  extensions: Omit<WakeeInsertExtensions, 'meta'> | undefined;
  meta: AnnotationMeta | undefined;
}

/**
 * Reads `submission` once, synchronously, and copies everything but the image through JSON: later changes to the
 * caller's objects (or a getter that answers differently next time) cannot change what was checked. A value JSON
 * cannot hold (a cycle, a BigInt, a revoked Proxy, a getter that throws) is `INVALID_REQUEST`.
 */
export function snapshotSubmission(submission: object): SubmissionSnapshot {
  let image: unknown;
  let json: string;
  try {
    const { image: given, predicted, corrected, extensions, meta } = submission as Record<string, unknown>;
    image = given;
    json = JSON.stringify({ predicted, corrected, extensions, meta });
  } catch (error) {
    throw new EmoLensError('INVALID_REQUEST', 'The submission could not be read as JSON', {
      field: 'submission',
      reason: error instanceof Error ? error.message : String(error),
      suggestion: 'Pass plain objects of numbers and strings (no cycles, BigInts or throwing getters).',
    });
  }
  const copy = JSON.parse(json) as Omit<SubmissionSnapshot, 'image'>;
  checkText(copy, '');
  return { image, ...copy };
}

/**
 * Refuses what the server's JSON parser or its database refuses: a `__proto__` key, a string with a lone surrogate,
 * a string holding U+0000 (PostgreSQL's `jsonb` cannot store it).
 */
function checkText(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) throw invalid(path, `${path} holds a lone surrogate: it is not valid Unicode`);
    if (value.includes('\u0000')) throw invalid(path, `${path} holds U+0000, which the server's database cannot store`);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key === '__proto__') throw invalid(at, 'a key named __proto__ is refused');
      checkText(child, at);
    }
  }
}

/**
 * Throws `INVALID_REQUEST` (`details.field`: the dotted path of the first bad value) unless `predicted` and `corrected`
 * score the four learning states in [0, 3] and the extension fields and `meta` are what the schema takes.
 */
export function validateSubmission(
  predicted: LearningStateScores,
  corrected: LearningStateScores,
  extensions: Omit<WakeeInsertExtensions, 'meta'> | undefined,
  meta: AnnotationMeta | undefined,
): void {
  scores('predicted', predicted);
  scores('corrected', corrected);
  if (extensions !== undefined) {
    if (!isObject(extensions)) throw invalid('extensions', 'extensions must be an object');
    for (const key of Object.keys(extensions)) {
      if (!['predicted_emotion', 'user_emotion', 'predicted_probabilities', 'wia_face'].includes(key)) {
        throw invalid(`extensions.${key}`, `unknown extension field ${key}`);
      }
    }
    for (const key of ['predicted_emotion', 'user_emotion'] as const) {
      const label = extensions[key];
      if (label !== undefined && !(WIA_EMOTIONS as readonly string[]).includes(label)) {
        throw invalid(`extensions.${key}`, `${key} must be one of ${WIA_EMOTIONS.join(', ')}`);
      }
    }
    const probabilities = extensions.predicted_probabilities;
    if (probabilities !== undefined) {
      if (!isObject(probabilities)) throw invalid('extensions.predicted_probabilities', 'predicted_probabilities must be an object');
      for (const label of WIA_EMOTIONS) {
        const p = (probabilities as Record<string, unknown>)[label];
        if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw invalid(`extensions.predicted_probabilities.${label}`, `the probability of ${label} must be a number in [0, 1]`);
      }
      for (const key of Object.keys(probabilities)) {
        if (!(WIA_EMOTIONS as readonly string[]).includes(key)) throw invalid(`extensions.predicted_probabilities.${key}`, `unknown label ${key}`);
      }
    }
    if (extensions.wia_face !== undefined) checkFace(extensions.wia_face);
  }
  if (meta !== undefined) {
    if (!isObject(meta)) throw invalid('meta', 'meta must be an object');
    const entries = Object.entries(meta);
    if (entries.length > META_MAX_ENTRIES) throw invalid('meta', `meta has ${entries.length} entries, at most ${META_MAX_ENTRIES} are allowed`);
    for (const [key, value] of entries) {
      if (!META_KEY.test(key)) throw invalid(`meta.${key}`, `meta keys are 1-64 characters of A-Z a-z 0-9 _ . -`);
      const ok =
        value === null ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= META_MAX_STRING);
      if (!ok) throw invalid(`meta.${key}`, `meta values are strings of at most ${META_MAX_STRING} characters, finite numbers, booleans or null`);
    }
  }
}

/** The keys a WIA face may have, from its schema (`wia-face-result.schema.json`: no other key is allowed). */
const FACE_KEYS = Object.keys((WIA_FACE_RESULT_SCHEMA as { $defs: { face: { properties: object } } }).$defs.face.properties);

/** The parts of a WIA face the server requires, and the sizes it caps (the server checks the rest). */
function checkFace(face: unknown): void {
  const at = 'extensions.wia_face';
  if (!isObject(face)) throw invalid(at, 'wia_face must be a WIA face object');
  const f = face as Record<string, unknown>;
  onlyKeys(f, FACE_KEYS, at);
  if (isObject(f['bbox'])) onlyKeys(f['bbox'] as Record<string, unknown>, ['x', 'y', 'width', 'height'], `${at}.bbox`);
  if (!isCount(f['face_id'])) throw invalid(`${at}.face_id`, 'face_id must be an integer ≥ 0');
  const box = f['bbox'] as Record<string, unknown> | undefined;
  if (!isObject(box) || !['x', 'y', 'width', 'height'].every((k) => isCount(box[k]))) throw invalid(`${at}.bbox`, 'bbox must hold x, y, width and height, integers ≥ 0');
  const emotions = f['emotions'] as { primary?: { label?: unknown; confidence?: unknown }; all?: unknown } | undefined;
  const primary = emotions?.primary;
  if (!isObject(primary) || !(WIA_EMOTIONS as readonly unknown[]).includes(primary.label) || !(typeof primary.confidence === 'number' && primary.confidence >= 0 && primary.confidence <= 1) || !Array.isArray(emotions?.all) || emotions.all.length !== WIA_EMOTIONS.length) {
    throw invalid(`${at}.emotions`, 'emotions must hold primary { label, confidence } and all seven labels');
  }
  onlyKeys(emotions as Record<string, unknown>, ['primary', 'all'], `${at}.emotions`);
  onlyKeys(primary as Record<string, unknown>, ['label', 'confidence'], `${at}.emotions.primary`);
  (emotions.all as unknown[]).forEach((score, i) => {
    const s = score as Record<string, unknown>;
    if (!isObject(score) || !(WIA_EMOTIONS as readonly unknown[]).includes(s['label']) || !(typeof s['confidence'] === 'number' && s['confidence'] >= 0 && s['confidence'] <= 1)) {
      throw invalid(`${at}.emotions.all.${i}`, 'each of emotions.all must be { label, confidence } with a WIA label and a confidence in [0, 1]');
    }
    onlyKeys(s, ['label', 'confidence'], `${at}.emotions.all.${i}`);
  });
  for (const [key, max] of [['landmarks', MAX_LANDMARKS], ['action_units', ACTION_UNITS.length]] as const) {
    const list = f[key];
    if (list !== undefined && !(Array.isArray(list) && list.length <= max)) throw invalid(`${at}.${key}`, `${key} must be an array of at most ${max}`);
  }
}

/** Refuses a key of `value` not in `keys`, as the schema's `additionalProperties: false` does. */
function onlyKeys(value: Record<string, unknown>, keys: readonly string[], at: string): void {
  const extra = Object.keys(value).find((key) => !keys.includes(key));
  if (extra !== undefined) throw invalid(`${at}.${extra}`, `${extra} is not a known field of ${at.split('.').at(-1)}`);
}

function isCount(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0;
}

function scores(field: 'predicted' | 'corrected', value: LearningStateScores): void {
  if (!isObject(value)) throw invalid(field, `${field} must score ${LEARNING_STATES.join(', ')}`);
  for (const state of LEARNING_STATES) {
    const score = (value as Record<string, unknown>)[state];
    if (typeof score !== 'number' || !(score >= LEARNING_STATE_MIN && score <= LEARNING_STATE_MAX)) {
      throw invalid(`${field}.${state}`, `${field}.${state} must be a number in [${LEARNING_STATE_MIN}, ${LEARNING_STATE_MAX}]`);
    }
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(field: string, message: string): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, { field, reason: message });
}
