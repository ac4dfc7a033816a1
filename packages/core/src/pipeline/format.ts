/**
 * Stage 5 — the canonical WIA face object from a classifier's output.
 */
import { toWia, type Landmark, type WiaEmotionScore, type WiaFace } from '@emolens/schema';
import type { ClassifierManifest } from '../assets/registry.js';
import type { DetectedFace } from './detected-face.js';
import { MESH_POINTS } from './face-frame.js';
import { headPose } from './derive/head-pose.js';
import { valenceArousal } from './derive/valence-arousal.js';

/** What the caller asked to be included. */
export interface FormatOptions {
  returnLandmarks: boolean;
  returnDimensions: boolean;
  returnHeadPose: boolean;
}

/**
 * Scores in WIA labels, sorted by confidence (highest first), normalised to sum to 1. The model's label
 * order comes from its manifest and is mapped through the one label table of `@emolens/schema`.
 */
export function emotionScores(probabilities: Float32Array, manifest: ClassifierManifest): WiaEmotionScore[] {
  let total = 0;
  for (const p of probabilities) total += p;
  return manifest.labels
    .map((word, i) => ({ label: toWia(manifest.vocabulary, word), confidence: probabilities[i]! / total }))
    .sort((a, b) => b.confidence - a.confidence);
}

/** One WIA face. */
export function formatFace(
  faceId: number,
  face: DetectedFace,
  probabilities: Float32Array,
  manifest: ClassifierManifest,
  options: FormatOptions,
): WiaFace {
  const all = emotionScores(probabilities, manifest);
  const result: WiaFace = { face_id: faceId, bbox: { ...face.bbox }, emotions: { primary: { ...all[0]! }, all } };
  if (options.returnDimensions) result.dimensions = valenceArousal(all);
  if (options.returnLandmarks && face.mesh) result.landmarks = landmarks(face.mesh);
  if (options.returnHeadPose && face.transform) result.head_pose = headPose(face.transform);
  return result;
}

function landmarks(points: Float32Array): Landmark[] {
  const out: Landmark[] = new Array(MESH_POINTS);
  const r = (v: number) => Math.round(v * 100) / 100;
  for (let p = 0; p < MESH_POINTS; p++) out[p] = { x: r(points[p * 3]!), y: r(points[p * 3 + 1]!), z: r(points[p * 3 + 2]!) };
  return out;
}
