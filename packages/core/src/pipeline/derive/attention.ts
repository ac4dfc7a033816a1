/**
 * `attention` (EmoLens extension), with `returnAttention: true`: each eye's openness, whether both are closed, the
 * blink rate on a stream, gaze where the irises were located, and head pose (from the mesh's own axes).
 *
 * Gaze is the head's pose plus the eyes' direction in the head, the latter measured from the baseline when the
 * face has one (its stream's, or `calibrate()`'s), so that looking at the screen reads near zero once calibrated.
 */
import type { Attention } from '@emolens/schema';
import { round } from '../../round.js';
import { eyesClosed, lookDirection, type FaceFeatures } from './face-features.js';
import { signal } from './signal.js';

/** The attention block of a face's features. */
export function attention(f: FaceFeatures): Attention {
  const eyes = { left: round(f.eyes.left, 3), right: round(f.eyes.right, 3) };
  const rate = f.history?.blinkRate();
  const look = lookDirection(f);
  const gaze = f.eyeGaze && { yaw: round(look.yaw, 1), pitch: round(look.pitch, 1) };
  return {
    eyes,
    eyes_closed: eyesClosed(f),
    ...(rate !== undefined ? { blink_rate: round(rate, 1) } : {}),
    ...(gaze ? { gaze } : {}),
    head_pose: { ...f.headPose },
  };
}

export const attentionSignal = signal({
  field: 'attention',
  option: 'returnAttention',
  needs: ['mesh', 'iris'],
  derive: ({ features }) => {
    const f = features();
    return f ? attention(f) : undefined;
  },
});
