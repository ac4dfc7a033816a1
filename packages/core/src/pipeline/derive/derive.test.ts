import { describe, expect, it } from 'vitest';
import { WIA_EMOTIONS } from '@emolens/schema';
import { resolveDetectOptions } from '../../options.js';
import { MESH_POINTS } from '../frame/face-frame.js';
import { headPose, headPoseSignal } from './head-pose.js';
import { landmarks, landmarksSignal } from './landmarks.js';
import { needsOf, requestedSignals, SIGNALS } from './registry.js';
import { CIRCUMPLEX, dimensionsSignal, valenceArousal } from './valence-arousal.js';

describe('the signal registry', () => {
  it('lists the signals in the order their fields appear in a WIA face', () => {
    expect(SIGNALS.map((s) => s.field)).toEqual(['dimensions', 'landmarks', 'head_pose', 'action_units', 'attention', 'learning_states']);
  });

  it('switches each signal by its own option; the defaults ask for dimensions only', () => {
    expect(requestedSignals(resolveDetectOptions({}, 5))).toEqual([dimensionsSignal]);
    expect(requestedSignals(resolveDetectOptions({ returnDimensions: false }, 5))).toEqual([]);
    expect(requestedSignals(resolveDetectOptions({ returnHeadPose: true, returnLandmarks: true }, 5))).toEqual([dimensionsSignal, landmarksSignal, headPoseSignal]);
  });

  it('needs the mesh only for landmarks and the transform only for head pose', () => {
    expect([...needsOf([dimensionsSignal])]).toEqual(['scores']);
    expect([...needsOf([landmarksSignal])]).toEqual(['mesh']);
    expect([...needsOf([headPoseSignal])]).toEqual(['transform']);
  });
});

describe('valence and arousal', () => {
  it('is each class\'s circumplex position when the class is certain', () => {
    for (const label of WIA_EMOTIONS) expect(valenceArousal([{ label, confidence: 1 }])).toEqual(CIRCUMPLEX[label]);
  });

  it('is the probability-weighted mean, whether or not the probabilities sum to 1', () => {
    const half = [{ label: 'happiness' as const, confidence: 0.5 }, { label: 'sadness' as const, confidence: 0.5 }];
    expect(valenceArousal(half)).toEqual({ valence: 0.05, arousal: 0.45 });
    expect(valenceArousal(half.map((s) => ({ ...s, confidence: 3 })))).toEqual({ valence: 0.05, arousal: 0.45 });
  });

  it('stays inside its ranges and falls back to neutral without probability mass', () => {
    expect(valenceArousal([])).toEqual(CIRCUMPLEX.neutral);
    const all = WIA_EMOTIONS.map((label, i) => ({ label, confidence: i + 1 }));
    const { valence, arousal } = valenceArousal(all);
    expect(valence).toBeGreaterThanOrEqual(-1);
    expect(valence).toBeLessThanOrEqual(1);
    expect(arousal).toBeGreaterThanOrEqual(0);
    expect(arousal).toBeLessThanOrEqual(1);
  });
});

/** A 4×4 column-major matrix with rotation R = Rz(roll)·Ry(yaw)·Rx(pitch). */
function rotation(yawDeg: number, pitchDeg: number, rollDeg: number): Float32Array {
  const [y, p, r] = [yawDeg, pitchDeg, rollDeg].map((d) => (d * Math.PI) / 180) as [number, number, number];
  const rx = [[1, 0, 0], [0, Math.cos(p), -Math.sin(p)], [0, Math.sin(p), Math.cos(p)]];
  const ry = [[Math.cos(y), 0, Math.sin(y)], [0, 1, 0], [-Math.sin(y), 0, Math.cos(y)]];
  const rz = [[Math.cos(r), -Math.sin(r), 0], [Math.sin(r), Math.cos(r), 0], [0, 0, 1]];
  const mul = (a: number[][], b: number[][]) => a.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
  const m = mul(rz, mul(ry, rx));
  const out = new Float32Array(16);
  for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) out[col * 4 + row] = m[row]![col]!;
  out[15] = 1;
  return out;
}

describe('head pose', () => {
  it('recovers yaw, pitch and roll from the (y-up) transformation matrix, to 0.1°, in the image\'s signs', () => {
    expect(headPose(rotation(0, 0, 0))).toEqual({ yaw: 0, pitch: 0, roll: 0 });
    expect(headPose(rotation(30, 0, 0))).toEqual({ yaw: 30, pitch: 0, roll: 0 });
    // y up: a positive rotation about x lowers the face's front (looks down), about z turns it counter-clockwise.
    expect(headPose(rotation(0, -20, 0))).toEqual({ yaw: 0, pitch: 20, roll: 0 });
    expect(headPose(rotation(0, 0, 15))).toEqual({ yaw: 0, pitch: 0, roll: -15 });
    expect(headPose(rotation(-25, 10, 5))).toEqual({ yaw: -25, pitch: -10, roll: -5 });
  });

  it('is left out of a face that has no matrix', () => {
    const face = { bbox: { x: 0, y: 0, width: 1, height: 1 }, frame: { cx: 0, cy: 0, side: 1, angle: 0 } };
    expect(headPoseSignal.derive({ face, scores: [], previous: undefined, features: () => undefined })).toBeUndefined();
    expect(landmarksSignal.derive({ face, scores: [], previous: undefined, features: () => undefined })).toBeUndefined();
  });
});

describe('landmarks', () => {
  it('gives the 468 meaningful mesh points rounded to 0.01 px (not the padding)', () => {
    const mesh = new Float32Array(478 * 3).map((_, i) => i + 0.123456);
    const points = landmarks(mesh);
    expect(points).toHaveLength(MESH_POINTS);
    expect(points[0]).toEqual({ x: 0.12, y: 1.12, z: 2.12 });
    expect(points[467]).toEqual({ x: 1401.12, y: 1402.12, z: 1403.12 });
  });
});
