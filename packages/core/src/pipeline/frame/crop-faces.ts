/** The classifier's input for the faces of one frame: each face's crop, framed as the classifier was trained. */
import type { ClassifierManifest } from '../../assets/registry.js';
import { faceCrop, type CropRenderer } from './crop.js';
import type { FaceFrame } from './face-frame.js';
import { valuesPerFace, writeFace } from './preprocess.js';

/** The crops of `faces` in `frame`, one after the other, as the classifier's input tensor. */
export function cropFaces(renderer: CropRenderer, frame: CanvasImageSource, faces: readonly FaceFrame[], manifest: ClassifierManifest): Float32Array {
  const tensor = new Float32Array(valuesPerFace(manifest.input) * faces.length);
  faces.forEach((face, slot) => writeFace(renderer.render(frame, faceCrop(face, manifest.crop)), manifest.input, tensor, slot));
  return tensor;
}
