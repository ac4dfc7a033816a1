/**
 * Per-stream state: what a frame-to-frame stage keeps between the frames of one stream (a webcam, a video).
 * A stream is opened by the caller, each frame of it names it, and closing it drops everything it held. Single
 * images belong to no stream and keep nothing.
 *
 * Today it keeps each derived signal's last value per face (for signals that need `previous`); the live
 * stages (stable face ids, smoothing, calibration baselines) keep theirs here too.
 */
import { EmoLensError } from '@emolens/schema';
import type { SignalField } from '../derive/signal.js';

/** The state of one stream. */
export class StreamState {
  /** Frames analysed so far. */
  frames = 0;
  /** Timestamp (ms) of the last frame, when the caller gave one. */
  lastTimestamp: number | undefined;
  private readonly signals = new Map<SignalField, Map<number, unknown>>();

  constructor(readonly id: number) {}

  /** The value `field` had for face `faceId` on the previous frame. */
  previous(field: SignalField, faceId: number): unknown {
    return this.signals.get(field)?.get(faceId);
  }

  /** Records one frame's values of `field`, by face id (faces absent from it are forgotten). */
  record(field: SignalField, values: ReadonlyMap<number, unknown>): void {
    this.signals.set(field, new Map(values));
  }

  /** Counts a frame. */
  advance(timestamp?: number): void {
    this.frames++;
    if (timestamp !== undefined) this.lastTimestamp = timestamp;
  }
}

/** The open streams of one pipeline. */
export class StreamTable {
  private readonly streams = new Map<number, StreamState>();
  private nextId = 1;

  /** Opens a stream and returns its state. */
  open(): StreamState {
    const state = new StreamState(this.nextId++);
    this.streams.set(state.id, state);
    return state;
  }

  /** The state of stream `id`; `INVALID_REQUEST` when no such stream is open. */
  get(id: number): StreamState {
    const state = this.streams.get(id);
    if (!state) throw new EmoLensError('INVALID_REQUEST', `No open stream ${id}`, { field: 'stream', value: id, reason: 'the stream was closed or never opened' });
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
