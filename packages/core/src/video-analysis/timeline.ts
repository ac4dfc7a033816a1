/**
 * A video's frames through the pipeline worker, in order, into the WIA timeline. Each frame is transferred as soon as
 * it is decoded, with at most {@link FRAMES_IN_FLIGHT} waiting on the worker: decoding the next frame overlaps the
 * analysis of this one, and neither decoded frames nor worker calls pile up, however long the video.
 */
import { EmoLensError, isEmoLensError, type WiaFace, type WiaVideoFrame } from '@emolens/schema';
import { stopError, stoppable } from '../call-stop.js';
import { callApp } from '../app-callback.js';
import type { VideoProgress } from '../options.js';
import type { FrameSource } from '../video/frame-source.js';
import type { StreamFrameRef } from '../worker/pipeline-api.js';

/**
 * Frames handed to the worker before the oldest one's result is awaited: one being analysed, one waiting in the
 * worker's queue (so the worker never idles while the page decodes). More would only hold more bitmaps.
 */
export const FRAMES_IN_FLIGHT = 2;

/** What a video analysis needs from the detector: its worker, seen as one request. */
export interface FramePort {
  /** Opens a stream (faces tracked and smoothed over the frames' timestamps) and returns its id. */
  open(): Promise<number>;
  /** Analyses `bitmap` (transferred: the port owns it) as a frame of `stream`, or as a still image without one. */
  analyze(bitmap: ImageBitmap, stream: StreamFrameRef | undefined): Promise<WiaFace[]>;
  /** Closes stream `id` and drops its state in the worker. */
  close(id: number): Promise<void>;
}

/** How to read the timeline. */
export interface TimelineOptions {
  /** Analyse the frames as one stream (WIA `track_faces`), or each as a still image. */
  track: boolean;
  onProgress: ((progress: VideoProgress) => void) | undefined;
  /** The call's stop signal (its abort, its deadline): it ends the decoding and the waits on the worker. */
  signal: AbortSignal;
}

/**
 * The analysed frames of `source`, in time order. With `track`, they go through one stream of the worker, opened
 * here and closed here whatever happens — after the last frame, or at once on an error or a stop (without waiting
 * on the worker: a stop may be the worker's deadline). A stream of a crashed or disposed worker is gone with it.
 *
 * @throws the first error of a frame (decoding or the worker), or the signal's error once it fires.
 */
export async function readTimeline(source: FrameSource, port: FramePort, options: TimelineOptions): Promise<WiaVideoFrame[]> {
  const { signal } = options;
  const streamId = options.track ? await stoppable(port.open(), signal, (late) => void port.close(late).catch(() => undefined)) : undefined;
  try {
    const timeline = await analyzeAll(source, port, streamId, options);
    if (streamId !== undefined) await stoppable(port.close(streamId), signal);
    return timeline;
  } catch (error) {
    if (streamId !== undefined && !isGone(error)) void port.close(streamId).catch(() => undefined);
    throw error;
  }
}

async function analyzeAll(source: FrameSource, port: FramePort, streamId: number | undefined, { onProgress, signal }: TimelineOptions): Promise<WiaVideoFrame[]> {
  const timeline: WiaVideoFrame[] = [];
  const waiting: { timestampMs: number; faces: Promise<WiaFace[]> }[] = [];
  const settleOldest = async () => {
    const { timestampMs, faces } = waiting.shift()!;
    timeline.push({ timestamp_ms: timestampMs, faces: await stoppable(faces, signal) });
    if (onProgress) callApp(onProgress, { analyzed_frames: timeline.length, frame_count: source.windowFrameCount, timestamp_ms: timestampMs });
  };
  for await (const { bitmap, timestampMs } of source.frames()) {
    if (signal.aborted) {
      bitmap.close();
      throw stopError(signal);
    }
    const faces = port.analyze(bitmap, streamId === undefined ? undefined : { id: streamId, timestampMs });
    // Awaited in turn below; one left behind by an earlier failure must not surface as an unhandled rejection.
    faces.catch(() => undefined);
    waiting.push({ timestampMs, faces });
    if (waiting.length >= FRAMES_IN_FLIGHT) await settleOldest();
  }
  while (waiting.length > 0) await settleOldest();
  return timeline;
}

/** Errors after which the worker holds no stream: it was disposed, or it crashed (and closing would start a new one). */
function isGone(error: unknown): boolean {
  return isEmoLensError(error) && (error.code === 'DISPOSED' || (error.code === 'INTERNAL_ERROR' && (error as EmoLensError).details.kind === 'worker_crashed'));
}
