/**
 * Per-stream state: what the frame-to-frame stages keep between the frames of one stream (a webcam, a video). A
 * stream is opened by the caller with its tracking options, each frame of it names it with the frame's timestamp,
 * and closing it drops everything it held. Single images belong to no stream and keep nothing.
 *
 * It keeps the face tracker (stable face ids, `face-tracker.ts`), each tracked face's smoothing and label
 * (`face-smoothing.ts`), each tracked face's memory for the mesh-based signals (`face-memory.ts`: its learned
 * baseline and recent history), each derived signal's last value per face id (for signals that need `previous`), and the
 * last detection, which the frames just after it reuse (`detectionReuseMs`).
 */
import { EmoLensError, type WiaFace } from '@emolens/schema';
import type { ResolvedTrackingOptions } from '../../options.js';
import type { Box } from '../box.js';
import type { SignalField } from '../derive/signal.js';
import type { DetectedFace } from '../find/detected-face.js';
import { FaceMemory } from './face-memory.js';
import { FaceSmoothing } from './face-smoothing.js';
import { FaceTracker } from './face-tracker.js';

/** The faces a frame of a stream detected, and the ids the tracker gave them. */
export interface Detection {
  readonly faces: readonly DetectedFace[];
  readonly ids: readonly number[];
  readonly timestampMs: number;
  readonly width: number;
  readonly height: number;
}

/** The state of one stream. */
export class StreamState {
  /** Frames analysed so far. */
  frames = 0;
  /** Timestamp (ms) of the last frame analysed. */
  lastTimestamp: number | undefined;
  private readonly signals = new Map<SignalField, Map<number, unknown>>();
  private readonly tracker: FaceTracker;
  private readonly smoothing = new Map<number, FaceSmoothing>();
  private readonly memories = new Map<number, FaceMemory>();
  private detection: Detection | undefined;

  constructor(
    readonly id: number,
    readonly tracking: ResolvedTrackingOptions,
  ) {
    this.tracker = new FaceTracker(tracking.trackGraceMs);
  }

  /**
   * `timestampMs` checked as the next frame's: a finite number of ms, not before the last frame's. An equal one is
   * taken (a frame repeated by its source): no time passes for the tracker and the filters.
   * @throws EmoLensError `INVALID_REQUEST`, `details.field: 'timestampMs'`.
   */
  checkTimestamp(timestampMs: unknown): number {
    if (typeof timestampMs !== 'number' || !Number.isFinite(timestampMs)) {
      const shown = typeof timestampMs === 'number' ? String(timestampMs) : typeof timestampMs;
      throw new EmoLensError('INVALID_REQUEST', 'timestampMs must be a finite number of milliseconds', { field: 'timestampMs', value: shown, reason: 'not a finite number' });
    }
    if (this.lastTimestamp !== undefined && timestampMs < this.lastTimestamp) {
      throw new EmoLensError('INVALID_REQUEST', `timestampMs ${timestampMs} is before the stream's last frame (${this.lastTimestamp})`, {
        field: 'timestampMs',
        value: timestampMs,
        reason: 'timestamps of a stream must not go back',
      });
    }
    return timestampMs;
  }

  /**
   * The stable id of each face of a frame (`boxes` in the frame's order, at `timestampMs`); the tracks dropped on
   * it take their smoothing with them.
   */
  faceIds(boxes: readonly Box[], timestampMs: number): number[] {
    const { ids, dropped } = this.tracker.update(boxes, timestampMs);
    for (const id of dropped) {
      this.smoothing.delete(id);
      this.memories.delete(id);
    }
    return ids;
  }

  /** The memory of tracked face `faceId` for its mesh-based signals (baseline, history), made on first use. */
  memory(faceId: number): FaceMemory {
    let memory = this.memories.get(faceId);
    if (!memory) this.memories.set(faceId, (memory = new FaceMemory(this.tracking.calibrate)));
    return memory;
  }

  /** `face` (as its frame alone gives it, with its stable id) as the stream reports it: see {@link FaceSmoothing.apply}. */
  smooth(face: WiaFace, timestampMs: number): WiaFace {
    let smoothing = this.smoothing.get(face.face_id);
    if (!smoothing) this.smoothing.set(face.face_id, (smoothing = new FaceSmoothing(this.tracking)));
    return smoothing.apply(face, timestampMs);
  }

  /** Faces the stream holds state for: tracked, reported or within their grace. */
  get tracks(): number {
    return this.tracker.size;
  }

  /** Faces whose smoothing the stream holds: never more than {@link StreamState.tracks} (what a soak test checks). */
  get smoothedFaces(): number {
    return this.smoothing.size;
  }

  /** Faces whose memory the stream holds: never more than {@link StreamState.tracks}. */
  get rememberedFaces(): number {
    return this.memories.size;
  }

  /**
   * The last detection, when a frame at `timestampMs` may take its faces (and their ids) instead of detecting: it
   * comes less than the stream's `detectionReuseMs` after the frame that detected them and has that frame's size (`width` × `height`: the faces are in its
   * pixels).
   */
  reusableDetection(timestampMs: number, width: number, height: number): Detection | undefined {
    const last = this.detection;
    if (!last || last.width !== width || last.height !== height) return undefined;
    return timestampMs - last.timestampMs < this.tracking.detectionReuseMs ? last : undefined;
  }

  /** Keeps a frame's detection, with the ids its faces got, for the frames just after it. */
  recordDetection(detection: Detection): void {
    this.detection = detection;
  }

  /** The value `field` had for face `faceId` on the previous frame. */
  previous(field: SignalField, faceId: number): unknown {
    return this.signals.get(field)?.get(faceId);
  }

  /** Records one frame's values of `field`, by face id (faces absent from it are forgotten). */
  record(field: SignalField, values: ReadonlyMap<number, unknown>): void {
    this.signals.set(field, new Map(values));
  }

  /** Counts a frame, seen at `timestampMs`. */
  advance(timestampMs: number): void {
    this.frames++;
    this.lastTimestamp = timestampMs;
  }
}

/** The open streams of one pipeline. */
export class StreamTable {
  private readonly streams = new Map<number, StreamState>();
  private nextId = 1;

  /** Opens a stream tracked with `tracking` and returns its state. */
  open(tracking: ResolvedTrackingOptions): StreamState {
    const state = new StreamState(this.nextId++, tracking);
    this.streams.set(state.id, state);
    return state;
  }

  /** The state of stream `id`; `INVALID_REQUEST` when no such stream is open. */
  get(id: number): StreamState {
    const state = this.streams.get(id);
    if (!state) {
      // The id crossed postMessage from the page: shown only as a number, so the error always serialises.
      const value = typeof id === 'number' ? id : typeof id;
      throw new EmoLensError('INVALID_REQUEST', `No open stream ${String(value)}`, { field: 'stream', value, reason: 'the stream was closed or never opened' });
    }
    return state;
  }

  /** Closes stream `id` (closing an unknown one does nothing). */
  close(id: number): void {
    this.streams.delete(id);
  }

  /** Open streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Closes every stream. */
  clear(): void {
    this.streams.clear();
  }
}
