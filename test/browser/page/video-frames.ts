/**
 * Test-page module of the video-frame tests: reads a video with the built `openVideoFrames` (loaded on its own,
 * as the detector loads it) and sums up what came out — each frame's index, timestamp, size and the frame index
 * drawn in its pixels — or the error, as plain data for Playwright.
 */
import { openVideoFrames, type VideoFramesOptions, type VideoInput } from '../../../packages/core/dist/video/video-frames.js';
import { readMarker } from './video-fixture.ts';

export { openVideoFrames };

/** A delivered frame. */
export interface FrameRecord {
  index: number;
  timestampMs: number;
  /** The frame index drawn in the frame's bar code. */
  marker: number;
  width: number;
  height: number;
}

/** An error as it crossed: its code and details. */
export interface ErrorRecord {
  code: string;
  details: Record<string, unknown>;
  /** Where it was thrown: opening the file, or pulling frames. */
  at: 'open' | 'frames';
}

/** What a read gave. */
export interface ReadRecord {
  frameCount?: number;
  durationMs?: number;
  width?: number;
  height?: number;
  codec?: string;
  frames: FrameRecord[];
  /** Frames the pass could not decode (damaged data), after it. */
  undecodableFrames?: number;
  error?: ErrorRecord;
  /** How long it took, in ms. */
  ms: number;
}

/** What to do around a read. */
export interface ReadHooks {
  /** Called after each frame is recorded (the read waits on it), with how many were. */
  afterFrame?: (count: number) => unknown;
  /** Past this, the read stops and records `HANG`. Default 10 s. */
  deadlineMs?: number;
  /** The video's rotation, to read the bar code where it is shown. Default 0. */
  rotation?: 0 | 90 | 180 | 270;
}

/** Opens `input`, pulls every frame of the window and closes it: what came out, or the error and where. */
export async function readVideo(input: VideoInput, options: VideoFramesOptions, hooks: ReadHooks = {}): Promise<ReadRecord> {
  const started = performance.now();
  const record: ReadRecord = { frames: [], ms: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), hooks.deadlineMs ?? 10_000)));
  const read = async () => {
    let at: ErrorRecord['at'] = 'open';
    try {
      const video = await openVideoFrames(input, options);
      Object.assign(record, { frameCount: video.frameCount, durationMs: video.durationMs, width: video.width, height: video.height, codec: video.codec });
      at = 'frames';
      try {
        for await (const { bitmap, index, timestampMs } of video.frames()) {
          record.frames.push({ index, timestampMs, marker: readMarker(bitmap, hooks.rotation), width: bitmap.width, height: bitmap.height });
          bitmap.close();
          await hooks.afterFrame?.(record.frames.length);
        }
        record.undecodableFrames = video.undecodableFrames;
      } finally {
        video.close();
      }
    } catch (e) {
      const error = e as { code?: string; details?: Record<string, unknown>; message?: string };
      record.error = { code: error.code ?? `not an EmoLensError: ${String(error.message ?? e)}`, details: error.details ?? {}, at };
    }
  };
  const outcome = await Promise.race([read(), deadline]);
  clearTimeout(timer);
  if (outcome === 'hang') record.error = { code: 'HANG', details: {}, at: 'frames' };
  record.ms = performance.now() - started;
  return record;
}

/** What the page's video decoders did since {@link watchDecoders}. */
export interface DecoderWatch {
  /** `VideoDecoder.decode` calls: packets sent to a decoder. */
  readonly decodes: number;
  /** Frames a decoder output that are not closed yet: decoded frames held in memory. */
  readonly held: number;
  /** Puts `VideoDecoder` and `VideoFrame.prototype.close` back. */
  restore(): void;
}

/**
 * Watches every `VideoDecoder` made from now on (mediabunny makes its own), to see that decoding waits for a
 * consumer that does not pull, stops on abort, and leaves no decoded frame unclosed.
 */
export function watchDecoders(): DecoderWatch {
  const Original = VideoDecoder;
  const originalClose = VideoFrame.prototype.close;
  const live = new Set<VideoFrame>();
  let decodes = 0;
  class Watched extends Original {
    constructor(init: VideoDecoderInit) {
      super({
        ...init,
        output: (frame) => {
          live.add(frame);
          init.output(frame);
        },
      });
    }
    override decode(chunk: EncodedVideoChunk): void {
      decodes++;
      super.decode(chunk);
    }
  }
  globalThis.VideoDecoder = Watched;
  VideoFrame.prototype.close = function (this: VideoFrame) {
    live.delete(this);
    originalClose.call(this);
  };
  return {
    get decodes() {
      return decodes;
    },
    get held() {
      return live.size;
    },
    restore() {
      globalThis.VideoDecoder = Original;
      VideoFrame.prototype.close = originalClose;
    },
  };
}
