/**
 * Reading a request body that may be hostile: the helpers `parseWiaFaceRequest` (wia-request.ts) and
 * `parseWiaVideoRequest` (wia-video-request.ts) share. Every failure is an `INVALID_REQUEST` naming the field,
 * whatever the body does when read (a getter or proxy trap that throws, a revoked proxy, a value that cannot be
 * shown). Internal: not exported from the package's index.
 */
import { EmoLensError } from '../errors.js';

/**
 * The caller's object as a plain record, each own key read once. A getter or proxy trap that throws is
 * `INVALID_REQUEST` naming the key (or the object, when its keys cannot be listed), as a wrong value is; from
 * JavaScript such a body was an unexpected error (found by the fuzzer).
 *
 * @param path The object's dotted path (`'options'`), `''` for the body itself (whose keys are then named alone,
 * and which is named `'body'` when its keys cannot be listed).
 */
export function readObject(value: object, path: string): Record<string, unknown> {
  const keys = read(path || 'body', () => Object.keys(value));
  return Object.fromEntries(keys.map((key) => [key, read(path ? `${path}.${key}` : key, () => (value as Record<string, unknown>)[key])]));
}

/** `get()`, with whatever it throws turned into `INVALID_REQUEST` naming `field`. */
export function read<T>(field: string, get: () => T): T {
  try {
    return get();
  } catch (cause) {
    throw invalid(field, `${field} could not be read`, `reading it threw: ${thrown(cause)}`, 'Send plain data, as JSON would.');
  }
}

/** What was thrown, as text; a thrown value that cannot be shown either says so. */
function thrown(cause: unknown): string {
  try {
    return cause instanceof Error ? cause.message : String(cause);
  } catch {
    return 'a value that cannot be shown';
  }
}

/** A non-null object that is not an array (a revoked proxy counts: reading it then fails, typed). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** `Array.isArray`, except that a revoked proxy (on which it throws) is no array: reading it then fails, typed. */
export function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** The `reason` for a value of the wrong type: `'got null'`, `'got an array'`, `'got 42'`, `'got the string "…"'`, `'got boolean'`. */
export function describe(value: unknown): string {
  if (value === null) return 'got null';
  if (isArray(value)) return 'got an array';
  if (typeof value === 'number') return `got ${String(value)}`;
  if (typeof value === 'string') return `got the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `got ${typeof value}`;
}

/** An `INVALID_REQUEST` whose `details` are `{ field, reason, suggestion, ...extra }`. */
export function invalid(field: string, message: string, reason: string, suggestion: string, extra: Record<string, unknown> = {}): EmoLensError {
  return new EmoLensError('INVALID_REQUEST', message, { field, reason, suggestion, ...extra });
}
