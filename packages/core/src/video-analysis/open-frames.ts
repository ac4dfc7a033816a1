/**
 * The frames of an `analyzeVideo` input, as one {@link FrameSource}: an array of images (WIA `frames_base64`) or a
 * video file (a Blob or File, a URL, a `<video>` playing a file). Each reader is loaded with `import()` when first
 * needed, so that an app that never analyses a video never loads them (mediabunny, the demuxer, is most of it), and
 * one that only sends frame arrays never loads the demuxer.
 */
import { EmoLensError, isEmoLensError, parseWiaFramesBase64 } from '@emolens/schema';
import { stoppable } from '../call-stop.js';
import { decodeImage, type DecodeLimits } from '../input/decode.js';
import type { ResolvedVideoOptions } from '../options.js';
import type { FrameSource } from '../video/frame-source.js';
import type { FrameWindow } from '../video/frame-table.js';
import type { VideoInput } from '../video/video-source.js';

/** Every input `analyzeVideo` takes: a video file (see `VideoInput`), or its frames as images (data URLs or base64). */
export type VideoAnalysisInput = VideoInput | readonly string[];

/** Whether `input` is an array of frames (a revoked proxy, on which `Array.isArray` throws, is not). */
export function isFrameArray(input: unknown): input is readonly string[] {
  try {
    return Array.isArray(input);
  } catch {
    return false;
  }
}

/**
 * Opens `input` for the window and sampling of `options`, under `signal` (the call's stop signal) and the detector's
 * `limits`. An array's entries are decoded as data only (a data URL or base64, never fetched, as `analyzeFace`'s
 * `image_base64`); an entry's error names it (`details.field: 'frames_base64.<i>'`).
 *
 * @throws what `parseWiaFramesBase64` and `openVideoFrames` throw, or the signal's error.
 */
export async function openFrames(input: unknown, options: ResolvedVideoOptions, limits: Pick<DecodeLimits, 'maxPixels' | 'maxBytes'>, signal: AbortSignal): Promise<FrameSource> {
  const { sample_rate: sampleRate, start_time_ms: startMs, end_time_ms: endMs } = options.video;
  const window: FrameWindow = { sampleRate, startMs, endMs };
  if (isFrameArray(input)) {
    const entries = parseWiaFramesBase64(input);
    const { openFrameArray } = await stoppable(import('../video/frame-array.js'), signal);
    return openFrameArray(entries, {
      ...window,
      frameRate: options.frameRate!,
      decode: (entry, index) =>
        stoppable(decodeImage(entry, { ...limits, signal }, { dataOnly: true }), signal, (late) => late.close()).catch((error: unknown) => {
          throw ofEntry(error, index);
        }),
    });
  }
  const { openVideoFrames } = await stoppable(import('../video/video-frames.js'), signal);
  return openVideoFrames(input as VideoInput, { ...window, ...limits, signal });
}

/** An entry's decoding error, naming the entry; a stop (`ABORTED`, `TIMEOUT`) and anything else pass as they are. */
function ofEntry(error: unknown, index: number): unknown {
  if (!isEmoLensError(error) || error.code === 'ABORTED' || error.code === 'TIMEOUT') return error;
  return new EmoLensError(error.code, error.message, { ...error.details, field: `frames_base64.${index}` }, { cause: error.cause });
}
