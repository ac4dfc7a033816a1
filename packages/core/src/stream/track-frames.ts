/**
 * A camera track's frames as the camera produces them: a `MediaStreamTrackProcessor` (Chromium) hands over each
 * `VideoFrame`, at the track's own rate. A `<video>` element's `requestVideoFrameCallback` fires at most once per
 * display refresh (60 Hz), so a 90 fps camera read through it loses a third of its frames before the SDK sees them.
 *
 * Only the newest frame is held; an older one is closed when a newer one arrives, so a camera never waits on us and
 * memory holds one frame. The caller's track is read, never stopped: cancelling the reader leaves it live.
 */
import type { FrameTick } from './frame-clock.js';
import { videoFrameBitmap } from '../input/video-frame-bitmap.js';

/** The part of `MediaStreamTrackProcessor` used here (not yet in TypeScript's DOM types). */
interface TrackProcessor {
  readonly readable: ReadableStream<VideoFrame>;
}
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => TrackProcessor;

function processorConstructor(): TrackProcessorConstructor | undefined {
  const candidate = (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
  return typeof candidate === 'function' ? (candidate as TrackProcessorConstructor) : undefined;
}

/** Whether this browser can read a track's frames directly (else a stream plays it in a `<video>`). */
export function canReadTrackFrames(): boolean {
  return processorConstructor() !== undefined;
}

/** Why {@link TrackFrames.capture} found no frame: the track ended, which ends the stream by itself. */
export class TrackEnded extends Error {
  constructor() {
    super('the track has no more frames');
    this.name = 'TrackEnded';
  }
}

/** Reads `track`'s frames, holding the newest; see the module comment. */
export class TrackFrames {
  readonly #reader: ReadableStreamDefaultReader<VideoFrame>;
  #held: VideoFrame | null = null;
  #count = 0;
  #firstTimestampUs: number | undefined;
  #closed = false;
  #onFrame: ((tick: FrameTick) => void) | undefined;
  /** Captures that found no frame held: each takes the next frame to arrive (`null`: there will be none). */
  readonly #captures: ((frame: VideoFrame | null) => void)[] = [];
  readonly #first: Promise<void>;
  #firstArrived!: () => void;
  readonly #ended: Promise<void>;

  constructor(track: MediaStreamTrack) {
    const Processor = processorConstructor();
    if (Processor === undefined) throw new Error('MediaStreamTrackProcessor is not available');
    // A buffer of one: a frame not read before the next one arrives is dropped by the browser, not queued.
    this.#reader = new Processor({ track, maxBufferSize: 1 }).readable.getReader();
    this.#first = new Promise((resolve) => (this.#firstArrived = resolve));
    this.#ended = this.#pump();
  }

  /** Resolves when the first frame has arrived, or the track ended before it (then {@link ended} has settled). */
  firstFrame(): Promise<void> {
    return Promise.race([this.#first, this.#ended]);
  }

  /** Settles when the track has no more frames (it ended or was stopped) or {@link release} was called. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /**
   * Calls `onFrame` for each frame from now on, counting frames and media time from the first: the frame held now,
   * if any, then each new one. A source that sends a frame only when its picture changes (a still canvas, a
   * static screen) may never send another: its held frame must not wait for one.
   */
  watch(onFrame: (tick: FrameTick) => void): void {
    this.#onFrame = onFrame;
    const held = this.#held;
    this.#count = held === null ? 0 : 1;
    this.#firstTimestampUs = held?.timestamp;
    if (held !== null) {
      queueMicrotask(() => {
        if (this.#onFrame === onFrame && !this.#closed) onFrame({ presentedFrames: 1, mediaTimeMs: 0 });
      });
    }
  }

  /**
   * A bitmap of the newest frame not yet captured, taken synchronously (a newer frame arriving meanwhile cannot
   * replace it); with none held, of the next frame to arrive. Rejects with {@link TrackEnded} once the track has
   * ended.
   */
  capture(): Promise<ImageBitmap> {
    const held = this.#held;
    this.#held = null;
    const frame: Promise<VideoFrame | null> =
      held !== null ? Promise.resolve(held) : this.#closed ? Promise.resolve(null) : new Promise((resolve) => this.#captures.push(resolve));
    return frame.then((taken) => {
      if (taken === null) throw new TrackEnded();
      return videoFrameBitmap(taken).finally(() => taken.close());
    });
  }

  /** Stops reading and closes the held frame; the track itself stays as it is. */
  release(): void {
    if (this.#closed) return;
    this.#finish();
    this.#reader.cancel().catch(() => undefined);
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const { value: frame, done } = await this.#reader.read();
        if (done) return;
        if (this.#closed) {
          frame.close();
          return;
        }
        this.#count++;
        this.#firstTimestampUs ??= frame.timestamp;
        const waiting = this.#captures.shift();
        if (waiting !== undefined) {
          waiting(frame);
        } else {
          this.#held?.close();
          this.#held = frame;
        }
        this.#firstArrived();
        this.#onFrame?.({ presentedFrames: this.#count, mediaTimeMs: (frame.timestamp - this.#firstTimestampUs) / 1000 });
      }
    } catch {
      // A reader that errors (the track's source failed) ends the stream as an ended track does.
    } finally {
      this.#finish();
    }
  }

  #finish(): void {
    this.#closed = true;
    this.#held?.close();
    this.#held = null;
    for (const resolve of this.#captures.splice(0)) resolve(null);
  }
}
