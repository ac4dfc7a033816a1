/**
 * The refusal of an option key that a call does not take. A misspelt option (`maxFace`), another case
 * (`maxfaces`), a REST API's snake_case name (`return_action_units`) or an option of another call (`classifier` given
 * to `detect`) would otherwise leave the option at its default without a word: a result that silently ignores what
 * was asked. The error names the key meant where one is close.
 */
import { EmoLensError } from './errors.js';

/** Most edits (insertions, deletions, substitutions, swaps of neighbours) between a typo and the key it stands for. */
const MAX_TYPO_EDITS = 2;

/**
 * Refuses the first own key of `options` that is not in `known` ({@link unknownOptionError}). Inherited keys are
 * not looked at (options may be a class instance), nor symbols.
 * @param elsewhere - keys other calls take, each with the name of such a call, for the error's suggestion.
 * @throws EmoLensError `INVALID_REQUEST`: `details.kind: 'unknown_option'`, or `details.field: 'options'` when the
 * keys cannot be listed (a proxy's trap throws).
 */
export function assertKnownKeys(options: object, known: readonly string[], elsewhere: ReadonlyMap<string, string> = new Map()): void {
  let keys: string[];
  try {
    keys = Object.keys(options);
  } catch (cause) {
    throw new EmoLensError('INVALID_REQUEST', 'options could not be read', { field: 'options', reason: cause instanceof Error ? cause.message : 'its keys could not be listed' });
  }
  const unknown = keys.find((key) => !known.includes(key));
  if (unknown !== undefined) throw unknownOptionError(unknown, known, elsewhere);
}

/**
 * The caller's options as a plain object, each of `keys` read once: a getter or proxy trap that throws is
 * `INVALID_REQUEST` naming the key (`details.value`: what it threw), and nothing read later can change under the
 * caller's feet; the copy has no prototype. A key found only on `Object.prototype` is not read: a page whose prototype was polluted
 * (`Object.prototype.timeoutMs = 1`) does not change a call's options. Keys are not checked here
 * ({@link readKnownOptions} does both).
 * @throws EmoLensError `INVALID_REQUEST` (`details.field`: the key).
 */
export function readOptions<T extends object>(options: T, keys: readonly (keyof T & string)[]): Partial<T> {
  // No prototype: a key the caller did not give reads as undefined on the copy, whatever Object.prototype holds.
  const copy = Object.create(null) as Partial<T>;
  for (const key of keys) {
    let value: unknown;
    try {
      value = inheritedFromObject(options, key) ? undefined : options[key];
    } catch (cause) {
      throw new EmoLensError('INVALID_REQUEST', `${key} could not be read`, { field: key, value: thrownText(cause) });
    }
    if (value !== undefined) (copy as Record<string, unknown>)[key] = value;
  }
  return copy;
}

/** Whether `key` of `options` comes from `Object.prototype` (no object of its own chain has it). */
function inheritedFromObject(options: object, key: string): boolean {
  for (let holder: object | null = options; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    if (Object.hasOwn(holder, key)) return holder === Object.prototype;
  }
  return false;
}

/**
 * The caller's options, checked ({@link assertKnownKeys}) and read once ({@link readOptions}).
 * @throws EmoLensError `INVALID_REQUEST` (`details.field`: the key, or `options`).
 */
export function readKnownOptions<T extends object>(options: T, known: readonly (keyof T & string)[]): Partial<T> {
  assertKnownKeys(options, known);
  return readOptions(options, known);
}

/** What a getter threw, as an error's details can carry it (JSON, at most 100 characters). */
function thrownText(cause: unknown): string {
  let text: string;
  try {
    text = cause instanceof Error ? cause.message : String(cause);
  } catch {
    text = typeof cause;
  }
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * The `INVALID_REQUEST` for option `key` (`details.kind: 'unknown_option'`, `details.field: key`), with a
 * `suggestion`: the known key it is closest to, or the call that takes it.
 * @param known - the keys the call takes.
 * @param elsewhere - keys other calls take, each with the name of such a call (e.g. `createDetector()`).
 */
export function unknownOptionError(key: string, known: readonly string[], elsewhere: ReadonlyMap<string, string>): EmoLensError {
  const shownKey = key.length > 100 ? `${key.slice(0, 100)}…` : key;
  const other = elsewhere.get(key);
  if (other !== undefined) {
    return new EmoLensError('INVALID_REQUEST', `"${shownKey}" is an option of ${other}, not of this call`, {
      kind: 'unknown_option',
      field: shownKey,
      reason: `an option of ${other}`,
      suggestion: `Give "${key}" to ${other}.`,
    });
  }
  const meant = nearestKey(key, known);
  return new EmoLensError('INVALID_REQUEST', `unknown option "${shownKey}"${meant === undefined ? '' : `: did you mean "${meant}"?`}`, {
    kind: 'unknown_option',
    field: shownKey,
    reason: 'not an option of this call',
    suggestion: meant === undefined ? `The options this call takes: ${known.join(', ')}.` : `Did you mean "${meant}"?`,
  });
}

/**
 * The known key `key` most likely stands for: the same letters in another case or with `_`/`-` (`max_faces`,
 * `MaxFaces`), else the one within {@link MAX_TYPO_EDITS} edits (fewest first); `undefined` when none is close.
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const folded = fold(key);
  const sameLetters = known.find((candidate) => fold(candidate) === folded);
  if (sameLetters !== undefined) return sameLetters;
  // Short keys are too easily two edits from anything.
  const limit = Math.min(MAX_TYPO_EDITS, Math.floor(folded.length / 3));
  let best: { key: string; edits: number } | undefined;
  for (const candidate of known) {
    const edits = editDistance(folded, fold(candidate), limit);
    if (edits <= limit && (best === undefined || edits < best.edits)) best = { key: candidate, edits };
  }
  return best?.key;
}

function fold(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * Optimal string alignment distance (Levenshtein plus swaps of neighbours) between `a` and `b`, or `limit + 1`
 * once it exceeds `limit` (an option key may be any length the caller wrote).
 * @internal Exported for its tests; {@link nearestKey} is the API.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (last[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let cell = Math.min((last[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cell = Math.min(cell, (beforeLast[j - 2] ?? 0) + 1);
      row.push(cell);
      rowMin = Math.min(rowMin, cell);
    }
    if (rowMin > limit) return limit + 1;
    beforeLast = last;
    last = row;
  }
  return Math.min(last[b.length] ?? 0, limit + 1);
}
