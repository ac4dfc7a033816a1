/**
 * Head pose (yaw, pitch, roll in degrees) from MediaPipe's facial transformation matrix.
 */
import type { HeadPose } from '@emolens/schema';
import { round } from '../../round.js';
import { signal } from './signal.js';

const DEG = 180 / Math.PI;

/**
 * Euler angles of the rotation part of a 4×4 column-major matrix, in the schema's signs (`HeadPose`). MediaPipe's
 * metric space is y-up (OpenGL's), the image y-down: a rotation about x (pitch) or z (roll) that is positive there
 * is a face looking down, or turning counter-clockwise, on the image; both are negated. Yaw keeps its sign.
 */
export function headPose(matrix: Float32Array): HeadPose {
  const r = (row: number, col: number) => matrix[col * 4 + row]!;
  const pitch = -Math.atan2(r(2, 1), r(2, 2));
  const yaw = Math.atan2(-r(2, 0), Math.hypot(r(2, 1), r(2, 2)));
  const roll = -Math.atan2(r(1, 0), r(0, 0));
  return { yaw: round(yaw * DEG, 1), pitch: round(pitch * DEG, 1), roll: round(roll * DEG, 1) };
}

/** `head_pose`, with `returnHeadPose: true`. */
export const headPoseSignal = signal({
  field: 'head_pose',
  option: 'returnHeadPose',
  needs: ['transform'],
  derive: ({ face }) => (face.transform ? headPose(face.transform) : undefined),
});
