/**
 * Any video input → the Blob of its file. A `<video>` element is read through the file it plays (`currentSrc`):
 * its decoder is not ours to drive, and seeking it frame by frame would be slower than real time.
 */
import { isPlatform } from '@emolens/schema';
import { fetchVideo } from './fetch-video.js';
import { invalidVideo, invalidVideoInput } from './video-errors.js';

/** Every input `openVideoFrames` takes: a file, a URL (absolute, or relative to the page), or a `<video>` playing a file. */
export type VideoInput = Blob | string | HTMLVideoElement;

const LIVE_SUGGESTION = 'A <video> showing a camera or a MediaStream has no file to read: analyse it live with detector.stream().';

/**
 * The bytes of `input` as a Blob: a Blob as it is (never read here), a URL fetched under `maxBytes` and `signal`.
 *
 * @throws `INVALID_REQUEST` (`missing_image`: nothing given, an empty string, a `<video>` with no source;
 * `unsupported_type`: a value that is not a video input, or a `<video>` playing a MediaStream), or what
 * {@link fetchVideo} throws.
 */
export async function videoBlob(input: VideoInput, maxBytes: number, signal: AbortSignal | undefined): Promise<Blob> {
  if (input === undefined || input === null) throw invalidVideoInput('missing_image', 'no video was given');
  if (typeof input === 'string') {
    const url = input.trim();
    if (url === '') throw invalidVideoInput('missing_image', 'the video URL is empty');
    return fetchVideo(url, maxBytes, signal);
  }
  const type = typeOf(input);
  if (type === 'blob') return ownBlob(input as Blob);
  if (type === 'video') return elementBlob(input as HTMLVideoElement, maxBytes, signal);
  throw invalidVideoInput('unsupported_type', `a ${describe(input)} is not a video input`);
}

/** Which input this is; a proxy whose traps throw is none. */
function typeOf(input: object): 'blob' | 'video' | 'other' {
  if (isPlatform(input, 'Blob')) return 'blob';
  return isPlatform(input, 'HTMLVideoElement') ? 'video' : 'other';
}

/**
 * A Blob of the SDK's own over the same bytes: only Blob's own `slice` reads it, so a subclass that overrides its
 * methods is read as the bytes it holds, and a proxy of a Blob is refused (`platform-brand.ts` of @emolens/schema).
 */
function ownBlob(input: Blob): Blob {
  try {
    return Blob.prototype.slice.call(input, 0, undefined, input.type);
  } catch (cause) {
    throw invalidVideoInput('unsupported_type', `the Blob could not be read (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

async function elementBlob(video: HTMLVideoElement, maxBytes: number, signal: AbortSignal | undefined): Promise<Blob> {
  const { object, url } = readElement(video);
  // Safari plays a Blob set as srcObject; a MediaStream (camera, canvas capture) or MediaSource is not a file.
  if (isPlatform(object, 'Blob')) return ownBlob(object as Blob);
  if (object) throw invalidVideoInput('unsupported_type', `the <video> plays a ${describe(object)}, not a file`, LIVE_SUGGESTION);
  if (!url) throw invalidVideoInput('missing_image', 'the <video> has no source (no src, no <source> chosen yet)');
  try {
    return await fetchVideo(url, maxBytes, signal);
  } catch (error) {
    // A MediaSource's blob: URL cannot be fetched: say so rather than "network error".
    const kind = (error as { details?: { kind?: string } }).details?.kind;
    if (kind === 'fetch_failed' && url.startsWith('blob:')) {
      throw invalidVideo('fetch_failed', 'the <video> source is a blob: URL that cannot be read (a MediaSource, or a revoked URL)', { url, suggestion: `Pass the File or Blob itself. ${LIVE_SUGGESTION}` }, error);
    }
    throw error;
  }
}

/**
 * What the element plays. Its getters throw on an object posing as a `<video>`
 * (`Object.create(HTMLVideoElement.prototype)`): that is a bad input, not a crash.
 */
function readElement(video: HTMLVideoElement): { object: unknown; url: string } {
  try {
    // currentSrc is empty until the element has chosen a source; src is already an absolute URL.
    return { object: video.srcObject, url: video.currentSrc || video.src };
  } catch (cause) {
    throw invalidVideoInput('unsupported_type', `the <video> could not be read (${cause instanceof Error ? cause.message : String(cause)})`);
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'object') return typeof value;
  try {
    return (value as object).constructor?.name ?? 'object';
  } catch {
    return 'object';
  }
}
