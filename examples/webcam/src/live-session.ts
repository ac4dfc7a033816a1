/**
 * The live session: the camera and `detector.stream()` over it, from Start to Stop. A session can move to another
 * camera without ending: its clock and face ids then continue (the new stream's ids are shifted past the old
 * ones, so that `#0` of the second camera is not mistaken for `#0` of the first in the export).
 */
import type { Detector, EmoLensError, LiveStream, StreamEnd, StreamStats, WiaFace } from '@emolens/core';
import { closeCamera, openCamera } from './camera.ts';

/** One result of the session. */
export interface LiveFrame {
  /** Milliseconds since the session started (when the frame was captured). */
  t: number;
  /** Results of the session so far, this one included. */
  count: number;
  /** The faces, with their session-wide `face_id`s. */
  faces: WiaFace[];
  /** The frame's own processing time (the SDK's `processing_time_ms`). */
  processingMs: number;
  latencyMs: number;
  stats: StreamStats;
}

export interface LiveHandlers {
  onFrame(frame: LiveFrame): void;
  /** A frame failed; the stream goes on with the next. */
  onFrameError(error: EmoLensError): void;
  /** The stream ended by itself (the camera was unplugged or revoked, the detector failed); the camera is closed. */
  onEnded(end: StreamEnd): void;
}

export class LiveSession {
  private media: MediaStream | undefined;
  private live: LiveStream | undefined;
  private startedAt = 0;
  private stoppedAt: number | undefined;
  /** The next unused session face id. */
  private nextId = 0;
  private count = 0;
  /** The tracks of the camera opened last, kept after they are stopped (the test checks that they ended). */
  openedTracks: MediaStreamTrack[] = [];

  constructor(
    private readonly detector: Detector,
    private readonly video: HTMLVideoElement,
    private readonly handlers: LiveHandlers,
  ) {}

  get running(): boolean {
    return this.live !== undefined;
  }

  /** How long the session has run (until Stop, once stopped). */
  elapsedMs(): number {
    return (this.stoppedAt ?? performance.now()) - this.startedAt;
  }

  /** Starts a new session on camera `deviceId` ('' for the default). Rejects with the camera's error, leaving nothing open. */
  async start(deviceId: string): Promise<MediaStream> {
    await this.close();
    this.startedAt = performance.now();
    this.stoppedAt = undefined;
    this.nextId = 0;
    this.count = 0;
    return this.begin(deviceId);
  }

  /** Moves the running session to camera `deviceId`. */
  async switchTo(deviceId: string): Promise<MediaStream> {
    await this.close();
    return this.begin(deviceId);
  }

  /** Ends the stream (no result comes after this) and stops the camera. */
  async stop(): Promise<void> {
    await this.close();
    this.stoppedAt ??= performance.now();
  }

  /** Opens the camera and streams it; a camera that fails to open ends the session there. */
  private async begin(deviceId: string): Promise<MediaStream> {
    try {
      return await this.open(deviceId);
    } catch (error) {
      this.stoppedAt ??= performance.now();
      throw error;
    }
  }

  private async open(deviceId: string): Promise<MediaStream> {
    const media = await openCamera(deviceId);
    this.media = media;
    this.openedTracks = media.getTracks();
    try {
      this.video.srcObject = media;
      await this.video.play();
    } catch (error) {
      await this.close();
      throw error;
    }
    const offset = performance.now() - this.startedAt;
    const idBase = this.nextId;
    // The stream reads the page's own <video>: the SDK would otherwise decode the camera a second time. With the
    // learning states: the cards show them, and a correction sends them as the prediction.
    const live = this.detector.stream(this.video, {
      returnLearningStates: true,
      onResult: ({ result, timestamp_ms, latency_ms, stats }) => {
        const faces = idBase === 0 ? result.faces : result.faces.map((face) => ({ ...face, face_id: face.face_id + idBase }));
        for (const face of faces) this.nextId = Math.max(this.nextId, face.face_id + 1);
        const t = Math.round((offset + timestamp_ms) * 100) / 100;
        this.handlers.onFrame({ t, count: ++this.count, faces, processingMs: result.processing_time_ms, latencyMs: latency_ms, stats });
      },
      onError: (error) => this.handlers.onFrameError(error),
    });
    this.live = live;
    const endedByItself = (end: StreamEnd) => {
      if (this.live !== live) return; // stopped by us
      void this.stop().then(() => this.handlers.onEnded(end));
    };
    void live.done.then(endedByItself);
    // A camera unplugged or revoked ends its track; the element may not say so, the track does.
    media.getVideoTracks()[0]?.addEventListener('ended', () => endedByItself({ reason: 'ended', stats: live.stats() }), { once: true });
    return media;
  }

  private async close(): Promise<void> {
    const { live, media } = this;
    this.live = undefined;
    this.media = undefined;
    await live?.stop();
    if (media) closeCamera(media);
    this.video.pause();
    this.video.srcObject = null;
  }
}
