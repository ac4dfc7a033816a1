/**
 * Newest frame wins: at most one frame of a stream is in flight, and none waits in a queue. A frame presented
 * while one is in flight only marks the source as having something newer; when the flight lands, the frame on
 * screen at that moment is the next one taken. Frames that were never taken are counted as skipped.
 */

/** What a video presented: its running frame count (from `requestVideoFrameCallback`'s metadata, or counted). */
export interface Presented {
  /** Frames the source has presented since the stream started (monotonic). */
  presentedFrames: number;
}

/** Decides, frame by frame, whether to take a frame now; see the module comment. */
export class NewestFrame {
  private inFlight = false;
  private newer = false;
  private taken = 0;
  private lastPresented = 0;

  /**
   * A frame was presented; returns true when the caller should take it now (nothing is in flight), false when it
   * is left for later (and will be replaced by any newer one).
   */
  presented(frame: Presented): boolean {
    this.lastPresented = Math.max(this.lastPresented, frame.presentedFrames);
    if (this.inFlight) {
      this.newer = true;
      return false;
    }
    this.start();
    return true;
  }

  /** The frame in flight has landed; returns true when a newer frame was presented meanwhile (take it now). */
  landed(): boolean {
    this.inFlight = false;
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
    return this.inFlight;
  }

  private start(): void {
    this.inFlight = true;
    this.newer = false;
    this.taken++;
  }
}
