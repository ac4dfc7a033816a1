/**
 * Newest frame wins: at most {@link FRAMES_IN_FLIGHT} frames of a stream are in flight — one being analysed, one
 * waiting in the worker — and none waits on the main thread. A frame presented while both are in flight only
 * marks the source as having something newer; when a flight lands, the newest frame at that moment is the next
 * one taken. Frames that were never taken are counted as skipped.
 */

/**
 * Frames in flight at once. With one, the worker idles between frames while a result travels back and the next
 * frame is captured and sent; with two it never does, and the waiting frame is at most one analysis old.
 * Measured (`pnpm bench --live --quick --no-peers`, 640×480 at 60 fps, 2 cores, two A/B pairs): one face 52.8 →
 * 58.0 and 43.7 → 50.7 results/s, three faces 43.6 → 54.9 and 40.0 → 43.4; the price is latency, capture to
 * result p50 18.6 → 37.0 ms at one face (the waiting frame waits one analysis). More would only add latency.
 */
export const FRAMES_IN_FLIGHT = 2;

/** What a video presented: its running frame count (from `requestVideoFrameCallback`'s metadata, or counted). */
export interface Presented {
  /** Frames the source has presented since the stream started (monotonic). */
  presentedFrames: number;
}

/** Decides, frame by frame, whether to take a frame now; see the module comment. */
export class NewestFrame {
  private inFlight = 0;
  constructor(private readonly depth = FRAMES_IN_FLIGHT) {}
  private newer = false;
  private taken = 0;
  private lastPresented = 0;

  /**
   * A frame was presented; returns true when the caller should take it now (fewer than `depth` are in flight), false when it
   * is left for later (and will be replaced by any newer one).
   */
  presented(frame: Presented): boolean {
    this.lastPresented = Math.max(this.lastPresented, frame.presentedFrames);
    if (this.inFlight >= this.depth) {
      this.newer = true;
      return false;
    }
    this.start();
    return true;
  }

  /** The frame in flight has landed; returns true when a newer frame was presented meanwhile (take it now). */
  landed(): boolean {
    this.inFlight--;
    if (!this.newer) return false;
    this.start();
    return true;
  }

  /** Frames taken so far. */
  get takenFrames(): number {
    return this.taken;
  }

  /** Frames presented but never taken. */
  get skippedFrames(): number {
    return Math.max(0, this.lastPresented - this.taken);
  }

  /** Whether a frame is in flight. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  private start(): void {
    this.inFlight++;
    this.newer = false;
    this.taken++;
  }
}
