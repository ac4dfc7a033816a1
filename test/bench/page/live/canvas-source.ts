/**
 * A live 640×480 source without a camera: a canvas redrawn `fps` times a second from a loop of frames, captured
 * with `canvas.captureStream(fps)`. Which frame is drawn follows the clock, not a counter, so a page too busy to
 * draw on time shows the frame of the moment (frames are dropped, never slowed down), as a camera would.
 *
 * The drawing happens on the main thread (a camera's frames do not): a system that blocks the main thread
 * therefore also slows its own source, and `drawn()` shows by how much.
 */
import { FRAME_HEIGHT, FRAME_WIDTH } from '../frames.ts';

export interface CanvasSource {
  stream: MediaStream;
  /** Frames drawn so far. */
  drawn(): number;
  /** Stops drawing and ends the stream's track (the frames stay the caller's). */
  stop(): void;
}

/** Starts drawing `frames` in a loop at `fps` on a canvas and returns its stream. */
export function startCanvasSource(frames: readonly ImageBitmap[], fps: number): CanvasSource {
  if (frames.length === 0) throw new Error('a live source needs frames');
  const canvas = document.createElement('canvas');
  canvas.width = FRAME_WIDTH;
  canvas.height = FRAME_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  const periodMs = 1000 / fps;
  const started = performance.now();
  let drawn = 0;
  let last = -1;
  let timer = 0;
  const tick = () => {
    const now = performance.now();
    const index = Math.floor((now - started) / periodMs);
    if (index !== last) {
      last = index;
      ctx.drawImage(frames[index % frames.length]!, 0, 0);
      drawn++;
    }
    // Aim at the next frame boundary rather than a fixed interval, so that timer lateness does not accumulate.
    timer = window.setTimeout(tick, Math.max(0, started + (index + 1) * periodMs - performance.now()));
  };
  tick();
  const stream = canvas.captureStream(fps);
  return {
    stream,
    drawn: () => drawn,
    stop() {
      window.clearTimeout(timer);
      for (const track of stream.getTracks()) track.stop();
    },
  };
}
