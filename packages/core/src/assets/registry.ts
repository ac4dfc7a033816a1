import { EmoLensError } from '@emolens/schema';
import type { RuntimeManifest } from './manifest.js';
import { MANIFESTS } from './registry.generated.js';

/** A classifier manifest with its classifier fields present. */
export type ClassifierManifest = RuntimeManifest & Required<Pick<RuntimeManifest, 'input' | 'output' | 'labels' | 'vocabulary' | 'crop'>>;

/**
 * The classifier used when none is chosen: EmoLens' own `emolens-fer`, ahead of the peers' models on real photos and
 * on the FER2013 and FER+ accuracies; `emolens-ferplus` leans to the FER+ labels (`models/emolens-fer/MODEL_CARD.md`
 * has every figure beside the peers').
 */
export const DEFAULT_CLASSIFIER = 'emolens-fer';

/** Ids of the emotion classifiers shipped in this build. */
export function classifierIds(): string[] {
  return MANIFESTS.filter((m) => m.kind === 'emotion-classifier').map((m) => m.name);
}

/** The manifest of a classifier; `INVALID_REQUEST` for an unknown id. */
export function classifierManifest(id: string): ClassifierManifest {
  const manifest = MANIFESTS.find((m) => m.name === id && m.kind === 'emotion-classifier');
  if (!manifest) {
    throw new EmoLensError('INVALID_REQUEST', `Unknown classifier "${id}"`, {
      reason: `no emotion classifier named "${id}" ships with this build`,
      suggestion: `Use one of: ${classifierIds().join(', ')}`,
      field: 'classifier',
    });
  }
  return manifest as ClassifierManifest;
}

/** A face detector manifest with its detector fields present. */
export type FaceDetectorManifest = RuntimeManifest & Required<Pick<RuntimeManifest, 'detector'>>;

/** The ONNX face detector per range: short range on every frame, full range added on large images. */
export const FACE_DETECTORS = { short: 'blazeface-short', full: 'blazeface-full' } as const;

/** The manifest of an ONNX face detector. */
export function faceDetectorManifest(id: string): FaceDetectorManifest {
  const manifest = MANIFESTS.find((m) => m.name === id && m.kind === 'face-detector');
  if (!manifest?.detector) throw new Error(`the face detector ${id} is missing from this build`);
  return manifest as FaceDetectorManifest;
}

/** The manifest of a face landmarker bundle. */
export function landmarkerManifest(id: 'mediapipe-face' | 'mediapipe-face-full'): RuntimeManifest {
  const manifest = MANIFESTS.find((m) => m.name === id && m.kind === 'face-landmarker');
  if (!manifest) throw new Error(`the face-landmarker model ${id} is missing from this build`);
  return manifest;
}

/** An iris landmarker manifest with its fields present. */
export type IrisManifest = RuntimeManifest & Required<Pick<RuntimeManifest, 'input' | 'output' | 'eyeCrop'>>;

/** The iris model, run on the eye crops of the mesh when a requested signal needs `iris`. */
export const IRIS_MODEL = 'human-iris';

/** The manifest of the iris model. */
export function irisManifest(): IrisManifest {
  const manifest = MANIFESTS.find((m) => m.name === IRIS_MODEL && m.kind === 'iris-landmarker');
  if (!manifest?.eyeCrop) throw new Error(`the iris model ${IRIS_MODEL} is missing from this build`);
  return manifest as IrisManifest;
}
