/**
 * The one boundary of the public API: whatever a public method throws reaches the caller as an
 * {@link EmoLensError}. The SDK's own errors pass unchanged; a platform error becomes the typed error it means
 * (a tainted image that cannot cross to the worker), anything else `INTERNAL_ERROR` with what was thrown.
 */
import { EmoLensError } from '@emolens/schema';
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

/** Runs `task`, rethrowing whatever it throws as an {@link EmoLensError}. */
export async function typed<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw asEmoLensError(error);
  }
}
