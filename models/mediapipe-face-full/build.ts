/**
 * Builds `face_landmarker_full_range.task`: the same FaceLandmarker bundle as `mediapipe-face`, with the
 * BlazeFace full-range detector (192×192 input, faces up to ~5 m from the camera). The SDK uses it beside
 * the short-range bundle on large photos, where faces are small (group photos).
 */
import { writeModel } from '../lib/files.ts';
import { buildFaceLandmarkerTask } from '../mediapipe-face/build.ts';

/** Builds `models/mediapipe-face-full/build/face_landmarker_full_range.task` and checks it against the manifest. */
export async function buildMediapipeFaceFull(): Promise<string> {
  return writeModel('mediapipe-face-full', buildFaceLandmarkerTask('full'));
}
