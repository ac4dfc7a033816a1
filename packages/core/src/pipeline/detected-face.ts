import type { FaceFrame } from './face-frame.js';

/** A face box in source pixels (whole pixels, inside the image). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face found in a frame, in source-image pixels. */
export interface DetectedFace {
  bbox: Box;
  /** The eye-levelled square crops are framed from. */
  frame: FaceFrame;
  /** 468 mesh points, x/y/z interleaved (z in the scale of x), when landmarks were computed. */
  mesh?: Float32Array;
  /** MediaPipe facial transformation matrix (4×4, column-major), when head pose was asked for. */
  transform?: Float32Array;
}
