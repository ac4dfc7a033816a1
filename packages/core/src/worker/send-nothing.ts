/**
 * The SDK's workers download their assets and send nothing. MediaPipe's tasks-vision (1.1.0) posts usage records
 * of every task it runs to a Google endpoint (`odml.pa.googleapis.com/v1/log`) each minute and when a task closes;
 * an on-device SDK that promises no server in the loop must not. Rather than reach into tasks-vision's minified
 * internals, the worker refuses every HTTP request that could carry data out — any method but GET and HEAD, through
 * `fetch` or `XMLHttpRequest` — before it leaves. tasks-vision treats the refusal as a failed upload and stops its
 * timer; the SDK's own requests (models, wasm) are all GETs.
 */

/** The parts of a worker's global scope this module replaces. */
export interface RequestScope {
  fetch: typeof fetch;
  XMLHttpRequest?: { prototype: Pick<XMLHttpRequest, 'open'> };
}

/** Methods that only read. */
const READ_METHODS = new Set(['GET', 'HEAD']);

/** The refusal for a request of `method`, or `undefined` when it only reads. */
function refusal(method: string): TypeError | undefined {
  const verb = method.toUpperCase();
  return READ_METHODS.has(verb) ? undefined : new TypeError(`EmoLens workers send nothing: a ${verb} request was refused`);
}

/**
 * Makes `scope.fetch` reject, and `XMLHttpRequest#open` throw, a `TypeError` (as a network failure does) for any
 * request but GET and HEAD.
 */
export function sendNothing(scope: RequestScope): void {
  const fetchOriginal = scope.fetch.bind(scope);
  scope.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const refused = refusal(init?.method ?? (input instanceof Request ? input.method : 'GET'));
    return refused ? Promise.reject(refused) : fetchOriginal(input, init);
  };
  const xhr = scope.XMLHttpRequest?.prototype;
  if (xhr) {
    const openOriginal = xhr.open as (this: XMLHttpRequest, method: string, ...rest: unknown[]) => void;
    xhr.open = function open(this: XMLHttpRequest, method: string, ...rest: unknown[]) {
      const refused = refusal(String(method));
      if (refused) throw refused;
      openOriginal.call(this, method, ...rest);
    } as XMLHttpRequest['open'];
  }
}
