/**
 * What a live stream reads frames from: the caller's `<video>` element as it is, or, for a `MediaStream` or a
 * `MediaStreamTrack`, a muted element of our own that plays it (and is released with the stream). The caller's
 * camera tracks are never stopped here: whoever opened the camera closes it.
 */
import { EmoLensError, isPlatform } from '@emolens/schema';

/** A source {@link Detector.stream} accepts. */
export type StreamSource = HTMLVideoElement | MediaStream | MediaStreamTrack;

/** How long a source may take to show its first frame before the stream gives up. */
export const SOURCE_READY_TIMEOUT_MS = 10_000;

/** A playing video element and how to let go of it. */
export interface VideoSource {
  video: HTMLVideoElement;
  /** Calls `listener` once when the source ends (a file played out, a track ended); returns the unsubscribe. */
  onEnd(listener: () => void): () => void;
  /** Frees what the stream created (our own element); the caller's element and tracks are left as they are. */
  release(): void;
}

/** Throws `INVALID_REQUEST` (`details.field: 'source'`) unless `source` is something a stream can read now. */
export function assertStreamSource(source: unknown): asserts source is StreamSource {
  if (!isVideoElement(source)) mediaStreamOf(source);
}

/** The playing video element of `source`, once it has a frame; `INVALID_REQUEST` for anything else. */
export async function videoOf(source: unknown, signal: AbortSignal): Promise<VideoSource> {
  if (isVideoElement(source)) {
    await firstFrame(source, signal);
    return {
      video: source,
      onEnd: (listener) => {
        const offEnded = listen(source, 'ended', listener);
        const stopWatching = watchShownTracks(source, listener);
        return () => {
          offEnded();
          stopWatching();
        };
      },
      release: () => undefined,
    };
  }
  const stream = mediaStreamOf(source);
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  const tracks = stream.getVideoTracks();
  try {
    await video.play();
    await firstFrame(video, signal);
  } catch (error) {
    video.srcObject = null;
    throw error;
  }
  return {
    video,
    onEnd: (listener) => {
      const offs = tracks.map((track) => listen(track, 'ended', listener));
      return () => offs.forEach((off) => off());
    },
    release: () => {
      video.pause();
      video.srcObject = null;
    },
  };
}

function isVideoElement(source: unknown): source is HTMLVideoElement {
  return isPlatform(source, 'HTMLVideoElement');
}

/** `source` as a MediaStream with a live video track; `INVALID_REQUEST` (`details.field: 'source'`) otherwise. */
export function mediaStreamOf(source: unknown): MediaStream {
  if (isPlatform(source, 'MediaStreamTrack')) {
    const track = source as MediaStreamTrack;
    if (track.kind !== 'video') invalid(`An ${track.kind} track has no frames to analyse`, 'not_video');
    if (track.readyState === 'ended') invalid('The track has ended', 'ended');
    return new MediaStream([track]);
  }
  if (isPlatform(source, 'MediaStream')) {
    const stream = source as MediaStream;
    const video = stream.getVideoTracks();
    if (video.length === 0) invalid('The MediaStream has no video track', 'not_video');
    if (!video.some((track) => track.readyState === 'live')) invalid('The MediaStream has no live video track', 'ended');
    return stream;
  }
  return invalid('A stream reads an HTMLVideoElement, a MediaStream or a video MediaStreamTrack', 'unsupported_source');
}

/** Resolves once `video` can give a frame (readyState ≥ HAVE_CURRENT_DATA and a size). */
function firstFrame(video: HTMLVideoElement, signal: AbortSignal): Promise<void> {
  const ready = () => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0;
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        finish(
          noFirstFrame(
            'the element is not playing, has no source, or the camera gives no frames',
            'Call video.play() (muted, or after a user gesture) before stream(), or check the camera.',
          ),
        ),
      SOURCE_READY_TIMEOUT_MS,
    );
    const check = () => {
      if (ready()) finish();
    };
    const onAbort = () => finish(signal.reason);
    const offs = ['loadeddata', 'canplay', 'playing', 'resize'].map((type) => listen(video, type, check));
    signal.addEventListener('abort', onAbort, { once: true });
    function finish(error?: unknown) {
      clearTimeout(timer);
      offs.forEach((off) => off());
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    }
  });
}

/** The `TIMEOUT` of a source that showed no frame within {@link SOURCE_READY_TIMEOUT_MS}. */
export function noFirstFrame(reason: string, suggestion: string): EmoLensError {
  return new EmoLensError('TIMEOUT', `The video showed no frame within ${SOURCE_READY_TIMEOUT_MS} ms`, {
    field: 'source',
    reason,
    suggestion,
    timeoutMs: SOURCE_READY_TIMEOUT_MS,
  });
}

/** How often a `<video>` that showed a camera is checked for one (see {@link watchShownTracks}). */
const SHOWN_TRACKS_CHECK_MS = 500;
/** How long it may show none before the stream ends: an app switching cameras stops one before the next opens. */
const SHOWN_TRACKS_GRACE_MS = 3000;

/**
 * Calls `onEnd` once the `<video>`, which showed a MediaStream when the stream began, has shown no live video track
 * for {@link SHOWN_TRACKS_GRACE_MS}: its tracks ended (stopped by their owner, unplugged), or its `srcObject` was
 * cleared or given a stream without video. Neither the element nor a stopped track fires an event for that, so it
 * is looked at every {@link SHOWN_TRACKS_CHECK_MS} ms; a camera that comes back within the grace (a switch) goes on.
 * A `<video>` playing a file is left to its own `ended` event. Returns the function that stops watching.
 */
function watchShownTracks(video: HTMLVideoElement, onEnd: () => void): () => void {
  if (!isPlatform(video.srcObject, 'MediaStream')) return () => undefined;
  let goneSince: number | undefined;
  const timer = setInterval(() => {
    const shown = video.srcObject;
    const live = isPlatform(shown, 'MediaStream')
      ? (shown as MediaStream).getVideoTracks().some((track) => track.readyState === 'live')
      : shown !== null || video.currentSrc !== ''; // a file (or another kind of source) took the camera's place
    if (live) {
      goneSince = undefined;
      return;
    }
    const now = performance.now();
    goneSince ??= now;
    if (now - goneSince < SHOWN_TRACKS_GRACE_MS) return;
    clearInterval(timer);
    onEnd();
  }, SHOWN_TRACKS_CHECK_MS);
  return () => clearInterval(timer);
}

function listen(target: EventTarget, type: string, listener: () => void): () => void {
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}

function invalid(message: string, kind: string): never {
  throw new EmoLensError('INVALID_REQUEST', message, { field: 'source', kind, reason: message });
}
