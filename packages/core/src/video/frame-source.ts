/**
 * What a video analysis reads, whatever the video is: a file (`video-frames.ts`) or an array of images
 * (`frame-array.ts`). Types only.
 */

/** One decoded frame. */
export interface DecodedVideoFrame {
  /** The frame upright at its display size; the caller owns it (transfer it, or `close()` it). */
  bitmap: ImageBitmap;
  /** The frame's presentation timestamp in ms from the video's start (frame 0 is at 0; see `frameTable`), to the µs. */
  timestampMs: number;
  /** The frame's index in the video, in presentation order (0 is its first frame, whatever the window). */
  index: number;
}

/** The frames of a window of a video (from `startMs`, below `endMs`), every `sampleRate`-th of them delivered. */
export interface FrameSource {
  /** The frames of the video within the window: a pass delivers every `sampleRate`-th of them, from the first. */
  readonly windowFrameCount: number;
  /** The window's length within the video, in ms: from `startMs` to `endMs` or the video's end (0 past the end). */
  readonly windowDurationMs: number;
  /**
   * Frames the last pass should have delivered but could not decode (damaged data in a file); 0 for an array of
   * images, whose undecodable entry is an error of the request.
   */
  readonly undecodableFrames: number;
  /** The window's frames, in presentation order. Each call starts a new pass; see each source for its errors. */
  frames(): AsyncIterableIterator<DecodedVideoFrame>;
  /** Frees what the source holds; a pass in progress ends. */
  close(): void;
}
