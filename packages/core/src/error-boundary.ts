/**
 * The one boundary of the public API: whatever a public method throws reaches the caller as an
 * {@link EmoLensError}. The SDK's own errors pass unchanged; a platform error becomes the typed error it means
 * (a tainted image that cannot cross to the worker), anything else `INTERNAL_ERROR` with what was thrown.
 * A detector call's error also carries the call's request id (`requestId`, `toJSON().request_id`).
 */
import { EmoLensError, newRequestId } from '@emolens/schema';
import { invalidImage } from './input/input-errors.js';

/** `error` as an {@link EmoLensError}. */
export function asEmoLensError(error: unknown): EmoLensError {
  if (error instanceof EmoLensError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : typeof error;
  const message = error instanceof Error || error instanceof DOMException ? error.message : String(error);
  if (name === 'DataCloneError' || name === 'SecurityError') {
    // A cross-origin image without CORS: the browser lets the page draw it but not read it or send it to a worker.
    return invalidImage('cross_origin', `the image is cross-origin and the page may not read it (${message})`, {
      suggestion: 'Load it with crossorigin="anonymous" from a server that sends Access-Control-Allow-Origin, or from this origin.',
    }, error);
  }
  return new EmoLensError('INTERNAL_ERROR', 'Unexpected error', { reason: `${name}: ${message}`, kind: 'unexpected' }, { cause: error });
}

/**
 * `error` as the error of the request `requestId`: the error itself, its `requestId` set, when it belongs to no
 * request yet; a copy when it already belongs to another one (one error object can reach several calls: a
 * failed worker restart rejects every call waiting on it).
 */
export function forRequest(error: EmoLensError, requestId: string): EmoLensError {
  if (error.requestId === undefined) error.requestId = requestId;
  if (error.requestId === requestId) return error;
  const copy = new EmoLensError(error.code, error.message, error.details, { cause: error.cause, requestId });
  copy.stack = error.stack;
  return copy;
}

/**
 * Runs `task`, rethrowing whatever it throws as an {@link EmoLensError} that carries `requestId` (a detector call's
 * id; by default a new one, for a start or a warm-up), whether it was thrown before the worker was reached
 * (options, decoding, abort, deadline, disposal) or in the worker.
 */
export async function typed<T>(task: () => Promise<T>, requestId: string = newRequestId()): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw forRequest(asEmoLensError(error), requestId);
  }
}
