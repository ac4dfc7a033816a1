/**
 * The result of the WIA Emotion AI standard's `POST /v1/analyze/face` (section 5.3.1), which is the
 * canonical output of EmoLens.
 */
import type { WiaEmotion } from './labels.js';

/** Face box in source-image pixels (the image as the browser displays it). */
export interface WiaBoundingBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One class with its probability. */
export interface WiaEmotionScore {
  label: WiaEmotion;
  confidence: number;
}

/**
 * `emotions` of a face: the most probable class and every class sorted by confidence (summing to 1). In the
 * results of a stream, `primary` is the label held by hysteresis (`labelHysteresis`), with its confidence: it
 * stays on the face's label until another class leads it by the margin, so it may differ from `all[0]` while
 * `all[0]` leads by less.
 */
export interface WiaEmotions {
  primary: WiaEmotionScore;
  all: WiaEmotionScore[];
}

/** Circumplex dimensions: valence in [-1, 1] (unpleasant → pleasant), arousal in [0, 1] (calm → excited). */
export interface WiaDimensions {
  valence: number;
  arousal: number;
}

/** A face landmark in source-image pixels; `z` is depth relative to the face centre, in the same scale as `x`. */
export interface Landmark {
  x: number;
  y: number;
  z: number;
}

/** Head pose in degrees (EmoLens extension, present when asked for). */
export interface HeadPose {
  /** Left/right turn, positive when the face turns to its left (the viewer's right). */
  yaw: number;
  /** Up/down tilt, positive when the face looks up. */
  pitch: number;
  /** In-plane rotation, positive clockwise as seen by the viewer. */
  roll: number;
}

/** One detected face. */
export interface WiaFace {
  face_id: number;
  bbox: WiaBoundingBox;
  emotions: WiaEmotions;
  dimensions?: WiaDimensions;
  /** 468 face-mesh points, present when asked for (`return_landmarks`). */
  landmarks?: Landmark[];
  /** EmoLens extension, present when asked for. */
  head_pose?: HeadPose;
  /**
   * EmoLens extension, in the results of a stream whose smoothing is on: this frame's own, unsmoothed `emotions`
   * and `dimensions` (present when `dimensions` is), as a single image would give them; the face's `emotions` and
   * `dimensions` are then smoothed over the stream's frames.
   */
  raw?: WiaRawValues;
}

/** A face's own values on one frame of a stream, before smoothing (see {@link WiaFace.raw}). */
export interface WiaRawValues {
  emotions: WiaEmotions;
  dimensions?: WiaDimensions;
}

/** The response object of `POST /v1/analyze/face`. */
export interface WiaFaceResult {
  request_id: string;
  processing_time_ms: number;
  faces: WiaFace[];
}
