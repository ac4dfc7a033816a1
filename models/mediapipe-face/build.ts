/**
 * Builds `face_landmarker.task`, the MediaPipe Tasks FaceLandmarker bundle, from the legacy models
 * that ship on npm in `@mediapipe/face_detection` and `@mediapipe/face_mesh`:
 * - `face_detector.tflite`: BlazeFace short range (128×128), plus TFLite metadata (input
 *   normalisation mean 127.5, std 127.5);
 * - `face_landmarks_detector.tflite`: Face Mesh `face_landmark.tflite` (192×192), plus metadata
 *   (mean 0, std 255) and a PAD op growing its 468×3 landmark output to the 478×3 Tasks expects;
 * - `geometry_pipeline_metadata_landmarks.binarypb`, unchanged (enables facial transformation
 *   matrices).
 * The output is byte-for-byte deterministic.
 */
import { readFileSync } from 'node:fs';
import { packageFile, packageVersion, writeModel } from '../lib/files.ts';
import { appendPadToOutput } from './append-pad.ts';
import { extractPackedFile } from './packed-assets.ts';
import { storeZip } from './store-zip.ts';
import { addImageModelMetadata } from './tflite-metadata.ts';
import { TfliteEditor } from './tflite-model.ts';

const DETECTION_PKG = '@mediapipe/face_detection';
const MESH_PKG = '@mediapipe/face_mesh';
/** The BlazeFace variants that ship in `@mediapipe/face_detection`. */
export type DetectorRange = 'short' | 'full';
const DETECTOR_FILES: Record<DetectorRange, string> = {
  short: 'face_detection_short_range.tflite',
  full: 'face_detection_full_range.tflite',
};
const PACKED_DATA = 'face_mesh_solution_packed_assets.data';
const PACKED_LOADER = 'face_mesh_solution_packed_assets_loader.js';
const LANDMARK_FILE = 'face_landmark.tflite';
const GEOMETRY_FILE = 'geometry_pipeline_metadata_landmarks.binarypb';
/** Landmark values the legacy model outputs (468 × xyz) and the Tasks graph expects (478 × xyz). */
const LEGACY_LANDMARK_VALUES = 468 * 3;
const TASKS_LANDMARK_VALUES = 478 * 3;

/** The face detector (short range: 128×128, faces near the camera; full range: 192×192, faces up to ~5 m) with TFLite metadata added. */
export function buildFaceDetector(range: DetectorRange = 'short'): Uint8Array {
  const editor = new TfliteEditor(readFileSync(packageFile(DETECTION_PKG, DETECTOR_FILES[range])));
  addImageModelMetadata(editor, {
    name: 'face_detector',
    description: `BlazeFace ${range}-range face detector from ${DETECTION_PKG}@${packageVersion(DETECTION_PKG)}, metadata added.`,
    license: 'Apache-2.0',
    inputName: 'image',
    mean: [127.5],
    std: [127.5],
  });
  return editor.serialise();
}

/** The files used from the Face Mesh packed assets. */
export function readFaceMeshAssets(): { landmark: Uint8Array; geometry: Uint8Array } {
  const data = readFileSync(packageFile(MESH_PKG, PACKED_DATA));
  const loader = readFileSync(packageFile(MESH_PKG, PACKED_LOADER), 'utf8');
  return {
    landmark: extractPackedFile(data, loader, LANDMARK_FILE),
    geometry: extractPackedFile(data, loader, GEOMETRY_FILE),
  };
}

/** The face landmark model with TFLite metadata added and its landmark output padded to 478×3. */
export function buildFaceLandmarksDetector(landmark: Uint8Array): Uint8Array {
  const editor = new TfliteEditor(landmark);
  appendPadToOutput(editor, LEGACY_LANDMARK_VALUES, TASKS_LANDMARK_VALUES);
  addImageModelMetadata(editor, {
    name: 'face_landmarks_detector',
    description:
      `Face Mesh landmark model from ${MESH_PKG}@${packageVersion(MESH_PKG)}, metadata added, ` +
      'landmark output zero-padded from 468 to 478 points (the last 10 are dummies).',
    license: 'Apache-2.0',
    inputName: 'image',
    mean: [0],
    std: [255],
  });
  return editor.serialise();
}

/** Assembles the `.task` bundle (uncompressed zip) in memory, with the detector of the given range. */
export function buildFaceLandmarkerTask(range: DetectorRange = 'short'): Uint8Array {
  const { landmark, geometry } = readFaceMeshAssets();
  return storeZip([
    { name: 'face_detector.tflite', data: buildFaceDetector(range) },
    { name: 'face_landmarks_detector.tflite', data: buildFaceLandmarksDetector(landmark) },
    { name: GEOMETRY_FILE, data: geometry },
  ]);
}

/**
 * Builds `models/mediapipe-face/build/face_landmarker.task`, checks it against the manifest
 * (see `writeModel`) and returns its path.
 */
export async function buildMediapipeFace(): Promise<string> {
  return writeModel('mediapipe-face', buildFaceLandmarkerTask());
}
