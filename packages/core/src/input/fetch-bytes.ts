/**
 * A URL's bytes, read as they stream in, for an image (`decode.ts`) or a video (`video/fetch-video.ts`): the signal
 * cancels the download, and it stops at `maxBytes` (a `Content-Length` above it is refused before any body is read).
 * Which URLs may be fetched is the caller's decision; this only fetches.
 */
import type { EmoLensError } from '@emolens/schema';
import { stopError } from '../call-stop.js';

/** The caller's errors: an image's or a video's, each with its own code, kind and wording. */
export interface FetchErrors {
  /** The URL could not be read: `reason` says why (network, CORS, an HTTP status in `extra.status`); `extra.url` names it. */
  failed(reason: string, extra: Record<string, unknown>, cause?: unknown): EmoLensError;
  /** The body passed `maxBytes` (`bytes`: as declared, or as received when the download stopped). */
  tooLarge(bytes: number, maxBytes: number): EmoLensError;
}

/** What the download is of, for the reasons: `the image URL …`, `the video URL …`. */
export type FetchedThing = 'image' | 'video';

/**
 * Fetches `url` (absolute, or relative to the page) into a Blob typed as the response's `Content-Type`.
 *
 * @throws `errors.failed(…)` (network error, CORS, an HTTP error), `errors.tooLarge(…)` past `maxBytes`, or, once
 * `signal` fires, its reason (`ABORTED`, `TIMEOUT`: {@link stopError}).
 */
export async function fetchBytes(url: string, thing: FetchedThing, limits: { maxBytes: number; signal?: AbortSignal | undefined }, errors: FetchErrors): Promise<Blob> {
  const { maxBytes, signal } = limits;
  const failed = (cause: unknown) =>
    signal?.aborted
      ? stopError(signal)
      : errors.failed(`the ${thing} URL could not be fetched (network error or blocked by CORS: ${message(cause)})`, {
          url,
          suggestion: `Serve the ${thing} from this origin, or from one that sends Access-Control-Allow-Origin.`,
        }, cause);
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials: 'same-origin', ...(signal ? { signal } : {}) });
  } catch (cause) {
    throw failed(cause);
  }
  const cancel = () => void response.body?.cancel().catch(() => undefined);
  if (!response.ok) {
    cancel();
    throw errors.failed(`the ${thing} URL answered HTTP ${response.status}`, { url, status: response.status });
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    cancel();
    throw errors.tooLarge(declared, maxBytes);
  }
  const type = response.headers.get('content-type') ?? '';
  if (!response.body) return response.blob();
  const reader = response.body.getReader();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) throw errors.tooLarge(received, maxBytes);
      chunks.push(value);
    }
  } catch (cause) {
    void reader.cancel().catch(() => undefined);
    throw cause instanceof Error && cause.name === 'EmoLensError' ? cause : failed(cause);
  }
  return new Blob(chunks, { type });
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
