/**
 * The frames of a video track as its container lists them (one packet per frame), in presentation order: how many
 * there are, each one's timestamp, and which of them a window and a sample rate deliver. Pure: no decoder, no DOM.
 */
import { round } from '../round.js';
import { invalidVideoOption } from './video-errors.js';

/**
 * Two timestamps closer than this (in seconds) are the same frame's. Far below any frame interval (1 ms at
 * 1000 fps), far above the float noise of a container's time base converted to seconds.
 */
const SAME_FRAME_S = 1e-4;

/** Timestamps are reported in ms to the µs: a container's time base in seconds is not exact in binary. */
const MS_DECIMALS = 3;

/** The frames of a track. Index `i` is the track's `i`-th frame in presentation order. */
export interface FrameTable {
  /** Each frame's presentation timestamp in seconds, as the demuxer gives it, ascending. */
  readonly seconds: Float64Array;
  /** Each frame's timestamp in ms from the video's start (frame 0 is at 0; see {@link frameTable}), rounded to the µs. */
  readonly ms: Float64Array;
  /** From the first frame's start to the video's end (see {@link frameTable}), in ms. */
  readonly durationMs: number;
  /** The indices of the key frames (where decoding can start), ascending. */
  readonly keyFrames: Int32Array;
}

/** Which frames a read delivers: `first`, `first + step`, `first + 2·step`, … below `end`. */
export interface FrameSelection {
  first: number;
  end: number;
  step: number;
}

/** The window and the sampling of a read, in the track's ms (frame 0 at 0). */
export interface FrameWindow {
  /** Deliver every `sampleRate`-th frame: an integer ≥ 1. */
  sampleRate: number;
  /** The first frame delivered is the first at or after this time (ms, ≥ 0). */
  startMs: number;
  /** No frame at or after this time is delivered (ms, > `startMs`); absent: the track's end. */
  endMs?: number | undefined;
}

/**
 * The table of a track from its packets' presentation timestamps (in decode order, so B-frames may come before
 * the frame they follow), the end of its last frame (timestamp + duration, both in seconds, the duration 0 where
 * the container does not give it) and the container's own duration (an end timestamp in seconds, or null).
 *
 * Frames before time 0 are an edit list's pre-roll (an MP4 cut without re-encoding keeps the frames back to a key
 * frame, and its edit list starts the video after them; the demuxer gives them negative times): a player never
 * shows them, so they are left out, except the one still on screen at 0 when no frame starts there. The video then
 * starts at 0; otherwise at its first frame (frame 0 is at 0 ms either way).
 *
 * The duration is the container's where it gives one that ends within two frames after the last frame's start (a
 * player shows it; a WebM's last frame has no duration of its own); otherwise (none, or one that does not match the
 * frames, as in a file cut short) the end of the last frame, a last frame of no duration lasting the mean frame
 * interval.
 */
export function frameTable(timestamps: ArrayLike<number>, lastEnd: number, containerEnd: number | null = null, keyTimestamps: ArrayLike<number> = []): FrameTable {
  const sorted = Float64Array.from(timestamps).sort();
  const { first, origin } = shownFrom(sorted);
  const seconds = sorted.slice(first);
  const n = seconds.length;
  if (n === 0) return { seconds, ms: new Float64Array(0), durationMs: 0, keyFrames: new Int32Array(0) };
  const last = seconds[n - 1]!;
  const interval = n > 1 ? (last - seconds[0]!) / (n - 1) : 0;
  // The end of the frame before the last can pass the last's start by float noise (0.933 + 0.034 > 0.967).
  const packetEnd = lastEnd > last + SAME_FRAME_S ? lastEnd : last + interval;
  const end = containerEnd !== null && containerEnd > last && containerEnd <= last + 2 * interval ? containerEnd : packetEnd;
  const ms = seconds.map((t) => round(Math.max(0, t - origin) * 1000, MS_DECIMALS));
  return { seconds, ms, durationMs: round((end - origin) * 1000, MS_DECIMALS), keyFrames: keyFrameIndices(seconds, keyTimestamps) };
}

