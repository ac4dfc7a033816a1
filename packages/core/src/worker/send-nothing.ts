/**
 * The SDK's workers download their assets and send nothing. MediaPipe's tasks-vision (1.1.0) posts usage records
 * of every task it runs to a Google endpoint (`odml.pa.googleapis.com/v1/log`) each minute and when a task closes;
 * an on-device SDK that promises no server in the loop must not. Rather than reach into tasks-vision's minified
 * internals, the worker's `fetch` refuses every request that could carry data out — any method but GET and HEAD —
 * before it leaves. tasks-vision treats the refusal as a failed upload and stops its timer; the SDK's own requests
 * (models, wasm) are all GETs.
 */

/** The part of a worker's global scope this module replaces. */
export interface FetchScope {
  fetch: typeof fetch;
}

/** Methods that only read. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** Makes `scope.fetch` refuse (reject with a `TypeError`, as a network failure does) any request but GET and HEAD. */
export function sendNothing(scope: FetchScope): void {
  const fetchOriginal = scope.fetch.bind(scope);
  scope.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (!READ_METHODS.has(method)) {
      return Promise.reject(new TypeError(`EmoLens workers send nothing: a ${method} request was refused`));
    }
    return fetchOriginal(input, init);
  };
}
