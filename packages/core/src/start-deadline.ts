/**
 * `createDetector`'s deadline: a start that has not finished by `startTimeoutMs` rejects with `TIMEOUT`, naming the
 * last loading step it reached, so a stall (a download that never ends, a runtime that never compiles) is never a
 * silent, endless wait.
 */
import { EmoLensError } from '@emolens/schema';
import { callApp } from './app-callback.js';
import type { LoadProgressEvent, ProgressCallback } from './assets/progress.js';

/** The loading step an event reports, as `details.step` names it. */
export function stepOf(event: LoadProgressEvent): string {
  switch (event.type) {
    case 'download':
    case 'asset':
      return `${event.type} ${event.asset}`;
    case 'compile':
      return `compile ${event.model}`;
    case 'ready':
      return 'ready';
  }
}

/** Follows the loading steps of one start, and passes each event on to the app's callback. */
export class StartSteps {
  /** The last step reached: before any event, the worker is starting. */
  last = 'start worker';

  constructor(private readonly onProgress: ProgressCallback | undefined) {}

  readonly listener: ProgressCallback = (event) => {
    this.last = stepOf(event);
    // The app's error is the page's to see: thrown back through Comlink it would be an unhandled rejection in the worker.
    if (this.onProgress) callApp(this.onProgress, event);
  };
}

/**
 * `start`, or `TIMEOUT` after `timeoutMs` (`Infinity`: no deadline); `onTimeout` then ends what was started.
 */
export async function withStartDeadline<T>(start: Promise<T>, timeoutMs: number, steps: StartSteps, onTimeout: () => void): Promise<T> {
  if (!Number.isFinite(timeoutMs)) return start;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(
        new EmoLensError('TIMEOUT', `The detector did not start within ${timeoutMs} ms (last step: ${steps.last})`, {
          kind: 'start_timeout',
          step: steps.last,
          timeoutMs,
          suggestion:
            "Check that the SDK's assets are served (see the README's serving section) and, on a cross-origin isolated page with a Content-Security-Policy, that worker-src allows blob: (onnxruntime starts its threads from one); raise startTimeoutMs on slow networks.",
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([start, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
