/**
 * The result of the WIA Emotion AI standard's video analysis, `POST /v1/analyze/face/video` (section 5.3.2), and the
 * summary of its timeline. The request and its validation are in adapters/wia-video-request.ts.
 */
import { WIA_EMOTIONS, type WiaEmotion } from './labels.js';
import type { WiaFace } from './wia.js';

/** One analysed frame of a video. */
export interface WiaVideoFrame {
  /**
   * When the frame is shown, in milliseconds from the video's start (not from `start_time_ms`). The standard gives
   * `frames_base64` entries no times: EmoLens places entry `i` at `i × 1000 / 30` (30 frames per second; the SDK's
   * `analyzeVideo` takes another `frame_rate`).
   */
  timestamp_ms: number;
  /** The faces of the frame, as in the face result; `[]` when it has none. */
  faces: WiaFace[];
}

/**
 * What a video's timeline adds up to ({@link summarizeTimeline} computes it). The standard gives a label and two
 * numbers without saying what they are when no face was seen; EmoLens then writes `null`, because any label or
 * number (`'neutral'`, a valence of 0) would read as something observed.
 */
export interface WiaVideoSummary {
  /** The primary label of the most face observations; `null` when no analysed frame had a face. */
  dominant_emotion: WiaEmotion | null;
  /** Mean valence of the face observations that have `dimensions`; `null` when none has. */
  average_valence: number | null;
  /** Mean arousal of the face observations that have `dimensions`; `null` when none has. */
  average_arousal: number | null;
  /** How many times a face's primary label changed from one of its analysed frames to its next, summed over faces. */
  emotion_transitions: number;
}

/**
 * The result of `POST /v1/analyze/face/video` (`wia-video-result.schema.json`): the standard's fields, plus
 * `processing_time_ms`, which EmoLens adds as the face result has it.
 */
export interface WiaVideoResult {
  request_id: string;
  /** EmoLens addition, as in the face result: the time the whole request took, in milliseconds. */
  processing_time_ms: number;
  /** Length of the analysed span, from `start_time_ms` to `end_time_ms` (or the video's end), in milliseconds. */
  duration_ms: number;
  /** Frames of the video within the analysed span (for `frames_base64`, the entries within it: all of them by default). */
  frame_count: number;
  /**
   * Frames analysed, every `sample_rate`-th of `frame_count` from the first, so `⌈frame_count / sample_rate⌉`: the
   * length of `timeline`. Span, count and sampling describe the same frames, as in the standard's example (10 s,
   * 60 frames, every 5th: 12).
   */
  analyzed_frames: number;
  /**
   * EmoLens addition, present only when there were some: frames of the sampling whose data could not be decoded (a
   * damaged file: decoding starts again at the next key frame), so not in `timeline`. Then `analyzed_frames +
   * undecodable_frames` is `⌈frame_count / sample_rate⌉`.
   */
  undecodable_frames?: number;
  /** The analysed frames, in time order. */
  timeline: WiaVideoFrame[];
  /** `summarizeTimeline(timeline)`. */
  summary: WiaVideoSummary;
}

/**
 * The summary of a video's timeline. A *face observation* is one face in one analysed frame; frames are taken in
 * the timeline's order. A face's label is its reported `emotions.primary` (in results from a stream, the label held
 * by hysteresis, not `raw`'s), so flicker the stream holds back counts neither as a label nor as a transition.
 *
 * - `dominant_emotion`: the primary label (`emotions.primary.label`) of the most face observations, over every face
 *   of every analysed frame. A tie goes to the label whose observations' primary confidences sum higher, and a tie
 *   of both to the label that comes first in `WIA_EMOTIONS`. `null` when no frame had a face.
 * - `average_valence`, `average_arousal`: the mean of `dimensions.valence` and `dimensions.arousal` over the face
 *   observations that have `dimensions`, each observation counting once; `null` when none has. Not rounded.
 * - `emotion_transitions`: for each `face_id`, the number of times its primary label differs from its primary label
 *   in the previous analysed frame where it appeared, summed over faces. A face that leaves the picture and comes
 *   back under the same id continues its sequence; a face seen once adds nothing. (Ids follow faces across frames
 *   only when the request tracks faces: otherwise a `face_id` is a position within each frame.)
 *
 * Pure: it reads the timeline and returns a new object.
 *
 * @example
 * ```ts
 * summarizeTimeline([]);
 * // { dominant_emotion: null, average_valence: null, average_arousal: null, emotion_transitions: 0 }
 * ```
 */
export function summarizeTimeline(timeline: readonly WiaVideoFrame[]): WiaVideoSummary {
  const tally = new Map<WiaEmotion, { count: number; confidence: number }>();
  const lastLabel = new Map<number, WiaEmotion>();
  let transitions = 0;
  let valence = 0;
  let arousal = 0;
  let withDimensions = 0;
  for (const frame of timeline) {
    for (const face of frame.faces) {
      const { label, confidence } = face.emotions.primary;
      const entry = tally.get(label) ?? { count: 0, confidence: 0 };
      tally.set(label, { count: entry.count + 1, confidence: entry.confidence + confidence });
      const previous = lastLabel.get(face.face_id);
      if (previous !== undefined && previous !== label) transitions++;
      lastLabel.set(face.face_id, label);
      if (face.dimensions) {
        valence += face.dimensions.valence;
        arousal += face.dimensions.arousal;
        withDimensions++;
      }
    }
  }
  return {
    dominant_emotion: dominant(tally),
    average_valence: withDimensions === 0 ? null : valence / withDimensions,
    average_arousal: withDimensions === 0 ? null : arousal / withDimensions,
    emotion_transitions: transitions,
  };
}

/** The label with the highest count, then the highest summed confidence, then the first in WIA order. */
function dominant(tally: ReadonlyMap<WiaEmotion, { count: number; confidence: number }>): WiaEmotion | null {
  let best: WiaEmotion | null = null;
  let bestCount = 0;
  let bestConfidence = 0;
  for (const label of WIA_EMOTIONS) {
    const entry = tally.get(label);
    if (entry === undefined) continue;
    if (best === null || entry.count > bestCount || (entry.count === bestCount && entry.confidence > bestConfidence)) {
      best = label;
      bestCount = entry.count;
      bestConfidence = entry.confidence;
    }
  }
  return best;
}
