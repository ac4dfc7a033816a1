/**
 * The submission's fields checked against the `/insert` body's JSON Schema itself (`@emolens/schema`'s, the one the
 * collection server validates with), after the hand-written checks of `validate-submission.ts` that name each field
 * in the caller's terms. What passes both, the server takes; a value only the schema refuses (a bad number deep in a
 * `wia_face`) fails `submit()` instead of becoming a dead letter. The validator (`@cfworker/json-schema`) interprets
 * the schema without generating code, so the check runs under a strict Content-Security-Policy.
 */
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import { EmoLensError, toWakeeInsertBody, WAKEE_INSERT_REQUEST_SCHEMA, WIA_FACE_RESULT_SCHEMA, type AnnotationMeta, type LearningStateScores, type WakeeInsertExtensions } from '@emolens/schema';

/** Where the two schemas live for the validator: the insert schema's `$ref` to the face schema resolves against it. */
const BASE = 'https://schemas.emolens.invalid/';

let validator: Validator | undefined;

/** Built on first use: most pages never submit. */
function insertValidator(): Validator {
  if (!validator) {
    validator = new Validator({ ...WAKEE_INSERT_REQUEST_SCHEMA, $id: `${BASE}wakee-insert-request.schema.json` }, '2020-12', true);
    validator.addSchema({ ...WIA_FACE_RESULT_SCHEMA, $id: `${BASE}wia-face-result.schema.json` });
  }
  return validator;
}

/** A stand-in image: the schema's base64 pattern takes it, and the image itself is checked when it is encoded. */
const PROBE_IMAGE = 'AAAA';

/**
 * Throws `INVALID_REQUEST` (`details.field` in the submission's terms: `extensions.wia_face.dimensions.valence`,
 * `meta.note`, `corrected.engagement`) unless the `/insert` body these fields make validates against its schema.
 */
export function checkAgainstSchema(
  predicted: LearningStateScores,
  corrected: LearningStateScores,
  extensions: Omit<WakeeInsertExtensions, 'meta'> | undefined,
  meta: AnnotationMeta | undefined,
): void {
  const body = toWakeeInsertBody(PROBE_IMAGE, predicted, corrected, { ...extensions, ...(meta !== undefined ? { meta } : {}) });
  const result = insertValidator().validate(body);
  if (result.valid) return;
  const deepest = result.errors.reduce<OutputUnit | undefined>((best, e) => (!best || e.instanceLocation.length > best.instanceLocation.length ? e : best), undefined);
  const field = submissionField(deepest?.instanceLocation ?? '#');
  throw new EmoLensError('INVALID_REQUEST', `${field} is not what the /insert schema takes${deepest ? `: ${deepest.error}` : ''}`, {
    field,
    reason: deepest ? `${deepest.keyword}: ${deepest.error}` : 'the body does not validate',
    suggestion: 'Pass wia_face as detect() gave it, and meta values as strings, numbers, booleans or null.',
  });
}

/** A body location (`#/wia_face/bbox/x`, `#/user_engagement`) as the submission's field (`extensions.wia_face.bbox.x`, `corrected.engagement`). */
function submissionField(location: string): string {
  const parts = location.replace(/^#\/?/, '').split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const [top, ...rest] = parts;
  if (top === undefined) return 'submission';
  const state = /^(predicted|user)_(boredom|confusion|engagement|frustration)$/.exec(top);
  if (state) return `${state[1] === 'user' ? 'corrected' : 'predicted'}.${state[2]}`;
  if (top === 'meta') return ['meta', ...rest].join('.');
  return ['extensions', top, ...rest].join('.');
}
