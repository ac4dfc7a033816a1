/**
 * Calls one of the app's callbacks (a stream's `onResult`/`onError`, a video's `onProgress`). What it throws is the
 * app's own error, not the SDK's: it is reported as an event listener's is (`reportError`: the page's `error`
 * event, the console), and the SDK's work goes on. A promise it returns is the app's too: left alone, its rejection
 * is the page's unhandled rejection, as an async event listener's is.
 */
export function callApp<T>(callback: (value: T) => unknown, value: T): void {
  try {
    callback(value);
  } catch (error) {
    reportToPage(error);
  }
}

/** Reports `error` as an event listener's uncaught error is: `reportError` (the page's `error` event, the console). */
export function reportToPage(error: unknown): void {
  if (typeof reportError === 'function') reportError(error);
  else setTimeout(() => { throw error; });
}
