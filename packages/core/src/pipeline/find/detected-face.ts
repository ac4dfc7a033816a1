import type { Box } from '../box.js';
import type { FaceFrame } from '../frame/face-frame.js';

/** One face found in a frame, in source-image pixels. */
export interface DetectedFace {
  /** Whole pixels, inside the image. */
  bbox: Box;
  /** The eye-levelled square crops are framed from. */
  frame: FaceFrame;
  /** 468 mesh points, x/y/z interleaved (z in the scale of x), when a requested signal needs the mesh. */
  mesh?: Float32Array;
  /** MediaPipe facial transformation matrix (4×4, column-major), when a requested signal needs it. */
  transform?: Float32Array;
}
