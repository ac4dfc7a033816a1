/**
 * An array of images (a WIA request's `frames_base64`) read as a video. The standard gives the frames no times, so
 * entry `i` is shown at `i × 1000 / frameRate` ms and lasts one frame interval: the array is a video of
 * `n / frameRate` seconds, windowed and sampled like a file (`frame-table.ts`). Each delivered entry is decoded only
 * when it is pulled, so the source holds no decoded frame of its own. Loaded with `import()`, like the decoder.
 */
import type { DecodedVideoFrame, FrameSource } from './frame-source.js';
import { frameTable, selectedSpan, selectFrames, windowDurationMs, type FrameWindow } from './frame-table.js';

/** How to read an array of frames. */
export interface FrameArrayOptions extends FrameWindow {
  /** Frames per second: entry `i` is at `i × 1000 / frameRate` ms. A number > 0 (checked by the caller). */
  frameRate: number;
  /** Decodes entry `index` (the caller's rules: data only, its limits, its signal); its errors end the pass. */
  decode(entry: string, index: number): Promise<ImageBitmap>;
}

/** The frames of `entries` within the window (see the module comment). */
export function openFrameArray(entries: readonly string[], options: FrameArrayOptions): FrameSource {
  const { frameRate, decode, ...window } = options;
  const table = frameTable(
    entries.map((_, i) => i / frameRate),
    entries.length / frameRate,
  );
  const selection = selectFrames(table, window);
  let closed = false;
  async function* frames(): AsyncGenerator<DecodedVideoFrame, void, undefined> {
    for (let index = selection.first; index < selection.end && !closed; index += selection.step) {
      const bitmap = await decode(entries[index]!, index);
      if (closed) {
        bitmap.close();
        return;
      }
      yield { bitmap, timestampMs: table.ms[index]!, index };
    }
  }
  return {
    windowFrameCount: selectedSpan(selection),
    undecodableFrames: 0,
    windowDurationMs: windowDurationMs(table, window),
    frames,
    close: () => {
      closed = true;
    },
  };
}
