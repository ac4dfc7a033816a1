/**
 * Where a live stream's frames come from, behind one interface: a camera `MediaStream` or `MediaStreamTrack` is read
 * frame by frame where the browser can (`track-frames.ts`, at the camera's own rate), else played in a `<video>` of
 * our own; a caller's `<video>` element is read as it shows (`frame-clock.ts`, once per presented frame).
 */
import { isPlatform } from '@emolens/schema';
import { watchFrames, type FrameTick } from './frame-clock.js';
import { mediaStreamOf, noFirstFrame, SOURCE_READY_TIMEOUT_MS, videoOf, type VideoSource } from './stream-source.js';
import { canReadTrackFrames, TrackEnded, TrackFrames } from './track-frames.js';

/** A stream's frames (see the module comment). */
export interface FrameFeed {
  /** Calls `onFrame` once per new frame until the returned function is called. */
  watch(onFrame: (tick: FrameTick) => void): () => void;
  /** A bitmap of the newest frame, taken at the call (the caller owns it). */
  capture(): Promise<ImageBitmap>;
  /** Calls `listener` once when the source ends; returns the unsubscribe. */
  onEnd(listener: () => void): () => void;
  /**
   * True when the source will give no frame after the one just analysed: a `<video>` that had already ended when the
   * stream began fires no `ended` event, and gives its last frame once.
   */
  exhausted(): boolean;
  /** Frees what the feed created; the caller's element and tracks are left as they are. */
  release(): void;
}

/** The feed for `source`, once it has a frame; `INVALID_REQUEST` for what cannot be streamed, `TIMEOUT` for no frame. */
export async function openFrameFeed(source: unknown, signal: AbortSignal): Promise<FrameFeed> {
  const isElement = isPlatform(source, 'HTMLVideoElement');
  if (isElement || !canReadTrackFrames()) return elementFeed(await videoOf(source, signal));
  const track = mediaStreamOf(source).getVideoTracks().find((candidate) => candidate.readyState === 'live');
  if (track === undefined) return elementFeed(await videoOf(source, signal));
  return trackFeed(track, signal);
}

function elementFeed(video: VideoSource): FrameFeed {
  return {
    watch: (onFrame) => watchFrames(video.video, onFrame),
    // An element emptied mid-stream (its src removed or changed) has no frame to give: that tick is skipped, as a
    // track's end is, and the stream goes on with the element's next frame, if it gets one.
    capture: () => (video.video.readyState < 2 ? Promise.reject(new TrackEnded()) : createImageBitmap(video.video)),
    onEnd: (listener) => video.onEnd(listener),
    exhausted: () => video.video.ended,
    release: () => video.release(),
  };
}

async function trackFeed(track: MediaStreamTrack, signal: AbortSignal): Promise<FrameFeed> {
  const frames = new TrackFrames(track);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  try {
    await Promise.race([
      frames.firstFrame(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(noFirstFrame('the camera gives no frames', 'Check that the camera is connected and not in use by another application.')),
          SOURCE_READY_TIMEOUT_MS,
        );
        onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } catch (error) {
    frames.release();
    throw error;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  let watching = true;
  return {
    watch: (onFrame) => {
      frames.watch((tick) => {
        if (watching) onFrame(tick);
      });
      return () => {
        watching = false;
      };
    },
    capture: () => frames.capture(),
    onEnd: (listener) => {
      // The reader finishes when the track ends or is stopped; 'ended' also comes from the track itself.
      let subscribed = true;
      const fire = () => {
        if (!subscribed) return;
        subscribed = false;
        listener();
      };
      void frames.ended.then(fire);
      track.addEventListener('ended', fire);
      return () => {
        subscribed = false;
        track.removeEventListener('ended', fire);
      };
    },
    exhausted: () => false, // a track says so itself: its reader finishes (onEnd)
    release: () => frames.release(),
  };
}