/** The indices in `seconds` of the frames at `keyTimestamps` (those not in the table, a pre-roll's, left out). */
function keyFrameIndices(seconds: Float64Array, keyTimestamps: ArrayLike<number>): Int32Array {
  const indices = new Set<number>();
  for (const t of Array.from(keyTimestamps)) {
    const index = lowerBound(seconds, t - SAME_FRAME_S, 0);
    if (index < seconds.length && seconds[index]! <= t + SAME_FRAME_S) indices.add(index);
  }
  return Int32Array.from(indices).sort();
}

/**
 * The first frame a player shows (see {@link frameTable}) and the time it calls 0: the first frame at 0 or after
 * (or the one before it when none starts at 0), and 0. Where no frame is before 0 (no edit list), or none is at 0
 * or after (an edit that starts past the media: the frames are kept rather than none), every frame, and the first
 * frame's time.
 */
function shownFrom(sorted: Float64Array): { first: number; origin: number } {
  const atZero = lowerBound(sorted, -SAME_FRAME_S, 0);
  if (atZero === 0 || atZero === sorted.length) return { first: 0, origin: sorted[0] ?? 0 };
  return { first: sorted[atZero]! > SAME_FRAME_S ? atZero - 1 : atZero, origin: 0 };
}

/**
 * Checks a window.
 *
 * @throws `INVALID_REQUEST` naming the option (`sampleRate`, `startMs`, `endMs`).
 */
export function checkWindow(window: FrameWindow): void {
  const { sampleRate, startMs, endMs } = window;
  if (!(Number.isInteger(sampleRate) && sampleRate >= 1)) throw invalidVideoOption('sampleRate', `sampleRate must be an integer ≥ 1, not ${String(sampleRate)}`);
  if (!(typeof startMs === 'number' && Number.isFinite(startMs) && startMs >= 0)) throw invalidVideoOption('startMs', `startMs must be a finite number ≥ 0, not ${String(startMs)}`);
  if (endMs !== undefined && !(typeof endMs === 'number' && endMs > startMs)) throw invalidVideoOption('endMs', `endMs must be a number greater than startMs (${startMs}), not ${String(endMs)}`);
}

/** The frames a window delivers (none when it starts after the last frame: `first === end`). */
export function selectFrames(table: FrameTable, window: FrameWindow): FrameSelection {
  const first = lowerBound(table.ms, window.startMs, 0);
  const end = window.endMs === undefined ? table.ms.length : Math.max(first, lowerBound(table.ms, window.endMs, first));
  return { first, end, step: window.sampleRate };
}

/** The number of frames a selection spans (every `step`-th of them is delivered). */
export function selectedSpan(selection: FrameSelection): number {
  return selection.end - selection.first;
}

/** The length of the window within the track in ms: from `startMs` to `endMs` or the track's end, 0 past the end. */
export function windowDurationMs(table: FrameTable, window: FrameWindow): number {
  return Math.max(0, round(Math.min(window.endMs ?? Infinity, table.durationMs) - window.startMs, MS_DECIMALS));
}

/** How many of the frames from `from` to before `to` the selection delivers. */
export function selectedBetween(selection: FrameSelection, from: number, to: number): number {
  const start = Math.max(from, selection.first);
  const end = Math.min(to, selection.end);
  if (end <= start) return 0;
  const firstSelected = selection.first + Math.ceil((start - selection.first) / selection.step) * selection.step;
  return firstSelected >= end ? 0 : Math.floor((end - 1 - firstSelected) / selection.step) + 1;
}

/** The first key frame after frame `index`, or `undefined` when there is none. */
export function keyFrameAfter(table: FrameTable, index: number): number | undefined {
  return table.keyFrames.find((key) => key > index);
}

/** Whether frame `index` is one the selection delivers. */
export function isSelected(selection: FrameSelection, index: number): boolean {
  return index >= selection.first && index < selection.end && (index - selection.first) % selection.step === 0;
}

/**
 * The index of the decoded frame with presentation timestamp `seconds`, at or after `from` (frames come out of the
 * decoder in presentation order, so the previous match + 1): the first frame there whose timestamp is not before
 * it. A frame the decoder never outputs is skipped over; two frames with one timestamp (a broken file) get one
 * index each. `table.seconds.length` when the frame is past the table.
 */
export function frameIndexOf(table: FrameTable, seconds: number, from: number): number {
  return lowerBound(table.seconds, seconds - SAME_FRAME_S, from);
}

/** The first index at or after `from` whose value is ≥ `value` (the array is ascending). */
function lowerBound(values: Float64Array, value: number, from: number): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
