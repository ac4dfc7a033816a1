/**
 * When a call stops early: its caller's `AbortSignal` fires (`ABORTED`) or its deadline passes (`TIMEOUT`). One
 * signal carries both to everything the call waits on — the download (cancelled), the decode and the worker's
 * reply — with the typed error as its reason.
 */
import { EmoLensError, isEmoLensError } from '@emolens/schema';

/** A call's stop signal; `release()` once the call settles. */
export interface CallStop {
  signal: AbortSignal;
  release(): void;
}

/** The stop signal of a call with the caller's `signal` and a deadline of `timeoutMs` (`Infinity`: none). */
export function callStop(caller: AbortSignal | undefined, timeoutMs: number): CallStop {
  const controller = new AbortController();
  const onAbort = () => controller.abort(abortError());
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  // setTimeout takes at most 2^31 - 1 ms; a longer deadline is no deadline in practice.
  const timer = Number.isFinite(timeoutMs) && timeoutMs < 2 ** 31 ? setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs) : undefined;
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Settles with `promise`, or rejects with the stop signal's reason as soon as it fires; a value that arrives
 * after that goes to `discard` (so what it holds is freed).
 */
export function stoppable<T>(promise: Promise<T>, signal: AbortSignal, discard?: (late: T) => void): Promise<T> {
  if (signal.aborted) {
    if (discard) promise.then(discard, () => undefined);
    else promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onStop = () => {
      reject(signal.reason);
      if (discard) promise.then(discard, () => undefined);
    };
    signal.addEventListener('abort', onStop, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onStop));
  });
}

/**
 * What a wait rejects with once `signal` fires: the signal's own reason when it is an `EmoLensError` (a call's stop
 * signal carries `ABORTED` or `TIMEOUT`, see {@link callStop}), else `ABORTED` (a caller's plain `AbortController`,
 * whose reason is a DOMException).
 */
export function stopError(signal: AbortSignal): EmoLensError {
  return isEmoLensError(signal.reason) ? signal.reason : abortError();
}

/** The error of a call whose `AbortSignal` fired. */
export function abortError(): EmoLensError {
  return new EmoLensError('ABORTED', 'The call was aborted', { reason: 'its AbortSignal fired' });
}

function timeoutError(timeoutMs: number): EmoLensError {
  return new EmoLensError('TIMEOUT', `The call did not finish within ${timeoutMs} ms`, {
    reason: 'a download, a decode or the worker did not answer in time',
    suggestion: 'Check the image source (a URL that never answers, an <img loading="lazy"> out of view), or raise timeoutMs.',
    timeoutMs,
  });
}
