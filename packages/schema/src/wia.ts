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

/** FACS action units EmoLens estimates from the face mesh (definitions: `docs/signals.md` ("Action units")). */
export const ACTION_UNITS = [
  'AU1', 'AU2', 'AU4', 'AU5', 'AU6', 'AU7', 'AU9', 'AU10', 'AU12', 'AU14', 'AU15', 'AU17', 'AU20', 'AU23', 'AU25', 'AU26', 'AU43',
] as const;

/** An action unit's code, e.g. `AU12` (lip corner puller). */
export type ActionUnitCode = (typeof ACTION_UNITS)[number];

/** One action unit with its intensity in [0, 1] (WIA `action_units` entry). */
export interface ActionUnit {
  au: ActionUnitCode;
  intensity: number;
}

/** Gaze direction in degrees, relative to the head's frontal direction plus the head's own pose (camera frame). */
export interface Gaze {
  /** Left/right, positive toward the viewer's right (the same sign as {@link HeadPose.yaw}). */
  yaw: number;
  /** Up/down, positive looking up. */
  pitch: number;
}

/**
 * Eyes, gaze and head of a face (EmoLens extension, present when asked for with `return_attention`).
 */
export interface Attention {
  /** Openness of each eye in [0, 1] (0 closed; ~1 wide open), the subject's own left and right. */
  eyes: { left: number; right: number };
  /** Both eyes closed on this frame. */
  eyes_closed: boolean;
  /** Blinks per minute over the stream's last minute (streams only, once 10 s have been seen). */
  blink_rate?: number;
  /** Where the eyes look, in the camera's frame (head pose plus eye-in-head), when the irises were located. */
  gaze?: Gaze;
  head_pose: HeadPose;
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
  /** FACS action units with their intensity, sorted by AU number, present when asked for (`return_action_units`). */
  action_units?: ActionUnit[];
  /** EmoLens extension: eyes, gaze and head, present when asked for (`return_attention`). */
  attention?: Attention;
  /** EmoLens extension: the four Wakee/DAiSEE learning states on their 0–3 scale, present when asked for. */
  learning_states?: Record<'boredom' | 'confusion' | 'engagement' | 'frustration', number>;
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
