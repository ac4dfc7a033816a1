/**
 * What the adapters read of a WIA face result, checked before they read it: a caller's JavaScript may hand them
 * anything (`null`, a result of another shape, an error body), and an adapter must answer that with a typed error,
 * not a `TypeError` or a body made of `NaN`.
 */
import { LABEL_TABLE } from '../labels.js';
import type { WiaFaceResult } from '../wia.js';
import { isEmoLensError } from '../errors.js';
import { describe, invalid, isArray, isObject, read } from './request-body.js';

/**
 * `result`, once checked as far as the adapters read it: `faces` an array of faces, each with a `bbox` of finite
 * numbers and `emotions` whose `primary.label` is a WIA emotion and whose `all` entries have a finite `confidence`.
 *
 * @throws EmoLensError `INVALID_REQUEST` (`details.field` naming the part: `result`, `result.faces[2].bbox`, …).
 */
export function checkResult(result: unknown, adapter: string): WiaFaceResult {
  try {
    return checked(result, adapter);
  } catch (error) {
    if (isEmoLensError(error)) throw error;
    // A getter or a proxy trap threw: the read names the result as a whole.
    return read('result', () => {
      throw error;
    });
  }
}

/** The checks of {@link checkResult}; a getter that throws escapes them. */
function checked(result: unknown, adapter: string): WiaFaceResult {
  const problem = (field: string, value: unknown, what: string) =>
    invalid(field, `${adapter} needs a WIA face result: ${field} must be ${what}`, describe(value), 'Pass the result of detect() or analyzeFace().');
  if (!isObject(result)) throw problem('result', result, 'an object');
  const faces = result['faces'];
  if (!isArray(faces)) throw problem('result.faces', faces, 'an array');
  (faces as unknown[]).forEach((face, i) => {
    const at = `result.faces[${i}]`;
    if (!isObject(face)) throw problem(at, face, 'an object');
    const box = face['bbox'];
    if (!isObject(box)) throw problem(`${at}.bbox`, box, 'an object');
    for (const key of ['x', 'y', 'width', 'height']) if (!Number.isFinite(box[key])) throw problem(`${at}.bbox.${key}`, box[key], 'a finite number');
    const emotions = face['emotions'];
    if (!isObject(emotions)) throw problem(`${at}.emotions`, emotions, 'an object');
    const primary = emotions['primary'];
    const label = isObject(primary) ? primary['label'] : undefined;
    if (typeof label !== 'string' || !Object.hasOwn(LABEL_TABLE, label)) throw problem(`${at}.emotions.primary.label`, label, 'a WIA emotion');
    const all = emotions['all'];
    if (!isArray(all)) throw problem(`${at}.emotions.all`, all, 'an array');
    (all as unknown[]).forEach((entry, j) => {
      const confidence = isObject(entry) ? entry['confidence'] : undefined;
      if (!Number.isFinite(confidence)) throw problem(`${at}.emotions.all[${j}].confidence`, confidence, 'a finite number');
    });
  });
  return result as unknown as WiaFaceResult;
}
