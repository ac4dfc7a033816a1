/**
 * Everything the mesh-based signals (action units, attention, learning states) read of one face on one frame,
 * computed once per face: the raw measures, the raw action units, head pose and eye-in-head gaze, eye openness, the
 * face's baseline, and on a stream its recent history. Computing it also feeds the face's stream memory (its
 * baseline learner and history) with the frame, exactly once.
 */
import type { HeadPose } from '@emolens/schema';
import type { DetectedFace } from '../find/detected-face.js';
import type { FaceMemory } from '../track/face-memory.js';
import type { FaceHistory } from '../track/face-history.js';
import { actionUnitMeasures } from './action-units.js';
import type { Baseline, EyeGaze } from './baseline.js';
import { faceGeometry, MESH, type FaceGeometry } from './face-geometry.js';
import { faceMeasures, type FaceMeasures } from './face-measures.js';

const DEG = 180 / Math.PI;
/** Eye aperture (`face-measures.ts`) read as fully open: the neutral median (0.309 on FER2013 Training) is then 0.8. */
export const OPEN_APERTURE = 0.386;
/** Openness under which an eye counts as closed. */
export const CLOSED_OPENNESS = 0.25;
/** Off-axis angle (degrees, yaw or pitch) beyond which a face counts as looking away from the screen. */
export const AWAY_DEG = 20;
/** Eyeball radius over eye width (≈12 mm / 30 mm): turns the iris's offset in the eye into an angle. */
const EYE_RADIUS_OVER_WIDTH = 0.4;

/** One face's features on one frame. */
export interface FaceFeatures {
  measures: FaceMeasures;
  /** Raw action-unit measures, in `ACTION_UNITS` order. */
  actionUnits: number[];
  /** Head pose from the mesh's own axes. */
  headPose: HeadPose;
  /** Openness of each eye in [0, 1]. */
  eyes: { left: number; right: number };
  /** Eye-in-head gaze, raw (before the baseline), when the face has iris points. */
  eyeGaze: EyeGaze | undefined;
  /** The face's baseline: learned on its stream, else the explicit calibration, else none (the population's). */
  baseline: Baseline | undefined;
  /** On a stream: the face's recent frames, this one included. */
  history: FaceHistory | undefined;
}

/** Where a face's features are computed: the explicit calibration, and on a stream the face's memory and the frame's time. */
export interface FeatureContext {
  calibration?: Baseline | undefined;
  memory?: FaceMemory | undefined;
  timestampMs?: number | undefined;
}

/** Head pose of the head frame's axes, in the schema's signs (see `HeadPose`). */
export function poseOfAxes(g: FaceGeometry): HeadPose {
  const { x, z } = g.axes;
  const r1 = (v: number) => Math.round(v * 10) / 10 + 0;
  return {
    yaw: r1(Math.atan2(-z[0], z[2]) * DEG),
    pitch: r1(Math.atan2(z[1], Math.hypot(z[0], z[2])) * DEG),
    roll: r1(Math.atan2(x[1], x[0]) * DEG),
  };
}

/** Eye-in-head gaze from the iris centres: their offset from each eye's centre, over the eye's width, as angles. */
export function eyeGaze(g: FaceGeometry, iris: Float32Array): EyeGaze | undefined {
  // The iris points are in source pixels: put the two centres in the head frame through a one-off mesh view.
  const sides = [
    { centre: 0, outer: MESH.rightEyeOuter, inner: MESH.rightEyeInner, top: MESH.rightEyeTop, bottom: MESH.rightEyeBottom },
    { centre: 5, outer: MESH.leftEyeOuter, inner: MESH.leftEyeInner, top: MESH.leftEyeTop, bottom: MESH.leftEyeBottom },
  ];
  let yaw = 0, pitch = 0;
  for (const s of sides) {
    const c = g.fromSource(iris[s.centre * 3]!, iris[s.centre * 3 + 1]!, iris[s.centre * 3 + 2]!);
    const outer = g.point(s.outer), inner = g.point(s.inner), top = g.point(s.top), bottom = g.point(s.bottom);
    const width = Math.hypot(outer.x - inner.x, outer.y - inner.y, outer.z - inner.z);
    if (!(width > 1e-6)) return undefined;
    const h = (c.x - (outer.x + inner.x) / 2) / width;
    const v = (c.y - (top.y + bottom.y) / 2) / width;
    const asinClamped = (t: number) => Math.asin(Math.max(-1, Math.min(1, t / EYE_RADIUS_OVER_WIDTH))) * DEG;
    yaw += asinClamped(h) / 2;
    pitch += -asinClamped(v) / 2;
  }
  return Number.isFinite(yaw) && Number.isFinite(pitch) ? { yaw, pitch } : undefined;
}

/** Both eyes closed. */
export function eyesClosed(f: FaceFeatures): boolean {
  return f.eyes.left < CLOSED_OPENNESS && f.eyes.right < CLOSED_OPENNESS;
}

/**
 * Where the face looks, in degrees: the head's pose plus the eyes' direction in the head, measured from the face's
 * baseline gaze when it has one; the head alone when the irises were not located.
 */
export function lookDirection(f: FaceFeatures): { yaw: number; pitch: number } {
  const base = f.baseline?.gaze;
  return f.eyeGaze
    ? { yaw: f.headPose.yaw + f.eyeGaze.yaw - (base?.yaw ?? 0), pitch: f.headPose.pitch + f.eyeGaze.pitch - (base?.pitch ?? 0) }
    : { yaw: f.headPose.yaw, pitch: f.headPose.pitch };
}

/** Looking more than {@link AWAY_DEG} off the camera axis. */
export function lookingAway(f: FaceFeatures): boolean {
  const { yaw, pitch } = lookDirection(f);
  return Math.abs(yaw) > AWAY_DEG || Math.abs(pitch) > AWAY_DEG;
}

const openness = (aperture: number) => Math.min(1, Math.max(0, aperture / OPEN_APERTURE));

/** The features of `face` (undefined without a usable mesh); on a stream, feeds its memory with them once. */
export function computeFeatures(face: DetectedFace, context: FeatureContext): FaceFeatures | undefined {
  if (!face.mesh) return undefined;
  const g = faceGeometry(face.mesh);
  if (!g) return undefined;
  const measures = faceMeasures(g);
  const actionUnits = actionUnitMeasures(measures);
  if (!actionUnits.every(Number.isFinite)) return undefined;
  const headPose = poseOfAxes(g);
  const eyes = { left: openness(measures.apertureLeft), right: openness(measures.apertureRight) };
  const gaze = face.iris ? eyeGaze(g, face.iris) : undefined;
  const memory = context.memory;
  const baseline = memory ? memory.observe(actionUnits, gaze, context.calibration) : context.calibration;
  const features: FaceFeatures = { measures, actionUnits, headPose, eyes, eyeGaze: gaze, baseline, history: undefined };
  if (memory && context.timestampMs !== undefined) features.history = memory.record(context.timestampMs, features);
  return features;
}
