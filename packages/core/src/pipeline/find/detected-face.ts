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
  /**
   * Iris points when a requested signal needs them: 10 points × x/y/z in source pixels — the subject's right eye
   * (image left) first, then the left, each as centre, then the four points round the iris (right, top, left,
   * bottom as seen in the image) — from the iris model run on each eye's crop of the mesh.
   */
  iris?: Float32Array;
}
