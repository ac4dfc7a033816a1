import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { canReadTrackFrames, TrackEnded, TrackFrames } from './track-frames.js';

/** A stand-in for a `VideoFrame`: its capture time and whether it was closed. */
class FakeFrame {
  closed = false;
  constructor(readonly timestamp: number) {}
  close(): void {
    this.closed = true;
  }
}

/** A camera whose frames the test pushes, read through a stand-in `MediaStreamTrackProcessor`. */
class FakeCamera {
  controller!: ReadableStreamDefaultController<FakeFrame>;
  cancelled = false;
  readonly readable = new ReadableStream<FakeFrame>({
    start: (controller) => {
      this.controller = controller;
    },
    cancel: () => {
      this.cancelled = true;
    },
  });

  /** Pushes a frame captured at `ms` and lets the reader take it. */
  async frame(ms: number): Promise<FakeFrame> {
    const frame = new FakeFrame(ms * 1000);
    this.controller.enqueue(frame);
    await settle();
    return frame;
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const track = {} as MediaStreamTrack;
let camera: FakeCamera;

beforeEach(() => {
  camera = new FakeCamera();
  vi.stubGlobal(
    'MediaStreamTrackProcessor',
    vi.fn(function (this: { readable: unknown }, init: { track: unknown; maxBufferSize: number }) {
      expect(init).toEqual({ track, maxBufferSize: 1 });
      this.readable = camera.readable;
    }),
  );
  // A bitmap that names the frame it was made from.
  vi.stubGlobal('createImageBitmap', async (frame: FakeFrame) => ({ from: frame.timestamp / 1000 }));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TrackFrames', () => {
  it('is available only where MediaStreamTrackProcessor is', () => {
    expect(canReadTrackFrames()).toBe(true);
    vi.stubGlobal('MediaStreamTrackProcessor', undefined);
    expect(canReadTrackFrames()).toBe(false);
  });

  it('holds the newest frame only, and ticks the frame held when watching starts, then each new one, timed from it', async () => {
    const frames = new TrackFrames(track);
    const held = await camera.frame(500);
    await frames.firstFrame();
    const ticks: unknown[] = [];
    frames.watch((tick) => ticks.push(tick));
    await Promise.resolve(); // the held frame's tick (a still source may send no other)
    expect(ticks).toEqual([{ presentedFrames: 1, mediaTimeMs: 0 }]);
    const first = await camera.frame(1000);
    const second = await camera.frame(1011);
    expect(held.closed).toBe(true);
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
    expect(ticks).toEqual([
      { presentedFrames: 1, mediaTimeMs: 0 },
      { presentedFrames: 2, mediaTimeMs: 500 },
      { presentedFrames: 3, mediaTimeMs: 511 },
    ]);
    expect(await frames.capture()).toEqual({ from: 1011 });
    expect(second.closed).toBe(true);
    frames.release();
  });

  it('captures the frame held at the call, even when a newer one arrives before the bitmap is made', async () => {
    const frames = new TrackFrames(track);
    await camera.frame(0);
    const captured = frames.capture();
    const newer = await camera.frame(16);
    expect(await captured).toEqual({ from: 0 });
    expect(newer.closed).toBe(false);
    expect(await frames.capture()).toEqual({ from: 16 });
    frames.release();
  });

  it('with no frame held, captures the next one to arrive', async () => {
    const frames = new TrackFrames(track);
    await camera.frame(0);
    await frames.capture();
    const waiting = frames.capture();
    const next = await camera.frame(33);
    expect(await waiting).toEqual({ from: 33 });
    expect(next.closed).toBe(true);
    frames.release();
  });

  it('ends when the track does: ended settles and captures reject with TrackEnded', async () => {
    const frames = new TrackFrames(track);
    const waiting = frames.capture();
    camera.controller.close();
    await frames.ended;
    await expect(waiting).rejects.toBeInstanceOf(TrackEnded);
    await expect(frames.capture()).rejects.toBeInstanceOf(TrackEnded);
    // A track that ends before its first frame releases firstFrame too.
    await frames.firstFrame();
  });

  it('release closes the held frame and cancels the reader; frames after it are closed at once', async () => {
    const frames = new TrackFrames(track);
    const held = await camera.frame(0);
    frames.release();
    await frames.ended;
    expect(held.closed).toBe(true);
    expect(camera.cancelled).toBe(true);
    await expect(frames.capture()).rejects.toBeInstanceOf(TrackEnded);
  });
});
